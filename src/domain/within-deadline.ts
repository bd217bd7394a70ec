import { DeadlineExceededError } from './errors.js'

/** What {@link withinDeadline} resolves to when the work did not settle in time. */
export const TIMED_OUT: unique symbol = Symbol('timed out')

/**
 * Herald's one deadline helper. Waits for `work` at most `ms`: resolves with its value (or rejects with its
 * error), or with {@link TIMED_OUT} once the time is up. The timer is cleared either way, so nothing is left
 * keeping the process alive. Callers decide what a timeout means (deny, log, or {@link beforeDeadline}).
 */
export async function withinDeadline<T>(work: PromiseLike<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT)
  })
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * {@link withinDeadline} for work that must fail when late: settles like `work`, or rejects with a
 * {@link DeadlineExceededError} naming `what` after `ms`. SDKs have their own timeouts, but retries, fallback
 * hosts and reconnects can add up past them; this is the one bound a caller can rely on.
 */
export async function beforeDeadline<T>(work: PromiseLike<T>, ms: number, what: string): Promise<T> {
  const result = await withinDeadline(work, ms)
  if (result === TIMED_OUT) throw new DeadlineExceededError(what, ms)
  return result
}
