import type { PendingByAddress } from '../pending-by-address.js'
import type { FrameGuards } from '../websocket/frame-guard.js'
import type { MetricFamily } from './prometheus-text.js'

/** The families that show hostile or broken clients being bounded (issue 11). */
export function abuseMetricFamilies(pending: Pick<PendingByAddress, 'pending' | 'refused'>, frames: Pick<FrameGuards, 'tooLargeClosed' | 'stalledClosed'>): MetricFamily[] {
  return [
    { name: 'herald_pending_requests', help: 'Unfinished HTTP requests and pending WebSocket upgrades on Herald routes.', type: 'gauge', samples: [{ value: pending.pending }] },
    { name: 'herald_pending_refused_total', help: 'Requests and upgrades refused with 503 because their client address had too many unfinished ones.', type: 'counter', samples: [{ value: pending.refused }] },
    { name: 'herald_ws_messages_too_large_total', help: "WebSocket connections closed with 1009 for a message over their app's limit.", type: 'counter', samples: [{ value: frames.tooLargeClosed }] },
    { name: 'herald_ws_frames_timed_out_total', help: 'WebSocket connections closed with 1008 for not completing a frame within frameTimeoutMs.', type: 'counter', samples: [{ value: frames.stalledClosed }] },
  ]
}
