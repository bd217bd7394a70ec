import type { AppProvider } from '../../domain/ports/app-provider-port.js'
import type { HeraldApp } from '../../domain/realtime/herald-app.js'

/** What the `cors` package takes per request: `origin` is `true` (reflect), a list, or `false` (no CORS headers). */
interface CorsAnswer {
  readonly origin: boolean | string[]
  readonly credentials: true
}
/** engine.io hands the delegate its HTTP request (the `cors` package's types name only its headers). */
type CorsDelegate = (req: { readonly headers: unknown; readonly url?: string | undefined }, callback: (err: Error | null, options?: CorsAnswer) => void) => void

function answerFor(app: HeraldApp | undefined): CorsAnswer {
  if (app === undefined) return { origin: false, credentials: true }
  return { origin: app.allowedOrigins.includes('*') ? true : [...app.allowedOrigins], credentials: true }
}

/**
 * The CORS policy of the polling transport (with credentials, so cookies flow). A provider that lists its apps
 * (the config's) gives one policy from all their `allowedOrigins`; one that does not (PostgreSQL) is asked per
 * request for the app the request's `appKey` names (the default app when none), so a row's origins apply to its
 * own clients. An unknown app gets no CORS headers; its connection is refused with 4001 at connect.
 */
export function socketIoCors(provider: AppProvider, defaultApp: HeraldApp): CorsAnswer | CorsDelegate {
  if (provider.all !== undefined) {
    const origins = provider.all().flatMap((a) => a.allowedOrigins)
    return { origin: origins.includes('*') ? true : origins, credentials: true }
  }
  return (req, callback) => {
    const key = new URL(req.url ?? '/', 'http://localhost').searchParams.getAll('appKey')
    if (key.length === 0) return callback(null, answerFor(defaultApp))
    if (key.length > 1 || key[0] === undefined) return callback(null, answerFor(undefined))
    const found = provider.byKey(key[0])
    if (!(found instanceof Promise)) return callback(null, answerFor(found))
    found.then((app) => callback(null, answerFor(app)), () => callback(null, answerFor(undefined)))
  }
}
