// The only file importing tsyringe, and reflect-metadata first: tsyringe throws without a Reflect polyfill.
import 'reflect-metadata'
import { container, instanceCachingFactory, type DependencyContainer } from 'tsyringe'
import { createBroadcasting } from '../adapters/create-broadcasting.js'
import type { DriverDeps } from '../adapters/registry.js'
import type { HeraldConfig } from '../config/schema.js'
import type { Broadcasting } from '../domain/broadcasting/broadcasting.js'
import type { BroadcasterPort } from '../domain/ports/broadcaster-port.js'
import type { LoggerPort } from '../domain/ports/logger-port.js'
import { Tokens } from './tokens.js'

/** Runtime pieces the container cannot build from config alone. */
export interface HeraldContainerDeps {
  readonly logger?: LoggerPort
  /** The server's hub; only the Fastify host has one. */
  readonly hub?: DriverDeps['hub']
  /** App `local` delivers to. @default the first configured app */
  readonly appId?: string
}

// instanceCachingFactory hides whether it ran; resolving just to close would create (and then close)
// drivers nobody used. Tracked per container instead.
const broadcastingResolved = new WeakSet<DependencyContainer>()

/**
 * A child container (never tsyringe's global one) with Herald's pieces registered explicitly:
 * values with `useValue`, singletons with `useFactory` + `instanceCachingFactory`. No decorators,
 * no auto-wiring. The `Broadcasting` factory is the same `createBroadcasting` apps call directly.
 * Resolve once at start-up; `await disposeHeraldContainer(c)` closes the drivers it created.
 *
 * @example
 * const c = createHeraldContainer(loadConfig(), { logger: fastify.log })
 * const broadcasting = c.resolve<Broadcasting>(Tokens.Broadcasting)
 */
export function createHeraldContainer(config: Readonly<HeraldConfig>, deps: HeraldContainerDeps = {}): DependencyContainer {
  const c = container.createChildContainer()
  c.register(Tokens.Config, { useValue: config })
  // Registered only when given: without one, the log driver keeps its stdout default instead of going silent.
  if (deps.logger !== undefined) c.register(Tokens.Logger, { useValue: deps.logger })
  if (deps.hub !== undefined) c.register(Tokens.RealtimeHub, { useValue: deps.hub })
  c.register(Tokens.Broadcasting, {
    useFactory: instanceCachingFactory<Broadcasting>((r) => {
      const broadcasting = createBroadcasting(r.resolve<HeraldConfig>(Tokens.Config), {
        ...(r.isRegistered(Tokens.Logger) ? { logger: r.resolve<LoggerPort>(Tokens.Logger) } : {}),
        ...(r.isRegistered(Tokens.RealtimeHub) ? { hub: r.resolve(Tokens.RealtimeHub) } : {}),
        ...(deps.appId === undefined ? {} : { appId: deps.appId }),
      })
      broadcastingResolved.add(c)
      return broadcasting
    }),
  })
  c.register(Tokens.BroadcasterPort, {
    useFactory: instanceCachingFactory<BroadcasterPort>((r) => r.resolve<Broadcasting>(Tokens.Broadcasting).connection()),
  })
  return c
}

/** Closes the drivers of a container's `Broadcasting` (if it was ever resolved), then disposes the container. */
export async function disposeHeraldContainer(c: DependencyContainer): Promise<void> {
  if (broadcastingResolved.has(c)) await c.resolve<Broadcasting>(Tokens.Broadcasting).close()
  await c.dispose()
}
