// The only file importing tsyringe, and reflect-metadata first: tsyringe throws without a Reflect polyfill.
import 'reflect-metadata'
import { container, instanceCachingFactory, type DependencyContainer } from 'tsyringe'
import type { HeraldConfig } from '../config/schema.js'
import { ChannelAuthorizer } from '../domain/auth/channel-authorizer.js'
import type { Broadcasting } from '../domain/broadcasting/broadcasting.js'
import { EventDispatcher } from '../domain/events/event-dispatcher.js'
import type { BroadcasterPort } from '../domain/ports/broadcaster-port.js'
import type { DriverAuthPort } from '../domain/ports/driver-auth-port.js'
import type { LoggerPort } from '../domain/ports/logger-port.js'
import type { RealtimeHubPort } from '../domain/realtime/realtime-hub-port.js'
import { StaticAppLookup } from '../domain/realtime/static-app-lookup.js'
import type { AppProvider } from '../domain/ports/app-provider-port.js'
import { createAppProvider } from './create-app-provider.js'
import { rememberingAppProvider } from './remembering-app-provider.js'
import { LifecycleApps } from '../domain/lifecycle/lifecycle-apps.js'
import type { QueueConnections } from '../domain/broadcasting/broadcasting.js'
import { createBroadcasting } from './create-broadcasting.js'
import { createServerLifecycle, type ServerLifecycle, type ServerLifecycleOptions } from './create-lifecycle.js'
import { createQueues } from './create-queue.js'
import { startBroadcastWorker, type BroadcastWorker } from './start-broadcast-worker.js'
import { createRealtimeHub, type CreatedHub } from './create-realtime-hub.js'
import { subscriptionCountPort } from './subscription-count-port.js'
import { driverAuthFor } from './driver-auth.js'
import { Tokens } from './tokens.js'

/** Runtime pieces the container cannot build from config alone. */
export interface HeraldContainerDeps {
  readonly logger?: LoggerPort
  /** The server's hub (publishing and queries); only a Herald server has one. */
  readonly hub?: RealtimeHubPort
  /** App `local` delivers to. @default the first configured app */
  readonly appId?: string
  /** Replaces the default connection's driver (e.g. a `BroadcasterFake`); the replaced driver is never built. */
  readonly broadcaster?: BroadcasterPort
  /** The channel rules to serve. @default a new `ChannelAuthorizer` */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the host picks its own User type
  readonly authorizer?: ChannelAuthorizer<any>
}

/** What one container built that needs closing; instanceCachingFactory hides whether a factory ran. */
interface Lifecycle {
  broadcasting: Broadcasting | undefined
  serverHub: CreatedHub | undefined
  serverLifecycle?: ServerLifecycle | undefined
  worker: BroadcastWorker | undefined
  appProvider?: AppProvider
}

/**
 * A child container (never tsyringe's global one) with Herald's pieces registered explicitly:
 * values with `useValue`, singletons with `useFactory` + `instanceCachingFactory`. No decorators, no
 * auto-wiring. This is the one place that knows which adapter serves which port; the Fastify host and
 * `herald serve` resolve from it (through {@link startHeraldContainer}). The `Broadcasting` factory is the
 * same `createBroadcasting` apps call directly. `await disposeHeraldContainer(c)` closes what it built.
 *
 * @example
 * const c = createHeraldContainer(loadConfig(), { logger })
 * const broadcasting = c.resolve<Broadcasting>(Tokens.Broadcasting)
 */
