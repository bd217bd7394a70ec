import type { HeraldConfig } from '../config/schema.js'
import { resolveDefaultConnection } from '../config/resolve-default-connection.js'
import { Broadcasting, type QueueConnections } from '../domain/broadcasting/broadcasting.js'
import type { BroadcasterPort } from '../domain/ports/broadcaster-port.js'
import { createDriver, type DriverDeps } from './driver-registry.js'

/**
 * The one wiring path from a loaded config to a ready `Broadcasting` manager: used as-is by apps
 * without a container, by the tsyringe container's factory and by the Fastify host.
 *
 * - The default connection is `config.default`, else `local` when a hub is given (inside a Herald
 *   server), else `null` (Laravel's default), see `resolveDefaultConnection`.
 * - With a hub, a `local` connection exists even when the config names none.
 * - Every connection is created now, so a missing dependency fails at start-up, not at the first broadcast.
 * - `queues` (from `createQueues(config.queue)`) queues events that are not `ShouldBroadcastNow`;
 *   without it every event is sent at once.
 * - `overrides.defaultDriver` serves the default connection instead of the driver its config names (a
 *   `BroadcasterFake` in tests); the replaced driver is never built, so nothing is left open.
 *
 * @example
 * const broadcasting = createBroadcasting(loadConfig())
 * await broadcasting.channel('orders').broadcast('OrderCreated', { id: 1 })
 */
export function createBroadcasting(
  config: Pick<HeraldConfig, 'default' | 'connections' | 'apps'>,
  deps: DriverDeps = {},
  queues?: QueueConnections,
  overrides: { readonly defaultDriver?: BroadcasterPort } = {},
): Broadcasting {
  const hostMounted = deps.hub !== undefined
  const driverDeps: DriverDeps = { ...deps, ...(deps.appId === undefined && config.apps[0] !== undefined ? { appId: config.apps[0].id } : {}) }
  const connections: Record<string, BroadcasterPort> = {}
  const configured = { ...config.connections }
  if (hostMounted && configured.local === undefined) configured.local = { driver: 'local' }
  // Laravel's default connection `null` works with nothing configured; make sure it exists.
  const defaultName = resolveDefaultConnection(config, { hostMounted })
  if (defaultName === 'null' && configured.null === undefined) configured.null = { driver: 'null' }
  for (const [name, connection] of Object.entries(configured)) {
    connections[name] = name === defaultName && overrides.defaultDriver !== undefined ? overrides.defaultDriver : createDriver(name, connection, driverDeps)
  }
  // A default naming no configured connection is Broadcasting's error to report; an override still serves it.
  if (overrides.defaultDriver !== undefined && connections[defaultName] === undefined) connections[defaultName] = overrides.defaultDriver
  return new Broadcasting({ default: defaultName, connections, queues })
}
