import type { LifecycleApps } from '../domain/lifecycle/lifecycle-apps.js'
import type { AppProvider } from '../domain/ports/app-provider-port.js'
import type { HeraldApp } from '../domain/realtime/herald-app.js'

/**
 * The server's {@link AppProvider} for a provider that answers asynchronously: every app it finds (a connection's,
 * an HTTP API request's, a Socket.IO client's) is handed to the lifecycle's {@link LifecycleApps} too, so that
 * app's lifecycle events (webhooks, subscription counts) find it in memory and never wait for a lookup.
 */
export function rememberingAppProvider(provider: AppProvider, known: LifecycleApps): AppProvider {
  const remember = (app: HeraldApp | undefined): HeraldApp | undefined => {
    if (app !== undefined) known.remember(app)
    return app
  }
  const found = (answer: HeraldApp | undefined | Promise<HeraldApp | undefined>): HeraldApp | undefined | Promise<HeraldApp | undefined> =>
    answer instanceof Promise ? answer.then(remember) : remember(answer)
  return {
    byKey: (key) => found(provider.byKey(key)),
    byId: (id) => found(provider.byId(id)),
    ...(provider.close === undefined ? {} : { close: () => provider.close!() }),
  }
}
