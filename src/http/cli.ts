import { serveCommand } from './serve-command.js'

const USAGE = 'Usage: herald serve [--config <file>] [--host <host>] [--port <port>] [--debug] [--help] [--version]'

async function main(argv: readonly string[]): Promise<number> {
  const command = argv[0]
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
