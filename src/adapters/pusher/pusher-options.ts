import { Type, type Static } from 'typebox'

/**
 * Options of the `pusher` driver: Pusher's own service (set `cluster`) or any
 * Pusher-compatible host such as a Herald server (set `host`, `port`, `scheme`).
 *
 * Env names (Laravel's): `PUSHER_APP_ID`, `PUSHER_APP_KEY`, `PUSHER_APP_SECRET`,
 * `PUSHER_APP_CLUSTER`, `PUSHER_HOST`, `PUSHER_PORT`, `PUSHER_SCHEME`.
 */
export const PusherOptionsSchema = Type.Object(
  {
    appId: Type.String({ minLength: 1, description: 'Pusher app id (PUSHER_APP_ID).' }),
    key: Type.String({ minLength: 1, description: 'Pusher app key (PUSHER_APP_KEY).' }),
    secret: Type.String({ minLength: 1, description: 'Pusher app secret (PUSHER_APP_SECRET); never logged.' }),
    cluster: Type.Optional(Type.String({ minLength: 1, description: "Pusher cluster, e.g. 'eu' (PUSHER_APP_CLUSTER). Ignored when host is set." })),
    host: Type.Optional(Type.String({ minLength: 1, description: 'Pusher-compatible host, e.g. a Herald server (PUSHER_HOST).' })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Port of the host (PUSHER_PORT).' })),
    scheme: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('https')], { description: "'http' or 'https' (PUSHER_SCHEME)." })),
    useTLS: Type.Optional(Type.Boolean({ description: 'Use https; overridden by scheme when both are set.' })),
    timeoutMs: Type.Integer({ minimum: 1, default: 10000, description: 'A broadcast rejects after this many milliseconds.' }),
    maxPayloadSize: Type.Integer({ minimum: 1, default: 10240, description: "Largest allowed 'data' in bytes (Pusher's limit is 10 KB); bigger payloads are refused before sending." }),
    encryptionMasterKeyBase64: Type.Optional(Type.String({ minLength: 1, description: 'Base64 32-byte master key for private-encrypted- channels.' })),
  },
  { additionalProperties: false },
)

/** Validated options of the `pusher` driver. */
export type PusherOptions = Static<typeof PusherOptionsSchema>
