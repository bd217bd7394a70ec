import { createPostgresAppProvider } from '../adapters/apps/create-postgres-app-provider.js'
import { loadConfig } from '../config/load-config.js'
import type { HeraldConfig } from '../config/schema.js'
import { HeraldError, HeraldErrorCode, InvalidConfigError } from '../domain/errors.js'
import type { AppProvider } from '../domain/ports/app-provider-port.js'
import type { LoggerPort } from '../domain/ports/logger-port.js'
import type { HeraldApp } from '../domain/realtime/herald-app.js'
import type { StaticAppLookup } from '../domain/realtime/static-app-lookup.js'

/**
 * The server's {@link AppProvider} from `server.appProvider`: the config's own apps (`config`), or a
 * PostgreSQL table (`postgres`) whose rows are validated as `apps[]` entries are.
 * @throws InvalidConfigError when the postgres driver has no `url`.
 */
export async function createAppProvider(config: Readonly<HeraldConfig>, apps: StaticAppLookup, logger: LoggerPort): Promise<AppProvider> {
  const options = config.server.appProvider
  if (options.driver === 'config') return apps
  if (options.url === undefined) {
    throw new InvalidConfigError([{ path: 'server.appProvider.url', message: 'is required by the postgres driver (set HERALD_APPS_DATABASE_URL)' }])
  }
  return createPostgresAppProvider({ url: options.url, table: options.table, cacheTtlMs: options.cacheTtlMs, logger, toApp: appFromRecord })
}

/** A database row as a validated app (the same schema and defaults as `apps[]`), or what is wrong with it. */
export function appFromRecord(record: Record<string, unknown>): HeraldApp | string {
  try {
    return loadConfig({ apps: [record as never] }, {}).apps[0] as HeraldApp
  } catch (err) {
    if (!HeraldError.is(err, HeraldErrorCode.InvalidConfig)) throw err
    return (err as InvalidConfigError).issues.map((i) => `${i.path.replace(/^apps\.0\./, '')}: ${i.message}`).join('; ')
  }
}
