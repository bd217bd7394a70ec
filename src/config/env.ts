/**
 * Environment variables Herald reads, with Laravel's names verbatim, and where each one lands in the
 * config. Values are strings here; `loadConfig` converts them with the schema (only env values are
 * converted, never the user's object). Empty strings count as unset, as in a Laravel `.env` whose
 * `PUSHER_APP_KEY=` is blank.
 */
export const ENV_TABLE = [
  // The default connection; BROADCAST_CONNECTION (Laravel 11+) wins over the legacy BROADCAST_DRIVER.
  { env: 'BROADCAST_DRIVER', path: ['default'] },
  { env: 'BROADCAST_CONNECTION', path: ['default'] },
  { env: 'PUSHER_APP_ID', path: ['connections', 'pusher', 'appId'] },
  { env: 'PUSHER_APP_KEY', path: ['connections', 'pusher', 'key'] },
  { env: 'PUSHER_APP_SECRET', path: ['connections', 'pusher', 'secret'] },
  { env: 'PUSHER_APP_CLUSTER', path: ['connections', 'pusher', 'cluster'] },
  { env: 'PUSHER_HOST', path: ['connections', 'pusher', 'host'] },
  { env: 'PUSHER_PORT', path: ['connections', 'pusher', 'port'] },
  { env: 'PUSHER_SCHEME', path: ['connections', 'pusher', 'scheme'] },
  { env: 'ABLY_KEY', path: ['connections', 'ably', 'key'] },
  { env: 'REDIS_URL', path: ['connections', 'redis', 'url'] },
  // Laravel's Redis key prefix, which its redis broadcaster's channels carry too (e.g. laravel_database_).
  { env: 'REDIS_PREFIX', path: ['connections', 'redis', 'prefix'] },
  { env: 'BROADCAST_APP_ID', path: ['apps', '0', 'id'] },
  { env: 'BROADCAST_APP_KEY', path: ['apps', '0', 'key'] },
  { env: 'BROADCAST_APP_SECRET', path: ['apps', '0', 'secret'] },
  { env: 'BROADCAST_APP_CLIENT_EVENTS', path: ['apps', '0', 'clientEvents'] },
  { env: 'BROADCAST_APP_MAX_CONNECTIONS', path: ['apps', '0', 'maxConnections'] },
  { env: 'BROADCAST_APP_WEBHOOKS', path: ['apps', '0', 'webhooks'] },
  { env: 'BROADCAST_APP_SUBSCRIPTION_COUNT', path: ['apps', '0', 'subscriptionCount'] },
  { env: 'BROADCAST_APP_MAX_MESSAGE_SIZE', path: ['apps', '0', 'maxMessageSize'] },
  { env: 'BROADCAST_APP_MAX_EVENT_PAYLOAD_SIZE', path: ['apps', '0', 'maxEventPayloadSize'] },
  // Comma-separated: `https://a.example,https://b.example`.
  { env: 'BROADCAST_APP_ALLOWED_ORIGINS', path: ['apps', '0', 'allowedOrigins'] },
  { env: 'BROADCAST_APP_ACTIVITY_TIMEOUT', path: ['apps', '0', 'activityTimeout'] },
  { env: 'BROADCAST_APP_ENCRYPTION_MASTER_KEY', path: ['apps', '0', 'encryptionMasterKey'] },
  { env: 'BROADCAST_APP_MAX_PRESENCE_MEMBERS', path: ['apps', '0', 'maxPresenceMembers'] },
  { env: 'BROADCAST_APP_MAX_PRESENCE_MEMBER_SIZE', path: ['apps', '0', 'maxPresenceMemberSize'] },
  { env: 'BROADCAST_APP_MAX_CLIENT_EVENTS_PER_SECOND', path: ['apps', '0', 'maxClientEventsPerSecond'] },
  { env: 'BROADCAST_APP_MAX_API_REQUESTS_PER_SECOND', path: ['apps', '0', 'maxApiRequestsPerSecond'] },
  { env: 'BROADCAST_APP_MAX_CONNECTIONS_PER_IP_PER_SECOND', path: ['apps', '0', 'maxConnectionsPerIpPerSecond'] },
  { env: 'HOST', path: ['server', 'host'] },
  { env: 'PORT', path: ['server', 'port'] },
  { env: 'HERALD_METRICS', path: ['server', 'metrics'] },
  { env: 'HERALD_TLS_CERT', path: ['server', 'tls', 'cert'] },
  { env: 'HERALD_TLS_KEY', path: ['server', 'tls', 'key'] },
  { env: 'HERALD_TRUST_PROXY', path: ['server', 'trustProxy'] },
  { env: 'HERALD_APP_PROVIDER', path: ['server', 'appProvider', 'driver'] },
  { env: 'HERALD_APPS_DATABASE_URL', path: ['server', 'appProvider', 'url'] },
  { env: 'HERALD_APPS_TABLE', path: ['server', 'appProvider', 'table'] },
  { env: 'HERALD_APPS_CACHE_TTL_MS', path: ['server', 'appProvider', 'cacheTtlMs'] },
  { env: 'HERALD_HEADERS_TIMEOUT_MS', path: ['server', 'headersTimeoutMs'] },
  { env: 'HERALD_REQUEST_TIMEOUT_MS', path: ['server', 'requestTimeoutMs'] },
  { env: 'HERALD_KEEP_ALIVE_TIMEOUT_MS', path: ['server', 'keepAliveTimeoutMs'] },
  { env: 'HERALD_FRAME_TIMEOUT_MS', path: ['server', 'frameTimeoutMs'] },
  { env: 'HERALD_MAX_PENDING_PER_ADDRESS', path: ['server', 'maxPendingPerAddress'] },
  { env: 'HERALD_SOCKETIO', path: ['server', 'socketio'] },
  { env: 'HERALD_SOCKETIO_AUTH_URL', path: ['server', 'socketioAuthUrl'] },
  { env: 'HERALD_SOCKETIO_AUTH_TIMEOUT_MS', path: ['server', 'socketioAuthTimeoutMs'] },
  // Laravel's queue connection name; the predefined bullmq connection reads REDIS_URL too.
  { env: 'QUEUE_CONNECTION', path: ['queue', 'default'] },
] as const

/** One row of {@link ENV_TABLE}. */
export type EnvEntry = (typeof ENV_TABLE)[number]

/** An environment: `process.env` or a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>

/** The env values that are set (non-empty), each with the config path it fills, later rows winning on the same path. */
export function readEnv(env: Env): Map<string, { env: string; value: string }> {
  const found = new Map<string, { env: string; value: string }>()
  for (const entry of ENV_TABLE) {
    const value = env[entry.env]
    if (value !== undefined && value !== '') found.set(entry.path.join('.'), { env: entry.env, value })
  }
  return found
}
