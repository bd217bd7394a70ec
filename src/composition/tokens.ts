/**
 * DI tokens of the composition root. Symbols, not classes: nothing relies on decorator metadata,
 * which tsx and esbuild do not emit.
 */
export const Tokens = {
  /** The frozen `HeraldConfig`. */
  Config: Symbol('Config'),
  /** The `LoggerPort` drivers and the server log through (registered only when one is given). */
  Logger: Symbol('Logger'),
  /** The apps served (`StaticAppLookup`: by id, by key, the default app first). */
  Apps: Symbol('Apps'),
  /** Where the server finds apps by key and id (`AppProvider`: the config's, or PostgreSQL's), only inside a Herald server. */
  AppProvider: Symbol('AppProvider'),
  /** The server's `RealtimeHubPort` (what publishers use), registered only inside a Herald server. */
  RealtimeHub: Symbol('RealtimeHub'),
  /** The server's `CreatedHub` (local connections, publisher hub, health, close), only inside a Herald server. */
  ServerHub: Symbol('ServerHub'),
  /** The `Broadcasting` manager (one per container). */
  Broadcasting: Symbol('Broadcasting'),
  /** The default connection's `BroadcasterPort`. */
  BroadcasterPort: Symbol('BroadcasterPort'),
  /** The `ChannelAuthorizer` holding the app's channel rules, signing with the default app's credentials. */
  Authorizer: Symbol('Authorizer'),
  /** The `EventDispatcher` over the container's `Broadcasting`. */
  Events: Symbol('Events'),
  /** The default connection driver's `/broadcasting/auth` answer (`DriverAuthPort`), or `null` for Pusher's only. */
  DriverAuth: Symbol('DriverAuth'),
  /** The server's `ServerLifecycle` (webhooks and in-process hooks), only inside a Herald server. */
  ServerLifecycle: Symbol('ServerLifecycle'),
  /** The queue connections (`QueueConnections`) built from the config's `queue` section, or `null` without one. */
  Queues: Symbol('Queues'),
  /** Per-container bookkeeping of what was built and must be closed (see `disposeHeraldContainer`). */
  Lifecycle: Symbol('Lifecycle'),
} as const
