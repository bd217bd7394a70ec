import type { LifecycleEvent, LifecycleObserver } from './lifecycle-event.js'

/** Events of one app held while its lookup runs; past this, newer ones are dropped (a lookup is bounded in time). */
export const MAX_HELD_PER_APP = 10_000

/**
 * Passes events on at once when their app is at hand (`ready` answers undefined), and holds an app's events, in
 * order, while its one lookup runs. Later events of that app queue behind the first, so order is kept per app.
 */
export class AppReadyGate implements LifecycleObserver {
  readonly #next: LifecycleObserver
  readonly #ready: (appId: string) => Promise<void> | undefined
  readonly #held = new Map<string, LifecycleEvent[]>()

  constructor(next: LifecycleObserver, ready: (appId: string) => Promise<void> | undefined) {
    this.#next = next
    this.#ready = ready
  }

  /** Apps whose events wait for a lookup (for leak tests). */
  get waiting(): number {
    return this.#held.size
  }

  observe(event: LifecycleEvent): void {
    const held = this.#held.get(event.appId)
    if (held !== undefined) {
      if (held.length < MAX_HELD_PER_APP) held.push(event)
      return
    }
    const pending = this.#ready(event.appId)
    if (pending === undefined) return this.#next.observe(event)
    this.#held.set(event.appId, [event])
    const release = (): void => this.#release(event.appId)
    void pending.then(release, release)
  }

  #release(appId: string): void {
    const held = this.#held.get(appId) ?? []
    this.#held.delete(appId)
    for (const event of held) this.#next.observe(event)
  }
}
