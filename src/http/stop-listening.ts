import type { Server } from 'node:http'

/** What {@link stopListening} returns: the close in progress and a way to bound it. */
export interface ListenerClose {
  /** Resolves once the server closed (every connection gone); never rejects. */
  readonly closed: Promise<void>
  /**
   * Waits for {@link closed} at most `timeoutMs`, then destroys every HTTP connection left (requests
   * still in flight on keep-alive sockets) and returns. Resolves true if the server closed by itself.
   */
  within(timeoutMs: number): Promise<boolean>
}

/**
 * Stops accepting TCP connections now (Node also drops idle keep-alive sockets), so clients that
 * reconnect at once after 4200 are refused by the OS instead of adding work to a closing server.
 * Fastify's own `server.close()` later gets `ERR_SERVER_NOT_RUNNING`, which it treats as closed.
 */
export function stopListening(server: Server): ListenerClose {
  const closed = new Promise<void>((resolve) => {
    // ERR_SERVER_NOT_RUNNING (never listened, e.g. `inject` only) means there is nothing to wait for.
    if (server.listening) server.close(() => resolve())
    else resolve()
  })
  let done = false
  void closed.then(() => {
    done = true
  })
  return {
    closed,
    async within(timeoutMs) {
      if (done) return true
      server.closeIdleConnections()
      let timer: NodeJS.Timeout | undefined
      const expired = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs)
      })
      const byItself = await Promise.race([closed.then(() => true as const), expired])
      clearTimeout(timer)
      // Not awaited after this: anything not tracked by the HTTP server must not hold the close forever.
      if (!byItself) server.closeAllConnections()
      return byItself
    },
  }
}
