import type { TSchema } from 'typebox'
import { InvalidConfigError, type ConfigIssue } from '../domain/errors.js'
import { ENV_TABLE, readEnv, type Env } from './env.js'
import {
  AppSchema,
  ConnectionSchemas,
  DEFAULT_APP,
  DRIVER_NAMES,
  ServerSchema,
  type DriverName,
  type HeraldConfig,
  type HeraldConfigInput,
} from './schema.js'
import { loadQueueConfig } from './load-queue-config.js'
import { checkSection, convertEnvStrings, show, withDefaults } from './validate.js'

/** Warning code emitted (once per process) when the built-in app secret is used with NODE_ENV=production. */
export const HERALD_WARN_DEFAULT_SECRET = 'HERALD_WARN_DEFAULT_SECRET'

// Predefined connections that are always there, as in Laravel's config/broadcasting.php: they need no
// credentials (redis defaults to 127.0.0.1:6379 and connects on first use only).
const ALWAYS_PREDEFINED: ReadonlySet<DriverName> = new Set(['log', 'null', 'redis'])
// The others appear when selected as the default or when one of their credentials is set, so an unused
// pusher connection never fails start-up because PUSHER_APP_KEY is blank.
const CREDENTIAL_PATHS: Readonly<Partial<Record<DriverName, readonly string[]>>> = {
  pusher: ['connections.pusher.appId', 'connections.pusher.key', 'connections.pusher.secret'],
  ably: ['connections.ably.key'],
}
const TOP_LEVEL_KEYS = new Set(['default', 'connections', 'apps', 'server', 'queue'])

type Sourced = ReturnType<typeof readEnv>
type Plain = Record<string, unknown>

/**
 * Loads Herald's configuration: the object you pass, then environment variables (Laravel's names,
 * see `ENV_TABLE`), then defaults. Env strings are converted to the schema's types; your object is
 * not (a typo in code should fail, not be coerced). Everything is checked at once: one
 * {@link InvalidConfigError} lists every bad key. The result is deep-frozen.
 *
 * Connections: yours, plus the predefined ones named after their drivers (`log`, `null`, `redis`
 * always; `pusher`/`ably` when their credentials are set or they are the default; `local` when it is
 * the default). `default` stays unset when nothing picks one: see `resolveDefaultConnection`.
 *
 * @example
 * const config = loadConfig({ default: 'main', connections: { main: { driver: 'redis', url: 'redis://127.0.0.1:6379' } } })
 * @throws InvalidConfigError listing every bad key, e.g. `connections.main.driver: expected one of redis, … (got 'reddis')`.
 */
export function loadConfig(input: HeraldConfigInput = {}, env: Env = process.env): Readonly<HeraldConfig> {
  const sourced = readEnv(env)
  const issues: ConfigIssue[] = []
  for (const key of Object.keys(input)) if (!TOP_LEVEL_KEYS.has(key)) issues.push({ path: key, message: 'unknown key' })

  const defaultName = input.default ?? sourced.get('default')?.value
  if (defaultName !== undefined && (typeof defaultName !== 'string' || defaultName === '')) {
    issues.push({ path: 'default', message: `expected a non-empty connection name (got ${show(defaultName)})` })
  }
  const connections = loadConnections(input, sourced, defaultName, issues)
  // A default naming a connection that failed validation is already reported there; only a name
  // that matches no connection at all is its own problem.
  const named = new Set([...Object.keys(connections), ...(isPlainObject(input.connections) ? Object.keys(input.connections) : [])])
  if (typeof defaultName === 'string' && defaultName !== '' && !named.has(defaultName) && !isDriverName(defaultName)) {
    const from = input.default === undefined ? ` (from ${sourced.get('default')?.env})` : ''
    issues.push({ path: 'default', message: `no connection named '${defaultName}'${from}; known: ${Object.keys(connections).join(', ')}` })
  }
  const apps = loadApps(input, sourced, issues)
  const server = loadSection(ServerSchema, input.server, envSection(sourced, 'server'), 'server', sourced, issues)
  const queue = loadQueueConfig(input.queue, (path) => sourced.get(path)?.value, issues)

  if (issues.length > 0) throw new InvalidConfigError(issues)
  const config = { ...(defaultName === undefined ? {} : { default: defaultName }), connections, apps, server, queue } as HeraldConfig
  warnOnDefaultSecret(config, env)
  // Branded (a symbol: invisible to JSON and to key checks) so a host handed this result does not load it again.
  Object.defineProperty(config, LOADED, { value: true })
  return deepFreeze(config)
}

const LOADED = Symbol('herald.loadedConfig')

/**
 * True for a result of {@link loadConfig} (validated, defaulted, frozen), so a host given one uses it as is
 * instead of loading it again (the environment was already applied).
 */
export function isLoadedConfig(value: unknown): value is Readonly<HeraldConfig> {
  return typeof value === 'object' && value !== null && (value as { [LOADED]?: unknown })[LOADED] === true
}

