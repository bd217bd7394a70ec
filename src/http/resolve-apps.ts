import { InvalidConfigError, type ConfigIssue } from '../domain/errors.js'
import type { HeraldApp } from '../domain/realtime/herald-app.js'

/** Per-app defaults, as herald-app.ts documents them. */
export const APP_DEFAULTS = {
  id: 'app-id',
  key: 'app-key',
  secret: 'app-secret',
  clientEvents: true,
  maxConnections: null,
  maxMessageSize: 10_000,
  maxEventPayloadSize: 10_240,
  allowedOrigins: ['*'],
  activityTimeout: 30,
  encryptionMasterKey: null,
} as const satisfies HeraldApp

type Env = Readonly<Record<string, string | undefined>>

function appFromEnv(env: Env, issues: ConfigIssue[]): HeraldApp {
  const number = (name: string, fallback: number | null): number | null => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    const n = Number(raw)
    if (!Number.isInteger(n) || n <= 0) issues.push({ path: name, message: `expected a positive integer (got ${JSON.stringify(raw)})` })
    return n
  }
  const clientEvents = env.BROADCAST_APP_CLIENT_EVENTS
  if (clientEvents !== undefined && clientEvents !== 'true' && clientEvents !== 'false') {
    issues.push({ path: 'BROADCAST_APP_CLIENT_EVENTS', message: `expected 'true' or 'false' (got ${JSON.stringify(clientEvents)})` })
  }
  return {
    id: env.BROADCAST_APP_ID ?? APP_DEFAULTS.id,
    key: env.BROADCAST_APP_KEY ?? APP_DEFAULTS.key,
    secret: env.BROADCAST_APP_SECRET ?? APP_DEFAULTS.secret,
    clientEvents: clientEvents !== 'false',
    maxConnections: number('BROADCAST_APP_MAX_CONNECTIONS', null),
    maxMessageSize: number('BROADCAST_APP_MAX_MESSAGE_SIZE', APP_DEFAULTS.maxMessageSize) ?? APP_DEFAULTS.maxMessageSize,
    maxEventPayloadSize: APP_DEFAULTS.maxEventPayloadSize,
    allowedOrigins: env.BROADCAST_APP_ALLOWED_ORIGINS?.split(',').map((s) => s.trim()) ?? APP_DEFAULTS.allowedOrigins,
    activityTimeout: number('BROADCAST_APP_ACTIVITY_TIMEOUT', APP_DEFAULTS.activityTimeout) ?? APP_DEFAULTS.activityTimeout,
    encryptionMasterKey: env.BROADCAST_APP_ENCRYPTION_MASTER_KEY ?? null,
  }
}

/**
 * The apps the host serves: `config.apps` (each merged over the defaults) when given, else one
 * app from the `BROADCAST_APP_*` environment variables. Interim until the shared `loadConfig`
 * provides apps; kept tiny so it can be replaced by a one-line call.
 * @throws InvalidConfigError listing every bad key.
 */
export function resolveApps(config: { readonly apps?: readonly Partial<HeraldApp>[] } | undefined, env: Env): HeraldApp[] {
  const issues: ConfigIssue[] = []
  const apps = config?.apps === undefined || config.apps.length === 0
    ? [appFromEnv(env, issues)]
    : config.apps.map((a) => ({ ...APP_DEFAULTS, ...a }) as HeraldApp)
  const ids = new Set<string>()
  const keys = new Set<string>()
  apps.forEach((app, i) => {
    for (const field of ['id', 'key', 'secret'] as const) {
      if (typeof app[field] !== 'string' || app[field].length === 0) issues.push({ path: `apps.${i}.${field}`, message: 'must be a non-empty string' })
    }
    if (ids.has(app.id)) issues.push({ path: `apps.${i}.id`, message: `duplicate app id ${JSON.stringify(app.id)}` })
    if (keys.has(app.key)) issues.push({ path: `apps.${i}.key`, message: `duplicate app key ${JSON.stringify(app.key)}` })
    ids.add(app.id)
    keys.add(app.key)
  })
  if (issues.length > 0) throw new InvalidConfigError(issues)
  return apps.map((a) => Object.freeze({ ...a, allowedOrigins: Object.freeze([...a.allowedOrigins]) }))
}
