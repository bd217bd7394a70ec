import type { Cluster, Redis, RedisOptions as IORedisOptions } from 'ioredis'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import { beforeDeadline } from '../../domain/within-deadline.js'
import type { RedisOptions } from './redis-options.js'

/** A standalone, Sentinel or Cluster ioredis client: the commands Herald uses exist on all three. */
export type RedisClient = Redis | Cluster

/** How a connection behaves while Redis is unreachable. */
export interface RedisConnectionRole {
  /** Used in log lines (`publisher`, `subscriber`, `store`). */
  readonly name: string
  /**
   * Queue commands while disconnected. Only the subscriber wants this (its PSUBSCRIBE must survive a
   * connection that is not up yet); everything else fails fast so callers can reject promptly.
   */
  readonly offlineQueue: boolean
}

/** Longest pause between reconnect attempts: Redis coming back is noticed within about a second. */
const MAX_RECONNECT_DELAY_MS = 1000

/**
 * Creates an ioredis client from Herald's options; ioredis is imported lazily so configs that never
 * use Redis never load it. The client reconnects forever and logs each outage once, not once per
 * retry, and its `error` events never reach the process as unhandled.
 */
export async function createRedisClient(options: RedisOptions, role: RedisConnectionRole, logger: LoggerPort): Promise<RedisClient> {
  const { Redis, Cluster } = await import('ioredis')
  const { clusterNodes, ...passthrough } = options.ioredis ?? {}
  // `replyMapping` is typed differently by the option type and the constructor; Herald never sets it.
  const common: Omit<IORedisOptions, 'replyMapping'> = {
    retryStrategy: (attempt: number) => Math.min(50 * attempt, MAX_RECONNECT_DELAY_MS),
    enableOfflineQueue: role.offlineQueue,
    // A command in flight when the connection drops fails instead of being replayed later, which
    // could deliver an event long after its publisher was told it failed.
    maxRetriesPerRequest: role.offlineQueue ? null : 0,
    autoResubscribe: true,
    commandTimeout: options.timeoutMs,
    connectTimeout: Math.max(options.timeoutMs, 1000),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.db !== undefined ? { db: options.db } : {}),
    ...(options.tls === true ? { tls: {} } : {}),
    ...(passthrough as Omit<IORedisOptions, 'replyMapping'>),
  }
  // PUB/SUB and our command connections must not block forever waiting on a dead node.
  if (role.offlineQueue) delete common.commandTimeout

  let client: RedisClient
  if (clusterNodes !== undefined && clusterNodes.length > 0) {
    client = new Cluster(clusterNodes, { redisOptions: common, enableOfflineQueue: role.offlineQueue, clusterRetryStrategy: common.retryStrategy })
  } else if (options.url !== undefined) {
    client = new Redis(options.url, common)
  } else {
    client = new Redis(common)
  }
  watchConnection(client, role.name, logger)
  return client
}

/** Logs the transitions (up → down → up), never every retry, and swallows `error` events by logging them. */
function watchConnection(client: RedisClient, name: string, logger: LoggerPort): void {
  let up = false
  let reportedDown = false
  client.on('ready', () => {
    if (reportedDown) logger.info({ redis: name }, 'herald: redis connection restored')
    up = true
    reportedDown = false
  })
  client.on('error', (err: unknown) => {
    // ioredis retries by itself; logging once per outage keeps a long outage from flooding the log.
    if (reportedDown) return
    reportedDown = true
    logger.error({ err, redis: name, wasUp: up }, 'herald: redis connection unavailable; retrying')
  })
  client.on('end', () => {
    up = false
  })
}

/**
 * Waits until `client` is ready, at most `timeoutMs`. Fails at once when the client is known to be
 * down (reconnecting), so a publish during an outage rejects promptly instead of waiting.
 */
export async function whenReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return
  if (client.status === 'reconnecting' || client.status === 'end' || client.status === 'close') {
    throw new Error(`redis is unavailable (connection status: ${client.status})`)
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`redis did not become ready within ${timeoutMs} ms`)), timeoutMs)
    const onReady = (): void => finish()
    const onError = (err: unknown): void => finish(err instanceof Error ? err : new Error(String(err)))
    function finish(err?: Error): void {
      clearTimeout(timer)
      client.off('ready', onReady)
      client.off('error', onError)
      if (err === undefined) resolve()
      else reject(err)
    }
    client.once('ready', onReady)
    client.once('error', onError)
  })
}

/** Closes a client: QUIT when connected (flushes pending replies), otherwise disconnect at once. */
export async function closeRedisClient(client: RedisClient): Promise<void> {
  if (client.status === 'end') return
  if (client.status === 'ready') {
    try {
      await beforeDeadline(client.quit(), 1000, 'redis QUIT')
      return
    } catch {
      // QUIT could not complete (connection dropped meanwhile): fall through to a hard disconnect,
      // which is what closing means anyway.
    }
  }
  client.disconnect()
}
