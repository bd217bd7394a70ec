import type { LifecycleEvent, LifecycleEventName, LifecycleEventOf, LifecycleObserver } from './lifecycle-event.js'

/** A listener of one lifecycle event type; a rejected promise is reported like a throw. */
export type LifecycleListener<N extends LifecycleEventName> = (event: LifecycleEventOf<N>) => void | Promise<void>

/**
 * In-process lifecycle hooks: the webhook events as typed listeners, with no HTTP round trip
 * (`fastify.herald.lifecycle.on('member_added', (e) => …)`). Listeners see events after the departure delay,
 * exactly as webhooks do; one that throws or rejects is reported to `onError` and the others still run.
 */
export class LifecycleHooks implements LifecycleObserver {
  readonly #listeners = new Map<LifecycleEventName, Set<(event: LifecycleEvent) => void | Promise<void>>>()
  readonly #onError: (err: unknown, event: LifecycleEvent) => void

  constructor(onError: (err: unknown, event: LifecycleEvent) => void) {
    this.#onError = onError
  }

  /**
   * Calls `listener` for every event named `name`; returns what removes it.
   * @example herald.lifecycle.on('channel_vacated', ({ appId, channel }) => stopFeed(appId, channel))
   */
  on<N extends LifecycleEventName>(name: N, listener: LifecycleListener<N>): () => void {
    let set = this.#listeners.get(name)
    if (set === undefined) {
      set = new Set()
      this.#listeners.set(name, set)
    }
    const stored = listener as (event: LifecycleEvent) => void | Promise<void>
    set.add(stored)
    return () => this.off(name, listener)
  }

  /** Removes a listener added with {@link on}. */
  off<N extends LifecycleEventName>(name: N, listener: LifecycleListener<N>): void {
    const set = this.#listeners.get(name)
    set?.delete(listener as (event: LifecycleEvent) => void | Promise<void>)
    if (set?.size === 0) this.#listeners.delete(name)
  }

  /** Whether any listener is registered (for any event, or for `name`). */
  has(name?: LifecycleEventName): boolean {
    return name === undefined ? this.#listeners.size > 0 : this.#listeners.has(name)
  }

  observe(event: LifecycleEvent): void {
    const set = this.#listeners.get(event.name)
    if (set === undefined) return
    for (const listener of [...set]) {
      try {
        const result = listener(event)
        if (result instanceof Promise) result.catch((err: unknown) => this.#onError(err, event))
      } catch (err) {
        this.#onError(err, event)
      }
    }
  }
}

/** One observer that tells each of `observers` in turn. */
export function fanOutLifecycle(...observers: readonly LifecycleObserver[]): LifecycleObserver {
  return { observe: (event) => observers.forEach((o) => o.observe(event)) }
}