export function createHeraldContainer(config: Readonly<HeraldConfig>, deps: HeraldContainerDeps = {}): DependencyContainer {
  const c = container.createChildContainer()
  const lifecycle: Lifecycle = { broadcasting: undefined, serverHub: undefined, worker: undefined }
  c.register(Tokens.Lifecycle, { useValue: lifecycle })
  c.register(Tokens.Config, { useValue: config })
  // Registered only when given: without one, the log driver keeps its stdout default instead of going silent.
  if (deps.logger !== undefined) c.register(Tokens.Logger, { useValue: deps.logger })
  if (deps.hub !== undefined) c.register(Tokens.RealtimeHub, { useValue: deps.hub })
  c.register(Tokens.Apps, { useFactory: instanceCachingFactory((r) => new StaticAppLookup(r.resolve<HeraldConfig>(Tokens.Config).apps)) })
  // Queue connections connect on first use (bullmq), so building them costs nothing until an event is queued.
  c.register(Tokens.Queues, {
    useFactory: instanceCachingFactory<QueueConnections | null>((r) => {
      const queue = r.resolve<HeraldConfig>(Tokens.Config).queue
      return queue === undefined ? null : createQueues(queue)
    }),
  })
  c.register(Tokens.Broadcasting, {
    useFactory: instanceCachingFactory<Broadcasting>((r) => {
      const broadcasting = createBroadcasting(
        r.resolve<HeraldConfig>(Tokens.Config),
        {
          ...(r.isRegistered(Tokens.Logger) ? { logger: r.resolve<LoggerPort>(Tokens.Logger) } : {}),
          ...(r.isRegistered(Tokens.RealtimeHub) ? { hub: r.resolve<RealtimeHubPort>(Tokens.RealtimeHub) } : {}),
          ...(deps.appId === undefined ? {} : { appId: deps.appId }),
        },
        r.resolve<QueueConnections | null>(Tokens.Queues) ?? undefined,
        deps.broadcaster === undefined ? {} : { defaultDriver: deps.broadcaster },
      )
      lifecycle.broadcasting = broadcasting
      return broadcasting
    }),
  })
  c.register(Tokens.BroadcasterPort, {
    useFactory: instanceCachingFactory<BroadcasterPort>((r) => r.resolve<Broadcasting>(Tokens.Broadcasting).connection()),
  })
  c.register(Tokens.Authorizer, {
    useFactory: instanceCachingFactory((r) => {
      const app = r.resolve<StaticAppLookup>(Tokens.Apps).defaultApp
      const credentials = { key: app.key, secret: app.secret, encryptionMasterKey: app.encryptionMasterKey }
      const authorizer = deps.authorizer ?? new ChannelAuthorizer(credentials)
      // An app's own authorizer made before the key was known (rules first) signs with the default app's.
      if (authorizer.credentials === undefined) authorizer.setCredentials(credentials)
      return authorizer
    }),
  })
  c.register(Tokens.Events, { useFactory: instanceCachingFactory((r) => new EventDispatcher(r.resolve<Broadcasting>(Tokens.Broadcasting))) })
  c.register(Tokens.DriverAuth, {
    useFactory: instanceCachingFactory<DriverAuthPort | null>(
      (r) => driverAuthFor(r.resolve<HeraldConfig>(Tokens.Config), r.resolve<Broadcasting>(Tokens.Broadcasting).defaultConnection) ?? null,
    ),
  })
  return c
}

/** Inputs of {@link startHeraldContainer} besides the container's. */
export interface HeraldServerDeps extends Omit<HeraldContainerDeps, 'hub' | 'appId'> {
  readonly logger: LoggerPort
  /** A socket with more bytes queued than this is closed (slow consumer). */
  readonly maxBufferedBytes: number
  /** Webhook sender and pipeline tuning (retry policy, delays), for tests. @default Pusher's behaviour */
  readonly lifecycle?: ServerLifecycleOptions
  /**
   * Deliver queued broadcasts in this process too (a bullmq queue connection): `true` for the default queue
   * connection, or which connection and queue names. @default false (run `npx herald work` elsewhere)
   */
  readonly worker?: boolean | { readonly connection?: string; readonly queues?: readonly string[] }
}

/**
 * The container of one Herald server: builds (and, in a cluster, starts) the realtime hub first, since
 * that is asynchronous, then registers it with everything else. `herald/fastify` and `herald serve` use it.
 */
