import { Type, type Static, type TProperties } from 'typebox'
import { AblyOptionsSchema } from '../adapters/ably/ably-options.js'
import { LocalOptionsSchema } from '../adapters/local/local-options.js'
import { LogOptionsSchema } from '../adapters/log/log-options.js'
import { NullOptionsSchema } from '../adapters/null/null-options.js'
import { PusherOptionsSchema } from '../adapters/pusher/pusher-options.js'
import { RedisOptionsSchema } from '../adapters/redis/redis-options.js'
import { WebhookTargetSchema } from '../adapters/webhooks/webhook-options.js'
import { AppLimitsSchema } from './app-limits-schema.js'
import { AppProviderSchema } from './app-provider-schema.js'
import { ServerLimitsProperties } from './server-limits-schema.js'
import { QueueConfigSchema, type QueueConfigInput } from './queue-schema.js'
import { TlsSchema } from './tls-schema.js'

/** Every driver name, in the order error messages list them. */
export const DRIVER_NAMES = ['redis', 'pusher', 'ably', 'log', 'null', 'local'] as const

/** The name of a built-in driver. */
export type DriverName = (typeof DRIVER_NAMES)[number]

// One connection = `{ driver: '<name>' }` plus that driver's own options, unknown keys rejected.
function connectionSchema<D extends DriverName, P extends TProperties>(driver: D, options: { properties: P }) {
  return Type.Object({ driver: Type.Literal(driver), ...options.properties }, { additionalProperties: false })
}

/** Per-driver connection schemas, keyed by driver name (used to validate each connection on its own). */
export const ConnectionSchemas = {
  redis: connectionSchema('redis', RedisOptionsSchema),
  pusher: connectionSchema('pusher', PusherOptionsSchema),
  ably: connectionSchema('ably', AblyOptionsSchema),
  log: connectionSchema('log', LogOptionsSchema),
  null: connectionSchema('null', NullOptionsSchema),
  local: connectionSchema('local', LocalOptionsSchema),
} as const

/** One named connection: a union discriminated by `driver`. */
export const ConnectionSchema = Type.Union([
  ConnectionSchemas.redis,
  ConnectionSchemas.pusher,
  ConnectionSchemas.ably,
  ConnectionSchemas.log,
  ConnectionSchemas.null,
  ConnectionSchemas.local,
])

/** A validated connection. */
export type ConnectionConfig = Static<typeof ConnectionSchema>

/** A validated connection of one driver. */
export type ConnectionConfigOf<D extends DriverName> = Extract<ConnectionConfig, { driver: D }>

/** Default credentials of the built-in app; fine for development, warned about in production. */
export const DEFAULT_APP = { id: 'app-id', key: 'app-key', secret: 'app-secret' } as const

/** One Pusher "app" served by a Herald server; matches the domain's `HeraldApp` once defaults are applied. */
export const AppSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'App id used by the HTTP API (BROADCAST_APP_ID).' }),
    key: Type.String({ minLength: 1, description: 'Public key clients connect with (BROADCAST_APP_KEY).' }),
    secret: Type.String({ minLength: 1, description: 'Signing secret (BROADCAST_APP_SECRET); never logged.' }),
    clientEvents: Type.Boolean({ default: true, description: 'Relay client-* events (BROADCAST_APP_CLIENT_EVENTS). @default true' }),
    maxConnections: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { default: null, description: '@default null (no limit)' }),
    maxMessageSize: Type.Integer({ minimum: 1, default: 10000, description: 'Largest client frame in bytes. @default 10000' }),
    maxEventPayloadSize: Type.Integer({ minimum: 1, default: 10240, description: 'Largest HTTP API event data in bytes. @default 10240' }),
    allowedOrigins: Type.Array(Type.String({ minLength: 1 }), { default: ['*'], description: "@default ['*']" }),
    activityTimeout: Type.Integer({ minimum: 1, default: 30, description: 'Seconds before the server pings. @default 30' }),
    encryptionMasterKey: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
      default: null,
      description: 'Base64 master key for private-encrypted- channels. @default null (disabled)',
    }),
    maxPresenceMembers: Type.Integer({ minimum: 1, default: 100, description: 'Most distinct members of one presence channel (Pusher: 100). @default 100' }),
    maxPresenceMemberSize: Type.Integer({
      minimum: 1,
      default: 1024,
      description: 'Largest presence user_info in bytes of its JSON (Pusher: 1 KB). @default 1024',
    }),
    webhooks: Type.Array(WebhookTargetSchema, { default: [], description: 'Webhook targets (BROADCAST_APP_WEBHOOKS, a JSON list). @default []' }),
    subscriptionCount: Type.Boolean({
      default: false,
      description: 'Send pusher:subscription_count to subscribers of non-presence channels (BROADCAST_APP_SUBSCRIPTION_COUNT). @default false',
    }),
    ...AppLimitsSchema.properties,
  },
  { additionalProperties: false },
)

