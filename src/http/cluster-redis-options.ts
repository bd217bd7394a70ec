import type { RedisOptions } from '../adapters/redis/redis-options.js'
import { loadConfig } from '../config/load-config.js'
import type { HeraldConfigInput } from '../config/schema.js'

/**
 * The Redis options of the default connection when its driver is `redis` (then the server joins a
 * cluster over that Redis), otherwise undefined. Reads the plugin's `config` and the environment the
 * way `loadConfig` does (`BROADCAST_CONNECTION=redis`, `REDIS_URL`); only the connections matter here.
 */
export function clusterRedisOptions(config: unknown, env: Readonly<Record<string, string | undefined>>): RedisOptions | undefined {
  const given = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>
  const input = { default: given['default'], connections: given['connections'] } as HeraldConfigInput
  const loaded = loadConfig(JSON.parse(JSON.stringify(input)) as HeraldConfigInput, env)
  const name = loaded.default
  const connection = name === undefined ? undefined : loaded.connections[name]
  if (connection === undefined || connection.driver !== 'redis') return undefined
  const { driver: _driver, ...options } = connection
  return options as RedisOptions
}