export async function startHeraldContainer(config: Readonly<HeraldConfig>, deps: HeraldServerDeps): Promise<DependencyContainer> {
  const apps = new StaticAppLookup(config.apps)
  // The provider comes first: the lifecycle finds webhook targets of its apps (a pg pool connects on first query).
  const { provider, lifecycleApps } = await serverApps(config, apps, deps.logger)
  let serverLifecycle: ServerLifecycle
  try {
    serverLifecycle = await createServerLifecycle(lifecycleApps, deps.logger, deps.lifecycle, config.queue)
  } catch (err) {
    await provider.close?.()
    throw err
  }
  const serverHub = await createRealtimeHub({
    maxBufferedBytes: deps.maxBufferedBytes,
    logger: deps.logger,
    config,
    defaultAppId: apps.defaultApp.id,
    lifecycle: serverLifecycle.pipeline,
  })
  const c = createHeraldContainer(config, { ...deps, hub: serverHub.hub, appId: apps.defaultApp.id })
  c.register(Tokens.Apps, { useValue: apps })
  c.register(Tokens.ServerHub, { useValue: serverHub })
  c.register(Tokens.ServerLifecycle, { useValue: serverLifecycle })
  serverLifecycle.pipeline.connectCounts(subscriptionCountPort(serverHub))
  const lifecycle = c.resolve<Lifecycle>(Tokens.Lifecycle)
  lifecycle.serverHub = serverHub
  lifecycle.serverLifecycle = serverLifecycle
  lifecycle.appProvider = provider
  c.register(Tokens.AppProvider, { useValue: provider })
  if (deps.worker !== undefined && deps.worker !== false) {
    const chosen = deps.worker === true ? {} : deps.worker
    lifecycle.worker = await startBroadcastWorker({
      broadcasting: c.resolve<Broadcasting>(Tokens.Broadcasting),
      queue: config.queue ?? { default: 'sync', connections: {} },
      logger: deps.logger,
      ...(chosen.connection === undefined ? {} : { connection: chosen.connection }),
      ...(chosen.queues === undefined ? {} : { queues: chosen.queues }),
    })
  }
  return c
}

/**
 * The server's app provider and the lifecycle's view of apps: the config's list for both, or (a provider that
 * answers asynchronously) {@link LifecycleApps} fed by every lookup the provider answers.
 */
async function serverApps(config: Readonly<HeraldConfig>, apps: StaticAppLookup, logger: LoggerPort): Promise<{ provider: AppProvider; lifecycleApps: StaticAppLookup | LifecycleApps }> {
  const provider = await createAppProvider(config, apps, logger)
  if (provider === apps) return { provider, lifecycleApps: apps }
  const lifecycleApps = new LifecycleApps({
    lookup: (appId) => provider.byId(appId),
    refreshMs: config.server.appProvider.cacheTtlMs,
    onError: (err, appId) => logger.error({ err, appId }, 'herald: looking up an app for its lifecycle events failed'),
  })
  return { provider: rememberingAppProvider(provider, lifecycleApps), lifecycleApps }
}

/**
 * Closes what a container built — the drivers of its `Broadcasting` (if it was ever resolved) and the
 * server's hub — then disposes the container. Every step runs even when one fails; failures are thrown
 * together after.
 */
export async function disposeHeraldContainer(c: DependencyContainer): Promise<void> {
  const { broadcasting, serverHub, worker, appProvider, serverLifecycle } = c.resolve<Lifecycle>(Tokens.Lifecycle)
  // The worker first: it finishes its running jobs through drivers that are still open.
  const stopped = await Promise.allSettled([worker?.close()])
  // The lifecycle closes after the hub: leaving the cluster may still report departures.
  const closeServer = async (): Promise<void> => {
    try {
      await serverHub?.close()
    } finally {
      await serverLifecycle?.close()
    }
  }
  const results = [...stopped, ...(await Promise.allSettled([broadcasting?.close(), closeServer(), appProvider?.close?.()]))]
  await c.dispose()
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
  if (failures.length === 1) throw failures[0]
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} parts of Herald failed to close`)
}
