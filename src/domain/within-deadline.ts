/** What {@link withinDeadline} resolves to when the work did not settle in time. */
export const TIMED_OUT: unique symbol = Symbol('timed out')

/**
 * Waits for `work` at most `ms`: resolves with its value (or rejects with its error), or with {@link TIMED_OUT}
 * once the time is up. The timer is cleared either way, so nothing is left keeping the process alive.
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
