import type { FastifyPluginAsync } from 'fastify'

/** Options of {@link upRoute}. */
export interface UpRouteOptions {
  /** The cluster's Redis state (see `CreatedHub.health`); undefined for a single process. */
  readonly health?: () => { readonly connected: boolean; readonly subscribed: boolean } | undefined
}

/**
 * `GET /up`: health, as Laravel's `/up` answers. In a cluster it also reports Redis; an outage is
 * `status: 'degraded'` with 200, not an error status: the server still serves its own connections,
 * and a load balancer must not take every server out of rotation because Redis is away.
 */
export const upRoute: FastifyPluginAsync<UpRouteOptions> = async (fastify, options) => {
  fastify.get('/up', async () => {
    const cluster = options.health?.()
    if (cluster === undefined) return { status: 'ok' }
    return { status: cluster.connected && cluster.subscribed ? 'ok' : 'degraded', cluster }
  })
}
