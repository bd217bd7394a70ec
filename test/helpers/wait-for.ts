/**
 * Polls `check` until it returns a truthy value, then returns it.
 * Fails saying *what* never happened, so a timeout explains itself. No fixed sleeps in tests.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: { what: string; timeoutMs?: number; intervalMs?: number },
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 5000)
  let lastError: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value
    } catch (err) {
      lastError = err
    }
    if (Date.now() > deadline) {
      const suffix = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
      throw new Error(`waitFor: timed out after ${options.timeoutMs ?? 5000} ms waiting for ${options.what}${suffix}`)
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 10))
  }
}

/** Resolves with the first event value matching `predicate` pushed to `list`, waiting as above. */
export async function waitForItem<T>(list: readonly T[], predicate: (item: T) => boolean, what: string, timeoutMs = 5000): Promise<T> {
  return waitFor(() => list.find(predicate), { what, timeoutMs })
}
