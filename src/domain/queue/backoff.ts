import { InvalidBroadcastJobError } from '../errors.js'

/** Laravel's `backoff`: seconds before each retry, one number for all or a list (the last repeats). */
export type Backoff = number | readonly number[]

/**
 * Milliseconds to wait before retry number `retry` (1 = the first retry), Laravel's way: a number is the
 * same wait every time; a list gives the wait per retry and its last entry repeats. Seconds may be fractional.
 */
export function backoffDelayMs(backoff: Backoff, retry: number): number {
  const list = typeof backoff === 'number' ? [backoff] : backoff
  const seconds = list[Math.min(Math.max(retry, 1), list.length) - 1] ?? 0
  return Math.round(seconds * 1000)
}

/** Throws {@link InvalidBroadcastJobError} unless `backoff` is a non-negative number or a non-empty list of them. */
export function assertValidBackoff(backoff: unknown, field = 'backoff'): asserts backoff is Backoff {
  const ok = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0
  if (ok(backoff)) return
  if (Array.isArray(backoff) && backoff.length > 0 && backoff.every(ok)) return
  throw new InvalidBroadcastJobError(field, `must be seconds: a non-negative number or a non-empty list of them (got ${show(backoff)})`)
}

export function show(value: unknown): string {
  if (value === undefined) return 'nothing'
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    // Only for an error message; a value JSON cannot show is named by its type.
    return typeof value
  }
}
