/** `herald/fastify`: the Fastify plugin and what hosts need around it. */
import './fastify-types.js'

export { herald as default, herald } from './plugin.js'
export type { HeraldPluginOptions, Authenticate } from './plugin-options.js'
export type { HeraldFacade } from './fastify-types.js'
export { PusherCloseCode } from './websocket/close-codes.js'
export { createRealtimeHub, type CreatedHub, type CreateHubOptions } from '../composition/create-realtime-hub.js'
export { StaticAppLookup } from '../domain/realtime/static-app-lookup.js'
export { startServer, type HeraldServer, type StartServerOptions } from './serve.js'
