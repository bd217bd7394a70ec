import type { HeraldConfig } from './schema.js'

/**
 * The connection used when none is named: `config.default` when something picked one (your object,
 * `BROADCAST_CONNECTION` or the legacy `BROADCAST_DRIVER`); otherwise `local` inside a Herald server
 * (the Fastify host delivers to its own sockets) and `null` everywhere else, which is Laravel's own
 * default (`env('BROADCAST_CONNECTION', 'null')`): an app that configured nothing broadcasts nothing
 * rather than failing or writing log noise.
 */
export function resolveDefaultConnection(config: Pick<HeraldConfig, 'default'>, context: { hostMounted: boolean }): string {
  return config.default ?? (context.hostMounted ? 'local' : 'null')
}
