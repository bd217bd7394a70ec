import { TIMED_OUT, withinDeadline } from '../domain/within-deadline.js'

/**
 * Waits for `promise` to settle, at most `timeoutMs`. Resolves true if it settled in time, false if
 * not; never rejects (a rejection counts as settled: the caller only needs the step to be over).
 * The timer is cleared either way, so nothing is left keeping the process alive.
 */
export async function settleWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  return (await withinDeadline(promise.then(() => true, () => true), timeoutMs)) !== TIMED_OUT
}
