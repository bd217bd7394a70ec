import type { FastifyPluginAsync } from 'fastify'
import type { HubStats } from '../../domain/realtime/hub-stats.js'
import { PROMETHEUS_CONTENT_TYPE, renderPrometheusText, type MetricFamily } from '../metrics/prometheus-text.js'

/** Options of {@link metricsRoute}. */
export interface MetricsRouteOptions {
  /** This server's realtime state (the local hub's `metrics()`). */
  readonly stats: () => HubStats
  /** The cluster's Redis state; undefined for a single process. */
  readonly health?: () => { readonly connected: boolean; readonly subscribed: boolean } | undefined
  /** More families to append to each scrape (e.g. the abuse counters). @default none */
  readonly extra?: () => readonly MetricFamily[]
}

/** The families of one scrape: this process's connections and deliveries, its memory and CPU, and Redis. */
export function heraldMetricFamilies(stats: HubStats, cluster: { connected: boolean; subscribed: boolean } | undefined): MetricFamily[] {
  const perApp = (pick: (a: { connections: number; channels: number; subscriptions: number }) => number) =>
    [...stats.apps].map(([app, a]) => ({ labels: { app }, value: pick(a) }))
  const memory = process.memoryUsage()
  const cpu = process.cpuUsage()
  const families: MetricFamily[] = [
    { name: 'herald_connections', help: 'Open WebSocket connections on this server.', type: 'gauge', samples: perApp((a) => a.connections) },
    { name: 'herald_channels', help: 'Channels with at least one subscriber on this server.', type: 'gauge', samples: perApp((a) => a.channels) },
    { name: 'herald_subscriptions', help: 'Channel subscriptions on this server.', type: 'gauge', samples: perApp((a) => a.subscriptions) },
    { name: 'herald_events_published_total', help: 'Events published to a channel on this server (per channel, member events included).', type: 'counter', samples: [{ value: stats.eventsPublished }] },
    { name: 'herald_frames_delivered_total', help: 'Frames handed to sockets by those events.', type: 'counter', samples: [{ value: stats.framesDelivered }] },
    { name: 'herald_slow_consumers_closed_total', help: 'Sockets closed with 4100 because they did not read fast enough.', type: 'counter', samples: [{ value: stats.slowConsumersClosed }] },
    { name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', type: 'gauge', samples: [{ value: memory.rss }] },
    { name: 'nodejs_heap_size_used_bytes', help: 'V8 heap in use, in bytes.', type: 'gauge', samples: [{ value: memory.heapUsed }] },
    { name: 'process_cpu_seconds_total', help: 'User and system CPU time spent, in seconds.', type: 'counter', samples: [{ value: (cpu.user + cpu.system) / 1e6 }] },
  ]
  if (cluster !== undefined) {
    families.push({ name: 'herald_cluster_redis_up', help: 'Whether the cluster Redis connection is ready and subscribed (1) or not (0).', type: 'gauge', samples: [{ value: cluster.connected && cluster.subscribed ? 1 : 0 }] })
  }
  return families
}

/**
 * `GET /metrics`: Prometheus text for this server (each server of a cluster reports its own; sum them in
 * Prometheus). Opt-in (`server.metrics`, `HERALD_METRICS`), and meant for an internal network: it names apps.
 */
export const metricsRoute: FastifyPluginAsync<MetricsRouteOptions> = async (fastify, options) => {
  fastify.get('/metrics', async (_request, reply) => {
    const text = renderPrometheusText([...heraldMetricFamilies(options.stats(), options.health?.()), ...(options.extra?.() ?? [])])
    return reply.type(PROMETHEUS_CONTENT_TYPE).send(text)
  })
}
