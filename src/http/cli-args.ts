import { ENV_TABLE } from '../config/env.js'

/** What `herald serve`'s flags asked for. */
export interface ServeArgs {
  readonly help: boolean
  readonly version: boolean
  readonly debug: boolean
  readonly config: string | undefined
  readonly host: string | undefined
  readonly port: number | undefined
}

/** A command line that cannot be run; `message` says which flag and why. */
export class CliUsageError extends Error {
  readonly code = 'HERALD_ERR_CLI_USAGE'
}

const VALUE_FLAGS = new Set(['--config', '--host', '--port'])
const SWITCHES = new Set(['--help', '-h', '--version', '-v', '--debug'])

/**
 * Parses `herald serve`'s flags (`--flag value` or `--flag=value`).
 * @throws CliUsageError for an unknown flag, a missing value or a port that is not 0-65535.
 */
export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const values = new Map<string, string>()
  const switches = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const eq = arg.indexOf('=')
    const flag = eq === -1 ? arg : arg.slice(0, eq)
    if (SWITCHES.has(flag) && eq === -1) switches.add(flag)
    else if (VALUE_FLAGS.has(flag)) {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1)
      if (value === undefined || value === '' || (eq === -1 && value.startsWith('--'))) throw new CliUsageError(`${flag} needs a value`)
      values.set(flag, value)
    } else throw new CliUsageError(`unknown ${arg.startsWith('-') ? 'flag' : 'argument'} ${JSON.stringify(arg)}; see herald serve --help`)
  }
  const port = values.get('--port')
  if (port !== undefined && !(/^\d+$/.test(port) && Number(port) <= 65535)) throw new CliUsageError(`--port expects 0-65535 (got ${JSON.stringify(port)})`)
  return {
    help: switches.has('--help') || switches.has('-h'),
    version: switches.has('--version') || switches.has('-v'),
    debug: switches.has('--debug'),
    config: values.get('--config'),
    host: values.get('--host'),
    port: port === undefined ? undefined : Number(port),
  }
}

/** `herald serve --help`: the flags and every environment variable with the config key it fills. */
export function serveHelp(): string {
  const width = Math.max(...ENV_TABLE.map((e) => e.env.length))
  const env = ENV_TABLE.map((e) => `  ${e.env.padEnd(width)}  ${e.path.join('.').replace('apps.0.', 'apps[0].')}`)
  return [
    'Usage: herald serve [flags]',
    '',
    'Serves the Pusher protocol (WebSocket /app/:key) and the Pusher HTTP API (/apps/:appId/...).',
    'Config: --config <file>, else herald.config.{ts,mjs,js,json} in the working directory; each key the',
    'file leaves out comes from the environment, then the defaults.',
    '',
    'Flags:',
    '  --config <file>  config file (TypeScript, ESM or JSON)',
    '  --host <host>    interface to listen on (over server.host / HOST)',
    '  --port <port>    port to listen on (over server.port / PORT)',
    '  --debug          log at debug level',
    '  --help, -h       this help',
    '  --version, -v    print the version',
    '',
    'Environment variables (config key they fill):',
    ...env,
    `  ${'LOG_LEVEL'.padEnd(width)}  log level (info)`,
  ].join('\n')
}
