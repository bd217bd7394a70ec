import { collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import type { HubStats } from '../../domain/realtime/hub-stats.js'
import { copiedCounter } from './copied-counter.js'

/** What the metrics read at each scrape. */
export interface HeraldMetricsSource {
  /** This server's realtime state (the local hub's `metrics()`). */
  readonly stats: () => HubStats
  /** The cluster's Redis state; undefined for a single process. */
  readonly health?: () => { readonly connected: boolean; readonly subscribed: boolean } | undefined
}

type AppGauge = (a: { connections: number; channels: number; subscriptions: number }) => number

/**
 * One server's Prometheus registry (prom-client, never its global one, so two servers in a process report
 * their own): Herald's gauges and counters, read from the hub only when scraped — the fan-out path keeps
 * its plain field increments and pays nothing for metrics — plus prom-client's default process and Node.js
 * metrics (CPU, memory, event-loop lag, GC, handles).
 */
export function createHeraldMetrics(source: HeraldMetricsSource): Registry {
  const registry = new Registry()
  const perApp = (name: string, help: string, pick: AppGauge) =>
    new Gauge({
      name,
      help,
      labelNames: ['app'],
      registers: [registry],
      collect() {
        this.reset()
        for (const [app, a] of source.stats().apps) this.set({ app }, pick(a))
      },
    })
  const total = (name: string, help: string, pick: (s: HubStats) => number) => copiedCounter(registry, name, help, () => pick(source.stats()))
  perApp('herald_connections', 'Open connections on this server (Pusher-protocol WebSocket and Socket.IO).', (a) => a.connections)
  perApp('herald_channels', 'Channels with at least one subscriber on this server.', (a) => a.channels)
  perApp('herald_subscriptions', 'Channel subscriptions on this server.', (a) => a.subscriptions)
  total('herald_events_published_total', 'Events published to a channel on this server (per channel, member events included).', (s) => s.eventsPublished)
  total('herald_frames_delivered_total', 'Frames handed to sockets by those events.', (s) => s.framesDelivered)
  total('herald_slow_consumers_closed_total', 'Sockets closed with 4100 because they did not read fast enough.', (s) => s.slowConsumersClosed)
  if (source.health?.() !== undefined) {
    const redisUp = new Gauge({
      name: 'herald_cluster_redis_up',
      help: 'Whether the cluster Redis connection is ready and subscribed (1) or not (0).',
      registers: [],
      collect() {
        const cluster = source.health?.()
        this.set(cluster?.connected === true && cluster.subscribed ? 1 : 0)
      },
    })
    registry.registerMetric(redisUp)
  }
  collectDefaultMetrics({ register: registry })
  return registry
}
