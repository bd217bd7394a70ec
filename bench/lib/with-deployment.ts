import { ClientPool } from './client-pool.js'
import { RoundRobinPublisher } from './measure.js'
import { clientKindOf, deploy, type Deployment, type TargetName } from './targets.js'

/** Everything one measurement needs, torn down together whatever happens. */
export interface Rig {
  deployment: Deployment
  pool: ClientPool
  publisher: RoundRobinPublisher
}

/** Starts `count` servers of `target`, a client pool and a publisher, runs `fn`, and always stops all of it. */
export async function withRig<T>(target: TargetName, count: number, fn: (rig: Rig) => Promise<T>, nodeFlags: string[] = []): Promise<T> {
  const deployment = await deploy(target, count, nodeFlags)
  const pool = new ClientPool(clientKindOf(target))
  const publisher = new RoundRobinPublisher(deployment.servers)
  try {
    return await fn({ deployment, pool, publisher })
  } finally {
    publisher.close()
    await pool.close()
    await deployment.stop()
  }
}

/** First line of an error, for table notes. */
export function errorLine(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err)
}
