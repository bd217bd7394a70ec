import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { Compile } from 'typebox/compile'
import type { ChannelAuthorizer } from '../domain/auth/channel-authorizer.js'
import { InvalidConfigError, type ConfigIssue } from '../domain/errors.js'
import type { BroadcasterPort } from '../domain/ports/broadcaster-port.js'
import type { HeraldConfigInput } from '../config/schema.js'

/** The app's user for `/broadcasting/auth`; `null` (or `undefined`) answers 401. */
/** (`unknown` covers `null`, a user and a promise of either; the names say what the hook is expected to return.) */
export type Authenticate = (request: FastifyRequest) => unknown

/** Options of the `herald` Fastify plugin. */
export interface HeraldPluginOptions {
  /** Herald configuration for `loadConfig` (apps, connections, default); env and defaults fill the rest. @default {} */
  readonly config?: HeraldConfigInput
  /** Resolves the request's user for `/broadcasting/auth`. @default () => null (every auth request is 401) */
  readonly authenticate?: Authenticate
  /** Channel rules. @default a new ChannelAuthorizer with the default app's credentials */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the host picks its own User type
  readonly authorizer?: ChannelAuthorizer<any>
  /** Replaces the default connection's driver (e.g. a BroadcasterFake). @default the `local` driver */
  readonly broadcaster?: BroadcasterPort
  /** Prefix of `/auth` and `/user-auth`. @default '/broadcasting' */
  readonly authPrefix?: string
  /** A socket with more bytes queued than this is closed with 4100 (slow consumer). @default 1048576 */
  readonly maxBufferedBytes?: number
  /** Longest a graceful shutdown waits for clients to leave, in ms. @default 5000 */
  readonly shutdownTimeoutMs?: number
  /** Environment the config reads. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>
  /**
   * Serve Laravel Echo's socket.io connector (and socket.io-client 4) at `/socket.io/` on the same port, sharing
   * the hub with the Pusher endpoint. Private and presence subscriptions are checked by this plugin's own auth
   * route (your `authenticate` and channel rules). @default config `server.socketio` (`HERALD_SOCKETIO`), false
   */
  readonly socketio?: boolean
  /**
   * Deliver queued broadcasts in this server too (a bullmq queue connection, `QUEUE_CONNECTION=bullmq`):
   * `true` for the default queue connection, or `{ connection, queues }`. @default false (`npx herald work`)
   */
  readonly worker?: boolean | { readonly connection?: string; readonly queues?: readonly string[] }
}

/** Options after validation, defaults applied. */
export interface ResolvedPluginOptions {
  readonly config: HeraldPluginOptions['config']
  readonly authenticate: Authenticate
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see HeraldPluginOptions
  readonly authorizer: ChannelAuthorizer<any> | undefined
  readonly broadcaster: BroadcasterPort | undefined
  readonly authPrefix: string
  readonly maxBufferedBytes: number
  readonly shutdownTimeoutMs: number
  readonly env: Readonly<Record<string, string | undefined>>
  readonly socketio: boolean | undefined
  readonly worker: HeraldPluginOptions['worker']
}

const DataOptionsSchema = Type.Object({
  config: Type.Optional(Type.Object({}, { additionalProperties: true })),
  authPrefix: Type.Optional(Type.String({ pattern: '^(/[^/]+)*$' })),
  maxBufferedBytes: Type.Optional(Type.Integer({ minimum: 1024 })),
  shutdownTimeoutMs: Type.Optional(Type.Integer({ minimum: 0 })),
  env: Type.Optional(Type.Object({}, { additionalProperties: true })),
  socketio: Type.Optional(Type.Boolean()),
  worker: Type.Optional(Type.Union([Type.Boolean(), Type.Object({ connection: Type.Optional(Type.String({ minLength: 1 })), queues: Type.Optional(Type.Array(Type.String({ minLength: 1 }))) }, { additionalProperties: false })])),
}, { additionalProperties: true })

const dataOptions = Compile(DataOptionsSchema)
const KNOWN = new Set(['config', 'authenticate', 'authorizer', 'broadcaster', 'authPrefix', 'maxBufferedBytes', 'shutdownTimeoutMs', 'env', 'socketio', 'worker', 'prefix', 'logLevel', 'logSerializers'])

function handChecks(opts: Record<string, unknown>, issues: ConfigIssue[]): void {
  for (const key of Object.keys(opts)) if (!KNOWN.has(key)) issues.push({ path: key, message: 'unknown plugin option' })
  if (opts.authenticate !== undefined && typeof opts.authenticate !== 'function') {
    issues.push({ path: 'authenticate', message: `expected a function (request) => user | null (got ${typeof opts.authenticate})` })
  }
  const authorizer = opts.authorizer as { authorize?: unknown } | undefined
  if (authorizer !== undefined && typeof authorizer?.authorize !== 'function') issues.push({ path: 'authorizer', message: 'expected a ChannelAuthorizer' })
  const broadcaster = opts.broadcaster as { broadcast?: unknown } | undefined
  if (broadcaster !== undefined && typeof broadcaster?.broadcast !== 'function') issues.push({ path: 'broadcaster', message: 'expected a BroadcasterPort (an object with broadcast(message))' })
}

/**
 * Validates the plugin's options in one pass (schema for data, hand checks for functions).
 * @throws InvalidConfigError listing every bad option, before anything is registered.
 */
export function parsePluginOptions(options: unknown): ResolvedPluginOptions {
  const opts = (options ?? {}) as Record<string, unknown>
  const issues: ConfigIssue[] = []
  if (!dataOptions.Check(opts)) {
    for (const e of dataOptions.Errors(opts)) issues.push({ path: e.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(options)', message: e.message })
  }
  handChecks(opts, issues)
  if (issues.length > 0) throw new InvalidConfigError(issues)
  const o = opts as HeraldPluginOptions
  return {
    config: o.config,
    authenticate: o.authenticate ?? (() => null),
    authorizer: o.authorizer,
    broadcaster: o.broadcaster,
    authPrefix: o.authPrefix ?? '/broadcasting',
    maxBufferedBytes: o.maxBufferedBytes ?? 1024 * 1024,
    shutdownTimeoutMs: o.shutdownTimeoutMs ?? 5000,
    env: o.env ?? process.env,
    socketio: o.socketio,
    worker: o.worker,
  }
}
