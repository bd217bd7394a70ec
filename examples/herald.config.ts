// herald.config.ts: what `herald serve` reads from its working directory (or `--config <file>`), and what
// your app can pass to `loadConfig()`, so both read one source. Every key is optional: what the file leaves
// out comes from the environment (see the table below), then the defaults.
import { defineConfig } from '../src/index.js' // in your app: from 'herald'

export default defineConfig({
  server: {
    host: '0.0.0.0', // HOST; `--host` wins over both
    port: 6001, // PORT; `--port` wins over both
    metrics: true, // GET /metrics for Prometheus (keep that path internal)
    trustProxy: false, // true behind a load balancer: client addresses from X-Forwarded-For
    // TLS: serve wss:// and https:// with these PEM files (HERALD_TLS_CERT, HERALD_TLS_KEY).
    // tls: { cert: '/etc/herald/fullchain.pem', key: '/etc/herald/privkey.pem' },
    // Apps from a PostgreSQL table instead of `apps` below (schema in "Apps from PostgreSQL").
    // appProvider: { driver: 'postgres', url: process.env.DATABASE_URL, table: 'apps', cacheTtlMs: 5000 },
  },

  // A redis default connection makes every `herald serve` on this Redis one cluster: connections,
  // presence, channel listings and every limit below count across all of them.
  default: 'redis',
  connections: {
    redis: { driver: 'redis', url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },

  // Each app is isolated: its own clients, channels, HTTP API credentials and limits.
  apps: [
    {
      id: 'shop', // the HTTP API's /apps/:appId
      key: 'shop-key', // what clients connect with: ws://host:6001/app/shop-key
      secret: process.env.SHOP_SECRET!, // signs the HTTP API and channel auth; never logged
      allowedOrigins: ['https://shop.example'], // others are refused with 4009 (default ['*'])
      maxConnections: 10_000, // the app's open connections (4004 past it; default none)
      maxConnectionsPerIpPerSecond: 20, // new connections per address per second (4100; default none)
      maxApiRequestsPerSecond: 500, // HTTP API requests per second (429 + Retry-After; default none)
      maxClientEventsPerSecond: 10, // client-* events per connection per second (4301; default 10)
      activityTimeout: 30, // seconds of silence before the server pings (default 30)
      maxMessageSize: 10_000, // bytes per client frame (default 10000)
      maxEventPayloadSize: 10_240, // bytes of event data through the HTTP API (default 10240)
      maxPresenceMembers: 100, // members per presence channel (default 100)
      maxPresenceMemberSize: 1024, // bytes of a member's user_info (default 1024)
      encryptionMasterKey: process.env.SHOP_ENCRYPTION_KEY ?? null, // base64, enables private-encrypted- channels
      clientEvents: true, // relay client-* whispers on private and presence channels (default true)
    },
    {
      id: 'back-office',
      key: 'back-office-key',
      secret: process.env.BACK_OFFICE_SECRET!,
      clientEvents: false,
    },
  ],
})
