import { createRequire } from 'node:module'
import { loadConfigFile } from '../config/config-file.js'
import { parseServeArgs, serveHelp } from './cli-args.js'
import { startServer, type HeraldServer } from './serve.js'

/** The package's version (package.json sits two folders up from both src/http and dist/http). */
export function heraldVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version
}

/**
 * `herald serve [flags]`: prints help or the version, or loads the config file and starts the server.
 * @returns the running server, or undefined when only text was printed.
 * @throws CliUsageError for bad flags; InvalidConfigError (naming the file) for a bad config.
 */
export async function serveCommand(argv: readonly string[], print: (text: string) => void = console.log): Promise<HeraldServer | undefined> {
  const args = parseServeArgs(argv)
  if (args.help || args.version) {
    print(args.help ? serveHelp() : heraldVersion())
    return undefined
  }
  const server = { ...(args.host === undefined ? {} : { host: args.host }), ...(args.port === undefined ? {} : { port: args.port }) }
  const { input, file } = await loadConfigFile({ file: args.config, server })
  const level = args.debug ? 'debug' : (process.env.LOG_LEVEL ?? 'info')
  const started = await startServer({ config: input, logger: { level } })
  if (file !== undefined) started.app.log.info({ file }, 'configuration file loaded')
  return started
}
