import type { WebhookApp } from './webhook-dispatcher.js'

/** Inputs of {@link LifecycleApps}. */
export interface LifecycleAppsOptions {
  /** The source of apps by id (an `AppProvider`'s `byId`): a value, or a promise that never rejects. */
  readonly lookup: (appId: string) => WebhookApp | undefined | Promise<WebhookApp | undefined>
  /** How long an answer is used before it is looked up again, ms (the provider's cache TTL). */
  readonly refreshMs: number
  /** A lookup rejected (a provider bug): the app counts as unknown until the next try. */
  readonly onError: (err: unknown, appId: string) => void
  /** Clock in ms. @default Date.now */
  readonly now?: () => number
}

interface Entry {
  readonly app: WebhookApp | undefined
  readonly checkedAt: number
}

/** Answers remembered at most (ids the hub reports are apps with connections, so this is rarely reached). */
const MAX_REMEMBERED = 10_000

/**
 * The lifecycle pipeline's synchronous view of apps whose source answers asynchronously (a database): each app
 * as last looked up or {@link remember}ed. The hub's path never waits: a known app is answered from memory (and,
 * once older than `refreshMs`, looked up again in the background, the answer at hand serving meanwhile); only an
 * app never seen (a departure reaped for another server's connection, in a cluster) makes its events wait for
 * one lookup ({@link ready}).
 */
export class LifecycleApps {
  readonly #o: LifecycleAppsOptions
  readonly #now: () => number
  readonly #entries = new Map<string, Entry>()
  readonly #inFlight = new Map<string, Promise<void>>()

  constructor(options: LifecycleAppsOptions) {
    this.#o = options
    this.#now = options.now ?? Date.now
  }

  /** The app of an id as known now (undefined: unknown, or not looked up yet; see {@link ready}). */
  app(appId: string): WebhookApp | undefined {
    const entry = this.#entries.get(appId)
    if (entry !== undefined && this.#now() - entry.checkedAt >= this.#o.refreshMs) void this.#refresh(appId)
    return entry?.app
  }

  /**
   * `undefined` when {@link app} answers for `appId` now; otherwise a promise (never rejecting) that settles once
   * it does. A remembered absence that has gone stale is looked up again first: a new row must not stay unknown.
   */
  ready(appId: string): Promise<void> | undefined {
    const entry = this.#entries.get(appId)
    if (entry !== undefined && (entry.app !== undefined || this.#now() - entry.checkedAt < this.#o.refreshMs)) return undefined
    return this.#refresh(appId)
  }

  /** Takes an app the server just looked up (a connection's, an API request's): its events need no lookup. */
  remember(app: WebhookApp): void {
    this.#set(app.id, app)
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
    this.#entries.set(appId, { app, checkedAt: this.#now() })
  }
}
