import type { Redis } from 'ioredis'

/**
 * An ioredis client for BullMQ. BullMQ requires `maxRetriesPerRequest: null`: its blocking commands
 * must wait through a Redis restart instead of failing, which is what lets a queue outlive an outage.
 */
export async function createBullMqRedis(url: string): Promise<Redis> {
  const { Redis } = await import('ioredis')
  const client = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false })
  // BullMQ reconnects on its own; errors while Redis is away are expected and must not crash the process.
  client.on('error', () => {})
  return client
}
