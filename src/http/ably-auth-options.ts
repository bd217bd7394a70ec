import type { AblyTokenOptions } from '../adapters/ably/ably-token-authorizer.js'
import type { HeraldConfig } from '../config/schema.js'

/**
 * The token options `/broadcasting/auth` answers `@ably/laravel-echo` with, when the default connection
 * uses the `ably` driver (Laravel answers Ably tokens exactly then); `undefined` otherwise. Read from
 * the config, so a `broadcaster` override (a fake) does not change what clients are answered.
 */
export function ablyAuthOptionsFor(config: Pick<HeraldConfig, 'connections'>, defaultConnection: string): AblyTokenOptions | undefined {
  const connection = config.connections[defaultConnection]
  if (connection?.driver !== 'ably') return undefined
  return { key: connection.key, tokenTtlMs: connection.tokenTtlMs, publicChannels: connection.publicChannels }
}
