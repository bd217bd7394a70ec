// The `herald` command: an entry point like the composition root, so it may reach every layer it starts.
import { startWorkCommand } from '../composition/work-command.js'
import { serveCommand } from '../http/serve-command.js'
import { isGeneratorCommand } from './parse-command.js'

const USAGE = `Usage: herald serve [--config <file>] [--host <host>] [--port <port>] [--debug] [--help] [--version]
       herald install [--dir src/broadcasting] [--force]
       herald make:event Name [--private|--presence] [--channel 'orders.{orderId}'] [--dir ...] [--force]
       herald make:channel Name [--channel 'orders.{orderId}'] [--dir ...] [--force]
       herald make:listener Name --event EventName [--dir ...] [--force]
       herald work    deliver queued broadcasts (env: QUEUE_CONNECTION=bullmq, REDIS_URL, BROADCAST_CONNECTION and its driver's)`

async function main(argv: readonly string[]): Promise<number> {
  const command = argv[0]
  if (command === 'work') return startWorkCommand()
  if (isGeneratorCommand(command)) {
    // Loaded only for these commands: `serve` never pays for the generators, nor they for Fastify.
    const { runGenerator } = await import('./run-generator.js')
    return runGenerator(command, argv.slice(1), { cwd: process.cwd(), print: (line) => console.log(line) })
  }
  if (command !== 'serve') {
    console.error(command === undefined ? USAGE : `Unknown command ${JSON.stringify(command)}\n${USAGE}`)
    return 2
  }
  const server = await serveCommand(argv.slice(1))
  if (server === undefined) return 0
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    server.app.log.info({ signal }, 'shutting down: telling clients to reconnect')
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.app.log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
  return 0
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code)
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  },
)
