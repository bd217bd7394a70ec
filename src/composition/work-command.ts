import { createStdoutLogger } from '../adapters/log/stdout-logger.js'
import { loadConfig } from '../config/load-config.js'
import { createBroadcasting } from './create-broadcasting.js'
import { startBroadcastWorker } from './start-broadcast-worker.js'

/**
 * `herald work`: delivers queued broadcasts until SIGINT/SIGTERM (Laravel's `queue:work`). It reads
 * the same environment as the app that queues them, so the jobs' connection names exist here too.
 */
export async function startWorkCommand(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const logger = createStdoutLogger()
  const config = loadConfig({}, env)
  const broadcasting = createBroadcasting(config, { logger })
  const queue = config.queue ?? { default: 'sync', connections: {} }
  const worker = await startBroadcastWorker({ broadcasting, queue, logger })
  logger.info({ connection: queue.default }, 'herald work: delivering queued broadcasts')
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'herald work: finishing running jobs')
    worker
      .close()
      .then(() => broadcasting.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'herald work: shutdown failed')
          process.exit(1)
        },
      )
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
  return 0
}
