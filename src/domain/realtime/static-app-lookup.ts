import { InvalidConfigError, type ConfigIssue } from '../errors.js'
import type { AppProvider } from '../ports/app-provider-port.js'
import type { AppLookup, HeraldApp } from './herald-app.js'

/** An {@link AppLookup} over a fixed list of apps, indexed by id and by key: the static {@link AppProvider} (`server.appProvider.driver: 'config'`). */
export class StaticAppLookup implements AppLookup, AppProvider {
  readonly #byId = new Map<string, HeraldApp>()
  readonly #byKey = new Map<string, HeraldApp>()
  /** The first app: the one the `local` driver and the default authorizer use. */
  readonly defaultApp: HeraldApp

  /** @throws InvalidConfigError when there is no app, or two apps share an id or a key. */
  constructor(apps: readonly HeraldApp[]) {
    const first = apps[0]
    if (first === undefined) throw new InvalidConfigError([{ path: 'apps', message: 'at least one app is required' }])
    this.defaultApp = first
    const issues: ConfigIssue[] = []
    apps.forEach((app, i) => {
      if (this.#byId.has(app.id)) issues.push({ path: `apps.${i}.id`, message: `duplicate app id ${JSON.stringify(app.id)}` })
      if (this.#byKey.has(app.key)) issues.push({ path: `apps.${i}.key`, message: 'duplicate app key (value hidden)' })
      this.#byId.set(app.id, app)
      this.#byKey.set(app.key, app)
    })
    if (issues.length > 0) throw new InvalidConfigError(issues)
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
