import { Type, type Static } from 'typebox'

/**
 * Options of the `ably` driver (REST). `key` is the Ably API key `appId.keyId:secret`
 * (Laravel's `ABLY_KEY`). The endpoint overrides exist so tests (or a proxy) can point
 * the SDK at another host; leave them unset for Ably's service.
 */
export const AblyOptionsSchema = Type.Object(
  {
    key: Type.String({ pattern: '^[^:]+:.+$', description: "Ably API key 'keyName:keySecret' (ABLY_KEY); the secret is never logged." }),
    timeoutMs: Type.Integer({ minimum: 1, default: 10000, description: 'A broadcast rejects after this many milliseconds.' }),
    endpoint: Type.Optional(
      Type.String({
        minLength: 1,
        description: "ably 2.x 'endpoint': a routing policy id, or a host name / IP (e.g. 127.0.0.1 in tests), which also disables fallback hosts.",
      }),
    ),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Port of the endpoint when tls is false.' })),
    tlsPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Port of the endpoint when tls is true.' })),
    tls: Type.Optional(Type.Boolean({ description: 'Use TLS (default true). Set false only for a local test host.' })),
    tokenTtlMs: Type.Integer({ minimum: 1000, default: 3600000, description: 'Lifetime of the JWTs issued to @ably/laravel-echo clients (Laravel: token_expiry).' }),
    publicChannels: Type.Boolean({
      default: true,
      description: "Let token holders subscribe to public:* channels (Laravel: the inverse of disable_public_channels).",
    }),
  },
  { additionalProperties: false },
)

/** Validated options of the `ably` driver. */
export type AblyOptions = Static<typeof AblyOptionsSchema>
