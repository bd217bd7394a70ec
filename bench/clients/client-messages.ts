import type { HistogramData } from '../lib/histogram.js'

/** Parent → client process commands (IPC). */
export type ClientCommand =
  | { type: 'connect'; url: string; channel: string; count: number; concurrency: number; presenceUserPrefix?: string }
  | { type: 'reset' }
  | { type: 'report' }
  | { type: 'churn'; url: string; channel: string; pool: number; ratePerSec: number; durationMs: number; holdMs: number; userPrefix: string }
  | { type: 'close' }

/** What a client process measured since the last reset. */
export interface ClientReport {
  type: 'report'
  deliveries: number
  duplicates: number
  latency: HistogramData
  memberAdded: number
  memberRemoved: number
  /** join → member_added seen by watchers (presence scenario). */
  memberAddedLatency: HistogramData
  /** Sockets closed by the server since the last reset (a slow-socket bound kicking in shows up here). */
  closedByServer: number
}

/** Client process → parent messages (IPC). */
export type ClientEvent =
  | { type: 'connected'; ok: number; failed: number; ms: number; firstError?: string }
  | { type: 'progress'; deliveries: number }
  | ClientReport
  | { type: 'churned'; joins: number; skipped: number; succeededLatency: HistogramData; errors: number; firstError?: string }
  | { type: 'reset-done' }
  | { type: 'fatal'; error: string }
