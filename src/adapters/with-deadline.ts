/** The cause a driver reports when its SDK did not answer in time. */
export class DeadlineExceededError extends Error {
  readonly timeoutMs: number
  constructor(what: string, timeoutMs: number) {
    super(`${what} did not complete within ${timeoutMs} ms (timeoutMs)`)
    this.name = 'DeadlineExceededError'
    this.timeoutMs = timeoutMs
  }
}

/**
 * Settles like `work`, or rejects with {@link DeadlineExceededError} after `timeoutMs`,
 * whichever comes first. SDKs have their own timeouts, but retries, fallback hosts and lazy
 * imports can add up past them; this is the one bound a caller can rely on.
 * `work` is called inside the promise so a synchronous throw becomes a rejection.
 */
export function withDeadline<T>(what: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineExceededError(what, timeoutMs)), timeoutMs)
    let running: Promise<T>
    try {
      running = work()
    } catch (err) {
      clearTimeout(timer)
      reject(err)
      return
    }
    running.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (err: unknown) => {
        clearTimeout(timer)
        reject(err)
      },
    )
  })
}
