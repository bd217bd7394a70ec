import { Type } from 'typebox'

/**
 * `server.appProvider`: `config` serves `apps[]`; `postgres` looks apps up in a table (cached for
 * `cacheTtlMs`, so a rotated secret takes effect within that time).
 */
export const AppProviderSchema = Type.Object(
  {
    driver: Type.Union([Type.Literal('config'), Type.Literal('postgres')], { default: 'config', description: "Where apps come from (HERALD_APP_PROVIDER). @default 'config'" }),
    url: Type.Optional(Type.String({ minLength: 1, description: 'PostgreSQL connection string for the postgres driver (HERALD_APPS_DATABASE_URL).' })),
    table: Type.String({
      minLength: 1,
      pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$',
      default: 'apps',
      description: "Table (optionally schema.table) of the postgres driver (HERALD_APPS_TABLE). @default 'apps'",
    }),
    cacheTtlMs: Type.Integer({ minimum: 0, default: 5000, description: 'How long a looked-up app is reused, ms (HERALD_APPS_CACHE_TTL_MS). @default 5000' }),
  },
  { additionalProperties: false, default: {} },
)
