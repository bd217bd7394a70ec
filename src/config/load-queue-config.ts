import type { ConfigIssue } from '../domain/errors.js'
import { QUEUE_DRIVER_NAMES, QueueConnectionSchemas, type QueueConfig, type QueueDriverName } from './queue-schema.js'
import { checkSection, convertEnvStrings, show, withDefaults } from './validate.js'

type Plain = Record<string, unknown>

/**
 * Loads the `queue` section: your object, then env (`QUEUE_CONNECTION`; the predefined `bullmq`
 * connection takes `REDIS_URL`), then defaults. `sync` and `bullmq` are always defined (bullmq
 * connects on first use only), as Laravel's `config/queue.php` predefines its connections.
 * Problems are appended to `issues`.
 */
export function loadQueueConfig(given: unknown, envValue: (path: string) => string | undefined, issues: ConfigIssue[]): QueueConfig {
  const section = given ?? {}
  if (!isPlainObject(section)) {
    issues.push({ path: 'queue', message: `expected an object with default and connections (got ${show(section)})` })
    return { default: 'sync', connections: {} }
  }
  for (const key of Object.keys(section)) if (key !== 'default' && key !== 'connections') issues.push({ path: `queue.${key}`, message: 'unknown key' })
  const connections = section.connections ?? {}
  if (!isPlainObject(connections)) {
    issues.push({ path: 'queue.connections', message: `expected an object of named queue connections (got ${show(connections)})` })
    return { default: 'sync', connections: {} }
  }
  const result: Record<string, Plain> = {}
  for (const name of new Set([...QUEUE_DRIVER_NAMES, ...Object.keys(connections)])) {
    const path = `queue.connections.${name}`
    const user: unknown = connections[name] ?? {}
    if (!isPlainObject(user)) {
      issues.push({ path, message: `expected a queue connection object with a driver (got ${show(user)})` })
      continue
    }
    const driver = user.driver ?? (isQueueDriver(name) ? name : undefined)
    if (!isQueueDriver(driver)) {
      const expected = `expected one of ${QUEUE_DRIVER_NAMES.join(', ')}`
      issues.push({ path: `${path}.driver`, message: driver === undefined ? `is required; ${expected}` : `${expected} (got ${show(driver)})` })
      continue
    }
    const schema = QueueConnectionSchemas[driver]
    const redisUrl = envValue('connections.redis.url')
    const fromEnv = name === 'bullmq' && driver === 'bullmq' && redisUrl !== undefined ? { url: redisUrl } : {}
    const value = withDefaults(schema, { ...(convertEnvStrings(schema, fromEnv) as Plain), ...user, driver }) as Plain
    issues.push(...checkSection(schema, value, path))
    result[name] = value
  }
  const defaultName = section.default ?? envValue('queue.default') ?? 'sync'
  if (typeof defaultName !== 'string' || result[defaultName] === undefined) {
    const from = section.default === undefined && envValue('queue.default') !== undefined ? ' (from QUEUE_CONNECTION)' : ''
    issues.push({ path: 'queue.default', message: `no queue connection named ${show(defaultName)}${from}; known: ${Object.keys(result).join(', ')}` })
  }
  return { default: String(defaultName), connections: result } as QueueConfig
}

function isQueueDriver(value: unknown): value is QueueDriverName {
  return typeof value === 'string' && (QUEUE_DRIVER_NAMES as readonly string[]).includes(value)
}

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
