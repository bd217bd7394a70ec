import type { RedisOptions } from '../adapters/redis/redis-options.js'
import type { HeraldConfig } from '../config/schema.js'

/**
 * The Redis options of the default connection when its driver is `redis` (then the server joins a
 * cluster over that Redis), otherwise undefined. Reads the config the server already loaded.
 */
export function clusterRedisOptions(config: Pick<HeraldConfig, 'default' | 'connections'>): RedisOptions | undefined {
  const connection = config.default === undefined ? undefined : config.connections[config.default]
  if (connection === undefined || connection.driver !== 'redis') return undefined
  const { driver: _driver, ...options } = connection
  return options
}
