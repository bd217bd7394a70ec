import type { BroadcastMessage } from '../domain/broadcasting/broadcast-message.js'
import type { BroadcastJob } from '../domain/queue/broadcast-job.js'

/** Longest payload preview shown per call in a failure message. */
export const PAYLOAD_PREVIEW_LENGTH = 80

/** A short, single-line JSON preview of a payload, cut at {@link PAYLOAD_PREVIEW_LENGTH} characters. */
export function previewPayload(payload: unknown): string {
  let json: string
  try {
    json = JSON.stringify(payload) ?? String(payload)
  } catch {
    // A circular or BigInt payload cannot be shown as JSON; a failure message must still render.
    json = String(payload)
  }
  return json.length > PAYLOAD_PREVIEW_LENGTH ? `${json.slice(0, PAYLOAD_PREVIEW_LENGTH - 1)}…` : json
}

/**
 * Lists recorded broadcasts for a failure message, one per line:
 * `  1. OrderShipped on [private-orders.1] (toOthers 1.2) {"order_id":1}`.
 */
export function formatCalls(calls: readonly BroadcastMessage[]): string {
  if (calls.length === 0) return 'Nothing was broadcast.'
  const lines = calls.map((call, i) => {
    const others = call.socketId === undefined ? '' : ` (toOthers ${call.socketId})`
    return `  ${i + 1}. ${call.event} on [${call.channels.join(', ')}]${others} ${previewPayload(call.payload)}`
  })
  return `Broadcast so far (${calls.length}):\n${lines.join('\n')}`
}

/**
 * Lists queued jobs for a failure message, one per line:
 * `  1. OrderShipped on [private-orders.1] (queue orders, via main) {"order_id":1}`.
 */
export function formatJobs(jobs: readonly BroadcastJob[]): string {
  if (jobs.length === 0) return 'Nothing was queued.'
  const lines = jobs.map(({ message, queue, connection }, i) => {
    const others = message.socketId === undefined ? '' : `, toOthers ${message.socketId}`
    return `  ${i + 1}. ${message.event} on [${message.channels.join(', ')}] (queue ${queue ?? 'default'}, via ${connection}${others}) ${previewPayload(message.payload)}`
  })
  return `Queued so far (${jobs.length}):\n${lines.join('\n')}`
}
