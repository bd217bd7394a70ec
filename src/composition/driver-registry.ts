import type { ConnectionConfig, ConnectionConfigOf, DriverName } from '../config/schema.js'
import { HeraldError, HeraldErrorCode, InvalidConfigError } from '../domain/errors.js'
import type { BroadcasterPort } from '../domain/ports/broadcaster-port.js'
import { nullLogger, type LoggerPort } from '../domain/ports/logger-port.js'
import type { RealtimeHubPort } from '../domain/realtime/realtime-hub-port.js'
import { AblyBroadcaster } from '../adapters/ably/ably-broadcaster.js'
import { LocalBroadcaster } from '../adapters/local/local-broadcaster.js'
import { LogBroadcaster } from '../adapters/log/log-broadcaster.js'
import { NullBroadcaster } from '../adapters/null/null-broadcaster.js'
import { PusherBroadcaster } from '../adapters/pusher/pusher-broadcaster.js'
import { RedisBroadcaster } from '../adapters/redis/redis-broadcaster.js'

/** What drivers may need from the process that creates them. */
export interface DriverDeps {
  /** Logger for drivers that log (`log`, `redis`, `ably`). @default a logger that discards */
  readonly logger?: LoggerPort
  /** This server's connections; only a Herald server has one. Required by `local`. */
  readonly hub?: RealtimeHubPort
  /** App whose subscribers `local` delivers to, when the connection names none. */
  readonly appId?: string
}

/** Builds one driver from its validated connection config. Synchronous: SDKs load on first use. */
export type DriverFactory<D extends DriverName> = (connection: ConnectionConfigOf<D>, deps: DriverDeps, name: string) => BroadcasterPort

/**
 * Driver name → factory. Exhaustive over {@link DriverName}: adding a driver to the config schema
 * without a factory here is a type error, so a config can never name a driver nobody builds.
 */
export const driverFactories: { readonly [D in DriverName]: DriverFactory<D> } = {
  log: (_connection, deps) => new LogBroadcaster(deps.logger, { level: _connection.level }),
  null: () => new NullBroadcaster(),
  local: (connection, deps, name) => {
    if (deps.hub === undefined) {
      throw new InvalidConfigError([
        {
          path: `connections.${name}.driver`,
          message:
            "driver 'local' needs a realtime hub, which only a Herald server has (register the herald/fastify plugin or run `herald serve`); use redis or pusher to reach a server from this process",
        },
      ])
    }
    const appId = connection.appId ?? deps.appId
    if (appId === undefined) {
      throw new InvalidConfigError([{ path: `connections.${name}.appId`, message: "driver 'local' needs an app id (set appId or configure apps)" }])
    }
    return new LocalBroadcaster(deps.hub, appId)
  },
  redis: (connection, deps) => new RedisBroadcaster(connection, deps.logger ?? nullLogger),
  pusher: (connection) => new PusherBroadcaster(connection),
  ably: (connection, deps) => new AblyBroadcaster(connection, deps.logger ?? nullLogger),
}

/**
 * Creates the driver for one named connection. A missing runtime dependency (a `local` connection
 * outside a server) fails here, at start-up, with an `InvalidConfigError` naming what is missing;
 * any other construction failure is wrapped in a coded error naming the connection, cause kept.
 */
export function createDriver(name: string, connection: ConnectionConfig, deps: DriverDeps = {}): BroadcasterPort {
  const factory = driverFactories[connection.driver] as DriverFactory<DriverName>
  try {
    return factory(connection, deps, name)
  } catch (cause) {
    if (HeraldError.is(cause)) throw cause
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new HeraldError(HeraldErrorCode.InvalidConfig, `connection '${name}' (driver '${connection.driver}') could not be created: ${reason}`, { cause })
  }
}
