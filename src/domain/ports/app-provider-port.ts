import type { HeraldApp } from '../realtime/herald-app.js'

/**
 * Where a Herald server finds the apps it serves: by key (the WebSocket URL `/app/:key`) and by id
 * (the HTTP API `/apps/:appId`). A static list answers at once; a database answers with a promise.
 * Unknown apps are `undefined` (refused with 4001 or 404). A provider never rejects: when its source
 * is unreachable it answers from what it has cached, or `undefined`.
 */
export interface AppProvider {
  byKey(key: string): HeraldApp | undefined | Promise<HeraldApp | undefined>
  byId(id: string): HeraldApp | undefined | Promise<HeraldApp | undefined>
  /** Every app, when the provider can list them (a static list can; a database table is not listed). */
  all?(): readonly HeraldApp[]
  /** Releases what the provider holds (database connections). */
  close?(): Promise<void>
}
