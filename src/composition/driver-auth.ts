import { AblyAuthAnswer } from '../adapters/ably/ably-auth-answer.js'
import type { HeraldConfig } from '../config/schema.js'
import type { DriverAuthPort } from '../domain/ports/driver-auth-port.js'

/**
 * The driver-specific `/broadcasting/auth` answer of the default connection, if its driver has one: Ably's
 * tokens for `@ably/laravel-echo` when the default connection uses `ably` (Laravel answers Ably tokens exactly
 * then). Read from the config, so a `broadcaster` override (a fake) does not change what clients are answered.
 */
export function driverAuthFor(config: Pick<HeraldConfig, 'connections'>, defaultConnection: string): DriverAuthPort | undefined {
  const connection = config.connections[defaultConnection]
  if (connection?.driver !== 'ably') return undefined
  return new AblyAuthAnswer({ key: connection.key, tokenTtlMs: connection.tokenTtlMs, publicChannels: connection.publicChannels })
}
