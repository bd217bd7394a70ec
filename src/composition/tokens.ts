/**
 * DI tokens of the composition root. Symbols, not classes: nothing relies on decorator metadata,
 * which tsx and esbuild do not emit.
 */
export const Tokens = {
  /** The frozen `HeraldConfig`. */
  Config: Symbol('Config'),
  /** The `LoggerPort` drivers and the server log through (registered only when one is given). */
  Logger: Symbol('Logger'),
  /** The server's `RealtimeHubPort`, registered only inside a Herald server. */
  RealtimeHub: Symbol('RealtimeHub'),
  /** The `Broadcasting` manager (one per container). */
  Broadcasting: Symbol('Broadcasting'),
  /** The default connection's `BroadcasterPort`. */
  BroadcasterPort: Symbol('BroadcasterPort'),
} as const
