import type { AppProvider } from '../../domain/ports/app-provider-port.js'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { HeraldApp } from '../../domain/realtime/herald-app.js'

/** The part of a `pg.Pool` the provider uses. */
export interface SqlPool {
  query(text: string, values: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
  end(): Promise<void>
}

/** Inputs of {@link PostgresAppProvider}. */
export interface PostgresAppProviderOptions {
  readonly pool: SqlPool
  /** Table, optionally `schema.table`; checked as an identifier before it reaches SQL. */
  readonly table: string
  /** How long a looked-up app (or its absence) is reused, ms. A changed secret takes effect within it. */
  readonly cacheTtlMs: number
  /** A row (`id`, `key`, `secret`, plus `settings` spread in) as a validated app, or a list of what is wrong with it. */
  readonly toApp: (record: Record<string, unknown>) => HeraldApp | string
  readonly logger: LoggerPort
  /** Clock in ms. @default Date.now */
  readonly now?: () => number
}

interface Cached {
  readonly app: HeraldApp | undefined
  readonly expiresAt: number
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/
/** Unknown keys are cached too (a client retrying a bad key costs no query), but only this many. */
const MAX_CACHED = 10_000

/**
 * Apps from a PostgreSQL table (schema in the README): `id`, `key`, `secret` and a `settings` jsonb of
 * any other per-app keys. Lookups are cached for `cacheTtlMs`, concurrent lookups of one key share a
 * query, and a database outage never fails a lookup: an app seen before is served from the cache
 * (however old), an unknown one is `undefined`, and the error is logged.
 */
export class PostgresAppProvider implements AppProvider {
  readonly #pool: SqlPool
  readonly #cacheTtlMs: number
  readonly #toApp: PostgresAppProviderOptions['toApp']
  readonly #logger: LoggerPort
  readonly #now: () => number
  readonly #byKey: Lookup
  readonly #byId: Lookup

  constructor(options: PostgresAppProviderOptions) {
    if (!IDENTIFIER.test(options.table)) throw new Error(`invalid table name ${JSON.stringify(options.table)}`)
    this.#pool = options.pool
    this.#cacheTtlMs = options.cacheTtlMs
    this.#toApp = options.toApp
    this.#logger = options.logger
    this.#now = options.now ?? Date.now
    const columns = `id, key, secret, settings FROM ${options.table}`
    this.#byKey = new Lookup(`SELECT ${columns} WHERE key = $1`)
    this.#byId = new Lookup(`SELECT ${columns} WHERE id = $1`)
  }

  byKey(key: string): Promise<HeraldApp | undefined> {
    return this.#find(this.#byKey, key)
  }

  byId(id: string): Promise<HeraldApp | undefined> {
    return this.#find(this.#byId, id)
  }

  async close(): Promise<void> {
    await this.#pool.end()
  }

  async #find(lookup: Lookup, value: string): Promise<HeraldApp | undefined> {
    const cached = lookup.cache.get(value)
    if (cached !== undefined && cached.expiresAt > this.#now()) return cached.app
    let pending = lookup.inFlight.get(value)
    if (pending === undefined) {
      pending = this.#query(lookup, value, cached).finally(() => lookup.inFlight.delete(value))
      lookup.inFlight.set(value, pending)
    }
    return pending
  }

  async #query(lookup: Lookup, value: string, stale: Cached | undefined): Promise<HeraldApp | undefined> {
    let rows: Record<string, unknown>[]
    try {
      rows = (await this.#pool.query(lookup.sql, [value])).rows
    } catch (err) {
      // The database is down or slow: keep serving what was known, refuse what never was.
      this.#logger.warn({ err, served: stale?.app !== undefined }, 'herald: app lookup in PostgreSQL failed; answering from the cache')
      return stale?.app
    }
    const app = rows[0] === undefined ? undefined : this.#parse(rows[0])
    if (lookup.cache.size >= MAX_CACHED) lookup.cache.clear()
    lookup.cache.set(value, { app, expiresAt: this.#now() + this.#cacheTtlMs })
    return app
  }

  #parse(row: Record<string, unknown>): HeraldApp | undefined {
    const settings = typeof row.settings === 'object' && row.settings !== null ? row.settings : {}
    const result = this.#toApp({ ...settings, id: row.id, key: row.key, secret: row.secret })
    if (typeof result !== 'string') return result
    this.#logger.error({ appId: row.id, problems: result }, 'herald: an app row in PostgreSQL is invalid; refusing it')
    return undefined
  }
}

/** One kind of lookup (by key, by id): its query, its cache and its queries in flight. */
class Lookup {
  readonly sql: string
  readonly cache = new Map<string, Cached>()
  readonly inFlight = new Map<string, Promise<HeraldApp | undefined>>()
  constructor(sql: string) {
    this.sql = sql
  }
}
