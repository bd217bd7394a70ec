/** How long and how often a failed webhook delivery is retried. */
export interface WebhookRetryPolicy {
  /** Wait before the first retry, doubled after each failure. @default 1000 */
  readonly initialDelayMs: number
  /** Longest wait between two attempts. @default 60000 */
  readonly maxDelayMs: number
  /** Retries stop this long after the first attempt (Pusher: 5 minutes). @default 300000 */
  readonly retryForMs: number
}

/** Pusher's behaviour: exponential backoff for 5 minutes. */
export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = { initialDelayMs: 1000, maxDelayMs: 60_000, retryForMs: 300_000 }

/**
 * The wait before the next attempt after `failures` failed ones (1 for the first), `elapsedMs` after the first
 * attempt; undefined when the time bound is spent and the delivery is given up. The last wait is cut so the
 * final attempt happens at the bound, not after it.
 */
export function nextRetryDelayMs(policy: WebhookRetryPolicy, failures: number, elapsedMs: number): number | undefined {
  const left = policy.retryForMs - elapsedMs
  if (left <= 0) return undefined
  const backoff = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, failures - 1))
  return Math.min(backoff, left)
}
