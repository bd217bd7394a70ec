import type { AppLookup, HeraldApp } from '../domain/realtime/herald-app.js'

/** An {@link AppLookup} over a fixed list of apps, indexed by id and by key. */
export class StaticAppLookup implements AppLookup {
  readonly #byId = new Map<string, HeraldApp>()
  readonly #byKey = new Map<string, HeraldApp>()
  /** The first app: the one the `local` driver and the default authorizer use. */
  readonly defaultApp: HeraldApp

  constructor(apps: readonly HeraldApp[]) {
    const first = apps[0]
    if (first === undefined) throw new RangeError('StaticAppLookup needs at least one app')
    this.defaultApp = first
    for (const app of apps) {
      this.#byId.set(app.id, app)
      this.#byKey.set(app.key, app)
    }
  }

  byId(id: string): HeraldApp | undefined {
    return this.#byId.get(id)
  }

  byKey(key: string): HeraldApp | undefined {
    return this.#byKey.get(key)
  }

  /** Every app, default first. */
  all(): HeraldApp[] {
    return [...this.#byId.values()]
  }
}
