import type { FastifyPluginAsync } from 'fastify'
import type { AppLookup } from '../../../domain/realtime/herald-app.js'
import type { RealtimeHubPort } from '../../../domain/realtime/realtime-hub-port.js'

/** Options of {@link pusherApiRoutes}. (Stub: implementation in progress.) */
export interface PusherApiOptions {
  readonly apps: AppLookup
  readonly hub: RealtimeHubPort
  /** @default 600 */
  readonly timestampWindowSeconds?: number
}

/** The Pusher HTTP API (`/apps/:appId/...`). Stub. */
export const pusherApiRoutes: FastifyPluginAsync<PusherApiOptions> = async () => {}
