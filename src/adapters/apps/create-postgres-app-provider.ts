import type { LoggerPort } from '../../domain/ports/logger-port.js'
import { PostgresAppProvider, type PostgresAppProviderOptions } from './postgres-app-provider.js'

/** Longest a connection attempt or a lookup query may take before the cache answers instead, ms. */
const DATABASE_TIMEOUT_MS = 2000
const POOL_SIZE = 4

/** Inputs of {@link createPostgresAppProvider}. */
export interface CreatePostgresAppProviderOptions extends Omit<PostgresAppProviderOptions, 'pool'> {
  /** PostgreSQL connection string. */
  readonly url: string
  readonly logger: LoggerPort
}

/** A {@link PostgresAppProvider} over a small `pg` pool; `pg` is imported only when this driver is used. */
export async function createPostgresAppProvider(options: CreatePostgresAppProviderOptions): Promise<PostgresAppProvider> {
  const { default: pg } = await import('pg')
  const pool = new pg.Pool({
    connectionString: options.url,
    max: POOL_SIZE,
    connectionTimeoutMillis: DATABASE_TIMEOUT_MS,
    query_timeout: DATABASE_TIMEOUT_MS,
  })
  // An idle connection dropped by the server (restart, outage) is reported here; without a listener it
  // would crash the process. The next lookup opens a new connection.
  pool.on('error', (err) => options.logger.warn({ err }, 'herald: a PostgreSQL connection of the app provider failed'))
  const { url: _url, ...rest } = options
  return new PostgresAppProvider({ ...rest, pool })
}
