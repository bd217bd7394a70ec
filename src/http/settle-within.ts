/**
 * Waits for `promise` to settle, at most `timeoutMs`. Resolves true if it settled in time, false if
 * not; never rejects (a rejection counts as settled: the caller only needs the step to be over).
 * The timer is cleared either way, so nothing is left keeping the process alive.
 */
export async function settleWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs)
  })
  try {
    return await Promise.race([promise.then(() => true as const, () => true as const), expired])
  } finally {
    clearTimeout(timer)
  }
}
