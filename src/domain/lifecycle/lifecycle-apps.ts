import { defaultScheduleTimer, type ScheduleTimer } from './lifecycle-timer.js'
import type { WebhookApp } from './webhook-dispatcher.js'

/** Inputs of {@link LifecycleApps}. */
export interface LifecycleAppsOptions {
  /** The source of apps by id (an `AppProvider`'s `byId`): a value, or a promise that never rejects. */
  readonly lookup: (appId: string) => WebhookApp | undefined | Promise<WebhookApp | undefined>
  /** How long an answer is used before it is looked up again, ms (the provider's cache TTL; at least 250). */
  readonly refreshMs: number
  /** A lookup rejected (a provider bug): the app counts as unknown until the next try. */
  readonly onError: (err: unknown, appId: string) => void
  /** Timer port, for tests. @default setTimeout (unref'd) */
  readonly schedule?: ScheduleTimer | undefined
}

interface Entry {
  readonly app: WebhookApp | undefined
  /** The refresh period the answer was taken in. */
  readonly period: number
}

/** Answers remembered at most (ids the hub reports are apps with connections, so this is rarely reached). */
const MAX_REMEMBERED = 10_000
/** Shortest refresh period, ms: a cache TTL of 0 must not spin a timer. */
const MIN_REFRESH_MS = 250

/**
 * The lifecycle pipeline's synchronous view of apps whose source answers asynchronously (a database): each app
 * as last looked up or {@link remember}ed. The hub's path never waits and reads no clock: a timer counts refresh
 * periods, and an answer from an earlier period is looked up again in the background while it still serves. Only
 * an app never seen (a departure reaped for another server's connection, in a cluster) makes its events wait for
 * one lookup ({@link ready}).
 */
export class LifecycleApps {
  readonly #o: LifecycleAppsOptions
  readonly #schedule: ScheduleTimer
  readonly #refreshMs: number
  readonly #entries = new Map<string, Entry>()
  readonly #inFlight = new Map<string, Promise<void>>()
  #period = 0
  #cancelTick: (() => void) | undefined
  #closed = false

  constructor(options: LifecycleAppsOptions) {
    this.#o = options
    this.#schedule = options.schedule ?? defaultScheduleTimer
    this.#refreshMs = Math.max(MIN_REFRESH_MS, options.refreshMs)
  }

  /** The app of an id as known now (undefined: unknown, or not looked up yet; see {@link ready}). A map read. */
  app(appId: string): WebhookApp | undefined {
    return this.#entries.get(appId)?.app
  }

  /**
   * `undefined` when {@link app} answers for `appId` now; otherwise a promise (never rejecting) that settles once
   * it does. Asked once per event: a stale app is looked up again in the background and still answers meanwhile;
   * a stale absence is looked up first (a new row must not stay unknown).
   */
  ready(appId: string): Promise<void> | undefined {
    const entry = this.#entries.get(appId)
    if (entry === undefined) return this.#refresh(appId)
    if (entry.period === this.#period) return undefined
    if (entry.app === undefined) return this.#refresh(appId)
    void this.#refresh(appId)
    return undefined
  }

  /** Takes an app the server just looked up (a connection's, an API request's): its events need no lookup. */
  remember(app: WebhookApp): void {
    // The provider's cache hands out the same object until it looks again: nothing new to take (API requests repeat).
    if (this.#entries.get(app.id)?.app !== app) this.#set(app.id, app)
  }

  /** Stops the refresh timer (the server is closing). */
  close(): void {
    this.#closed = true
    this.#cancelTick?.()
    this.#cancelTick = undefined
  }

  #refresh(appId: string): Promise<void> {
    let pending = this.#inFlight.get(appId)
    if (pending !== undefined) return pending
    pending = this.#lookUp(appId).finally(() => this.#inFlight.delete(appId))
    this.#inFlight.set(appId, pending)
    return pending
  }

  async #lookUp(appId: string): Promise<void> {
    try {
      this.#set(appId, await this.#o.lookup(appId))
    } catch (err) {
      this.#o.onError(err, appId)
      this.#set(appId, undefined)
    }
  }

  #set(appId: string, app: WebhookApp | undefined): void {
    if (this.#entries.size >= MAX_REMEMBERED && !this.#entries.has(appId)) this.#entries.clear()
    this.#entries.set(appId, { app, period: this.#period })
    if (this.#cancelTick === undefined && !this.#closed) this.#tick()
  }

  #tick(): void {
    this.#cancelTick = this.#schedule(() => {
      this.#period++
      this.#tick()
    }, this.#refreshMs)
  }
}
