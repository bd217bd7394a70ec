import type { FastifyPluginAsync } from 'fastify'
import type { Registry } from 'prom-client'
import { createHeraldMetrics, type HeraldMetricsSource } from '../metrics/herald-metrics.js'

/** Options of {@link metricsRoute}: what the metrics read at each scrape. */
export type MetricsRouteOptions = HeraldMetricsSource & {
  /** Adds more metrics to this server's registry (e.g. the abuse counters). @default none */
  readonly extend?: (registry: Registry) => void
}

/**
 * `GET /metrics`: Prometheus text for this server (each server of a cluster reports its own; sum them in
 * Prometheus). Opt-in (`server.metrics`, `HERALD_METRICS`), and meant for an internal network: it names apps.
 */
export const metricsRoute: FastifyPluginAsync<MetricsRouteOptions> = async (fastify, options) => {
  const registry = createHeraldMetrics(options)
  options.extend?.(registry)
  fastify.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()))
}
