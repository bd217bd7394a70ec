import type { HeraldConfig } from '../config/schema.js'
import type { LifecyclePipeline } from '../domain/lifecycle/lifecycle-pipeline.js'
import type { LoggerPort } from '../domain/ports/logger-port.js'
import { LocalCountWindows } from '../domain/lifecycle/subscription-count-throttle.js'
import { LocalRealtimeHub } from '../domain/realtime/local-realtime-hub.js'
import { PusherCloseCode } from '../domain/realtime/pusher-close-codes.js'
import type { RealtimeHubPort } from '../domain/realtime/realtime-hub-port.js'
import { ServerRateLimits } from '../domain/realtime/server-rate-limits.js'
import { clusterRedisOptions } from './cluster-redis-options.js'

/** Inputs of {@link createRealtimeHub}. */
export interface CreateHubOptions {
  readonly maxBufferedBytes: number
  readonly logger: LoggerPort
  /** The loaded config: a `redis` default connection makes this server a cluster member over that Redis. */
  readonly config: Pick<HeraldConfig, 'default' | 'connections'>
  /** App of messages from Redis that name none (the redis driver's, a Laravel app's). */
  readonly defaultAppId: string
  /** Where lifecycle events (webhooks, hooks) go. @default none */
  readonly lifecycle?: LifecyclePipeline
}

/** The hub the plugin serves: `local` holds this process's sockets, `hub` is what publishers use. */
export interface CreatedHub {
  /** This process's connections; the WebSocket handler subscribes here. */
  readonly local: LocalRealtimeHub
  /** Publishing and queries: the local hub itself, or (redis driver) a cluster hub wrapping it. */
  readonly hub: RealtimeHubPort
  /** The operator's per-app rate limits (API requests, connections per IP), cluster-wide in a cluster. */
  readonly rates: ServerRateLimits
  /** Releases what the hub holds (cluster connections). */
  close(): Promise<void>
  /** What `GET /up` reports besides `status`: the cluster's Redis state; undefined for a single process. */
  health(): { readonly connected: boolean; readonly subscribed: boolean } | undefined
  /** Claims a channel's subscription-count window (shared by the cluster's servers, or this process's own). */
  claimCountWindow(appId: string, channel: string, windowMs: number): Promise<true | number>
}

/**
 * Builds a server's realtime hub. The single seam for clustering: when the default connection's driver
 * is redis, a cluster hub wrapping `local` is returned instead.
 */
export async function createRealtimeHub(options: CreateHubOptions): Promise<CreatedHub> {
  const hubOptions = {
    maxBufferedBytes: options.maxBufferedBytes,
    slowConsumerCloseCode: PusherCloseCode.OverCapacity,
    terminatedCloseCode: PusherCloseCode.ConnectionIsUnauthorized,
  }
  const redis = clusterRedisOptions(options.config)
  if (redis === undefined) {
    const local = new LocalRealtimeHub({ ...hubOptions, observer: options.lifecycle?.observer })
    const windows = new LocalCountWindows()
    const claimCountWindow = async (appId: string, channel: string, ms: number): Promise<true | number> => windows.claim(appId, channel, ms)
    return { local, hub: local, rates: new ServerRateLimits(), close: async () => {}, health: () => undefined, claimCountWindow }
  }
  // Imported on demand so a single-process server never loads ioredis.
  const { RedisClusterHub } = await import('../adapters/redis/redis-cluster-hub.js')
  // The cluster hub owns this server's local hub (one-way: the local hub sees only a narrow port).
  // Rate limits: each server shares its last second's counts every heartbeat and adds the others' to its own.
  const rates = new ServerRateLimits({ elsewhere: (key) => cluster.ratesElsewhere(key) })
  const cluster = new RedisClusterHub({
    redis,
    defaultAppId: options.defaultAppId,
    logger: options.logger,
    local: { ...hubOptions, observer: options.lifecycle?.observer },
    rateCounts: () => rates.lastWindow(),
    lifecycle: options.lifecycle?.settled,
  })
  await cluster.start()
  return {
    local: cluster.local,
    hub: cluster,
    rates,
    close: () => cluster.close(),
    health: () => cluster.health(),
    claimCountWindow: (appId, channel, ms) => cluster.claimCountWindow(appId, channel, ms),
  }
}
