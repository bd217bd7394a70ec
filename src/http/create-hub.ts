import type { LoggerPort } from '../domain/ports/logger-port.js'
import { LocalRealtimeHub } from '../domain/realtime/local-realtime-hub.js'
import type { RealtimeHubPort } from '../domain/realtime/realtime-hub-port.js'
import { PusherCloseCode } from './websocket/close-codes.js'

/** Inputs of {@link createRealtimeHub}. */
export interface CreateHubOptions {
  readonly maxBufferedBytes: number
  readonly logger: LoggerPort
  /** The resolved config; a cluster-aware version reads the default connection's driver from it. */
  readonly config?: unknown
}

/** The hub the plugin serves: `local` holds this process's sockets, `hub` is what publishers use. */
export interface CreatedHub {
  /** This process's connections; the WebSocket handler subscribes here. */
  readonly local: LocalRealtimeHub
  /** Publishing and queries: the local hub itself, or (redis driver) a cluster hub wrapping it. */
  readonly hub: RealtimeHubPort
  /** Releases what the hub holds (cluster connections). */
  close(): Promise<void>
}

/**
 * Builds the realtime hub for the plugin. Single seam for clustering: when the default connection's
 * driver is redis, this is where a cluster hub wrapping `local` is returned instead.
 */
export async function createRealtimeHub(options: CreateHubOptions): Promise<CreatedHub> {
  const local = new LocalRealtimeHub({
    maxBufferedBytes: options.maxBufferedBytes,
    slowConsumerCloseCode: PusherCloseCode.OverCapacity,
    terminatedCloseCode: PusherCloseCode.ConnectionIsUnauthorized,
  })
  return { local, hub: local, close: async () => {} }
}