function loadConnections(input: HeraldConfigInput, sourced: Sourced, defaultName: unknown, issues: ConfigIssue[]): Plain {
  const given: unknown = input.connections ?? {}
  if (!isPlainObject(given)) {
    issues.push({ path: 'connections', message: `expected an object of named connections (got ${show(given)})` })
    return {}
  }
  const names = new Set(Object.keys(given))
  for (const driver of DRIVER_NAMES) {
    const credentials = CREDENTIAL_PATHS[driver] ?? []
    if (ALWAYS_PREDEFINED.has(driver) || defaultName === driver || credentials.some((p) => sourced.has(p))) names.add(driver)
  }
  const result: Plain = {}
  for (const name of names) {
    const user: unknown = given[name] ?? {}
    const path = `connections.${name}`
    if (!isPlainObject(user)) {
      issues.push({ path, message: `expected a connection object with a driver (got ${show(user)})` })
      continue
    }
    const driver = user.driver ?? (isDriverName(name) ? name : undefined)
    if (!isDriverName(driver)) {
      const expected = `expected one of ${DRIVER_NAMES.join(', ')}`
      const message = driver === undefined ? `is required; ${expected}` : `${expected} (got ${show(driver)})`
      issues.push({ path: `${path}.driver`, message })
      continue
    }
    // Env values fill only the predefined connection of the same name and driver (connections.pusher ← PUSHER_*).
    const fromEnv = driver === name ? envSection(sourced, path) : {}
    const connection = loadSection(ConnectionSchemas[driver], { ...user, driver }, { ...fromEnv, driver }, path, sourced, issues)
    if (connection !== undefined) result[name] = connection
  }
  return result
}

function loadApps(input: HeraldConfigInput, sourced: Sourced, issues: ConfigIssue[]): Plain[] {
  // Without apps in your object, the built-in app's credentials are defaults: BROADCAST_APP_* override them.
  const given: unknown = input.apps ?? [{}]
  if (!Array.isArray(given) || given.length === 0) {
    issues.push({ path: 'apps', message: `expected a non-empty array of apps (got ${show(given)})` })
    return []
  }
  const apps: Plain[] = []
  given.forEach((app: unknown, index) => {
    if (!isPlainObject(app)) {
      issues.push({ path: `apps.${index}`, message: `expected an app object (got ${show(app)})` })
      return
    }
    // BROADCAST_APP_* describe the first app; your object's keys still win.
    const fromEnv = index === 0 ? { ...(input.apps === undefined ? DEFAULT_APP : {}), ...envSection(sourced, 'apps.0') } : {}
    const loaded = loadSection(AppSchema, app, fromEnv, `apps.${index}`, sourced, issues)
    if (loaded !== undefined) apps.push(loaded)
  })
  return apps
}

/** object > converted env > defaults, then check; issues get a hint naming the env var involved. */
function loadSection(schema: TSchema, given: unknown, fromEnv: Plain, path: string, sourced: Sourced, issues: ConfigIssue[]): Plain | undefined {
  if (given !== undefined && !isPlainObject(given)) {
    issues.push({ path, message: `expected an object (got ${show(given)})` })
    return undefined
  }
  const merged = mergeByKey(convertEnvStrings(schema, fromEnv) as Plain, given ?? {})
  const value = withDefaults(schema, merged) as Plain
  for (const issue of checkSection(schema, value, path)) {
    const key = issue.path.slice(path.length + 1)
    const envHint = given?.[key] === undefined ? hint(issue, sourced) : ''
    issues.push(envHint === '' ? issue : { path: issue.path, message: `${issue.message} ${envHint}` })
  }
  return value
}

function hint(issue: ConfigIssue, sourced: Sourced): string {
  const fromEnv = sourced.get(issue.path)
  if (fromEnv !== undefined) return `(from ${fromEnv.env})`
  const variable = ENV_TABLE.find((e) => e.path.join('.') === issue.path)
  return variable !== undefined && issue.message === 'is required' ? `(set ${variable.env})` : ''
}

/** The env values under `prefix` (e.g. `server`) as an object of strings, nested along their paths (`tls.cert`). */
function envSection(sourced: Sourced, prefix: string): Plain {
  const section: Plain = {}
  for (const [path, { value }] of sourced) {
    if (!path.startsWith(`${prefix}.`)) continue
    const keys = path.slice(prefix.length + 1).split('.')
    let target = section
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Plain
    target[keys[keys.length - 1] as string] = value
  }
  return section
}

/** `over` wins key by key, nested objects included (a file's `server.tls.cert` keeps `HERALD_TLS_KEY`). */
function mergeByKey(under: Plain, over: Plain): Plain {
  const merged: Plain = { ...under }
  for (const [key, value] of Object.entries(over)) {
    const below = merged[key]
    merged[key] = isPlainObject(below) && isPlainObject(value) ? mergeByKey(below, value) : value
  }
  return merged
}

const warned = new Set<string>()
function warnOnDefaultSecret(config: HeraldConfig, env: Env): void {
  if (env.NODE_ENV !== 'production' || warned.has(HERALD_WARN_DEFAULT_SECRET)) return
  const app = config.apps.find((a) => a.secret === DEFAULT_APP.secret)
  if (app === undefined) return
  warned.add(HERALD_WARN_DEFAULT_SECRET)
  process.emitWarning(
    `app '${app.id}' uses Herald's built-in default secret in production; set BROADCAST_APP_SECRET (or apps[].secret)`,
    { code: HERALD_WARN_DEFAULT_SECRET },
  )
}

function isDriverName(value: unknown): value is DriverName {
  return typeof value === 'string' && (DRIVER_NAMES as readonly string[]).includes(value)
}

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