/** A validated app. */
export type AppConfig = Static<typeof AppSchema>

/** Where `herald serve` listens (HOST, PORT). */
export const ServerSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, default: '0.0.0.0', description: "Interface to listen on (HOST). @default '0.0.0.0'" }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 6001, description: 'Port to listen on (PORT). @default 6001' }),
    metrics: Type.Boolean({ default: false, description: 'Serve Prometheus metrics at GET /metrics (HERALD_METRICS); keep that path internal. @default false' }),
    tls: Type.Optional(TlsSchema),
    trustProxy: Type.Boolean({
      default: false,
      description: "Take the client's address from X-Forwarded-For (behind a load balancer), for maxConnectionsPerIpPerSecond (HERALD_TRUST_PROXY). @default false",
    }),
    appProvider: AppProviderSchema,
    ...ServerLimitsProperties,
    socketio: Type.Boolean({ default: false, description: "Serve Echo's socket.io connector at /socket.io/ beside the Pusher endpoint (HERALD_SOCKETIO). @default false" }),
    socketioAuthUrl: Type.Union([Type.String({ pattern: '^https?://[^\\s]+$' }), Type.Null()], {
      default: null,
      description: "The app's auth endpoint Socket.IO subscriptions are checked with (HERALD_SOCKETIO_AUTH_URL). @default null (the plugin's own /broadcasting/auth)",
    }),
    socketioAuthTimeoutMs: Type.Integer({ minimum: 1, default: 5000, description: 'Longest a Socket.IO auth request may take, ms (HERALD_SOCKETIO_AUTH_TIMEOUT_MS). @default 5000' }),
  },
  { additionalProperties: false },
)

/**
 * All of Herald's configuration, in Laravel's `config/broadcasting.php` shape: named connections,
 * each with a `driver`, plus the apps a Herald server serves.
 */
export const HeraldConfigSchema = Type.Object(
  {
    default: Type.Optional(
      Type.String({
        minLength: 1,
        description: "Default connection (BROADCAST_CONNECTION, legacy BROADCAST_DRIVER). Unset: see resolveDefaultConnection().",
      }),
    ),
    connections: Type.Record(Type.String(), ConnectionSchema, { default: {} }),
    apps: Type.Array(AppSchema, { minItems: 1, description: 'Apps served; one built from BROADCAST_APP_* by default.' }),
    server: ServerSchema,
    queue: Type.Optional(QueueConfigSchema),
  },
  { additionalProperties: false },
)

/** Validated, defaulted configuration. */
export type HeraldConfig = Static<typeof HeraldConfigSchema>

/**
 * One connection as a user writes it: a driver and any of its options (defaults fill the rest).
 * `driver` may be left out for a connection named after its driver (`connections.pusher`).
 */
export type ConnectionInput = {
  [D in DriverName]: { readonly driver?: D } & Partial<Omit<ConnectionConfigOf<D>, 'driver'>>
}[DriverName]

/** An app as a user writes it: `id`, `key`, `secret`, and any limits to change. */
export type AppInput = Pick<AppConfig, 'id' | 'key' | 'secret'> & Partial<Omit<AppConfig, 'id' | 'key' | 'secret'>>

/** What a user may pass to `loadConfig`: any part of the config; the rest comes from env and defaults. */
export interface HeraldConfigInput {
  readonly default?: string
  readonly connections?: Readonly<Record<string, ConnectionInput>>
  readonly apps?: readonly AppInput[]
  readonly server?: ServerInput
  readonly queue?: QueueConfigInput
}

/** `server` as a user writes it: any of its keys (defaults fill the rest). */
export type ServerInput = Partial<Omit<Static<typeof ServerSchema>, 'appProvider' | 'tls'>> & {
  readonly appProvider?: Partial<Static<typeof AppProviderSchema>>
  /** Either key may come from the environment instead (HERALD_TLS_CERT, HERALD_TLS_KEY). */
  readonly tls?: Partial<Static<typeof TlsSchema>>
}
