import { Type, type Static } from 'typebox'

/**
 * Options of the redis driver and of the Redis-backed cluster.
 *
 * `url` (usually `REDIS_URL`) wins over `host`/`port`/`password`/`db`/`tls` when both are given.
 * `prefix` is prepended to every pub/sub channel: Laravel's Redis broadcaster publishes on
 * channels carrying the app's database prefix (e.g. `laravel_database_`), so a Herald cluster
 * reading a Laravel app's events sets the same prefix.
 * `ioredis` is passed through untouched to ioredis (sentinels, name, cluster `nodes`, …).
 */
export const RedisOptionsSchema = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 1, description: 'redis:// or rediss:// URL, e.g. from REDIS_URL' })),
    host: Type.Optional(Type.String({ minLength: 1, default: '127.0.0.1' })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 6379 })),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
    db: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    tls: Type.Optional(Type.Boolean({ description: 'Connect over TLS (implied by a rediss:// URL)' })),
    prefix: Type.String({ default: '', description: 'Prefix of every pub/sub channel and key, e.g. laravel_database_' }),
    timeoutMs: Type.Integer({ minimum: 1, default: 5000, description: 'Longest a publish may take before it rejects' }),
    heartbeatMs: Type.Optional(
      Type.Integer({ minimum: 100, description: 'Cluster: how often a server refreshes its heartbeat and looks for dead servers. @default 1000' }),
    ),
    serverTtlMs: Type.Optional(
      Type.Integer({
        minimum: 200,
        description: "Cluster: lifetime of a server's heartbeat; a killed server's members are removed within serverTtlMs + heartbeatMs. @default 3000",
      }),
    ),
    ioredis: Type.Optional(
      Type.Object(
        {
          sentinels: Type.Optional(Type.Array(Type.Object({ host: Type.String(), port: Type.Integer() }))),
          name: Type.Optional(Type.String({ description: 'Sentinel master group name' })),
          clusterNodes: Type.Optional(
            Type.Array(Type.Object({ host: Type.String(), port: Type.Integer() }), {
              description: 'Redis Cluster seed nodes; when set, ioredis.Cluster is used',
            }),
          ),
        },
        { additionalProperties: true, description: 'Passed through to ioredis (RedisOptions / ClusterOptions)' },
      ),
    ),
  },
  { additionalProperties: false },
)

/** Validated redis options (defaults applied). */
export type RedisOptions = Static<typeof RedisOptionsSchema>
