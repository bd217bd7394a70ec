import { Gauge, type Registry } from 'prom-client'
import { copiedCounter } from './copied-counter.js'
import type { PendingByAddress } from '../pending-by-address.js'
import type { FrameGuards } from '../websocket/frame-guard.js'

/**
 * Adds the metrics that show hostile or broken clients being bounded (issue 11) to a server's registry,
 * read from their owners only when scraped.
 */
export function registerAbuseMetrics(registry: Registry, pending: Pick<PendingByAddress, 'pending' | 'refused'>, frames: Pick<FrameGuards, 'tooLargeClosed' | 'stalledClosed'>): void {
  const pendingGauge = new Gauge({
    name: 'herald_pending_requests',
    help: 'Unfinished HTTP requests and pending WebSocket upgrades on Herald routes.',
    registers: [],
    collect() {
      this.set(pending.pending)
    },
  })
  registry.registerMetric(pendingGauge)
  const total = (name: string, help: string, read: () => number) => copiedCounter(registry, name, help, read)
  total('herald_pending_refused_total', 'Requests and upgrades refused with 503 because their client address had too many unfinished ones.', () => pending.refused)
  total('herald_ws_messages_too_large_total', "WebSocket connections closed with 1009 for a message over their app's limit.", () => frames.tooLargeClosed)
  total('herald_ws_frames_timed_out_total', 'WebSocket connections closed with 1008 for not completing a frame within frameTimeoutMs.', () => frames.stalledClosed)
}
