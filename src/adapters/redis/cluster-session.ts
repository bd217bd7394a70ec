import type { LifecycleObserver } from '../../domain/lifecycle/lifecycle-event.js'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import { ClusterLifecycle } from './cluster-lifecycle.js'
import { ClusterConnectionCounts } from './cluster-connection-counts.js'
import type { ClusterKeys } from './cluster-keys.js'
import { ClusterOccupancy } from './cluster-occupancy.js'
import { ClusterPresenceStore, type PresenceAnnouncer } from './cluster-presence-store.js'
import { ClusterSubscriptionBus, type BusHandlers } from './cluster-subscription-bus.js'
import { createRedisClient, type RedisClient } from './redis-connection.js'
import type { RedisOptions } from './redis-options.js'

/** What a started cluster hub holds in Redis: its two connections and the shared state kept there. */
export interface ClusterSession {
  /** Commands (publish, presence, counts); fails fast while Redis is unreachable. */
  readonly store: RedisClient
  /** The pattern subscription that brings every server's events here (not yet started). */
  readonly bus: ClusterSubscriptionBus
  readonly presence: ClusterPresenceStore
  readonly occupancy: ClusterOccupancy
  /** Connections per app on the other servers, for `maxConnections`. */
  readonly connections: ClusterConnectionCounts
  /** Lifecycle events reported once for the cluster; undefined without an observer. */
  readonly lifecycle: ClusterLifecycle | undefined
  /** Rate-limit hits per key on the other servers in their last full second. */
  readonly rates: ClusterConnectionCounts
}

/** Inputs of {@link openClusterSession}. */
export interface ClusterSessionOptions {
  readonly redis: RedisOptions
  readonly keys: ClusterKeys
  readonly serverId: string
  readonly serverTtlMs: number
  readonly logger: LoggerPort
  readonly bus: BusHandlers
  /** Presence announcements through Redis, to every server. */
  readonly announce: PresenceAnnouncer
  /** Presence announcements to this server's connections only (while Redis is unreachable). */
  readonly announceLocally: PresenceAnnouncer
  /** Where settled lifecycle events go (webhooks, hooks). @default none */
  readonly lifecycle?: LifecycleObserver | undefined
}

/** Creates the store connection and the shared-state helpers over it; the bus is created but not started. */
export async function openClusterSession(o: ClusterSessionOptions): Promise<ClusterSession> {
  const store = await createRedisClient(o.redis, { name: 'store', offlineQueue: false }, o.logger)
  const lifecycle = o.lifecycle === undefined ? undefined : new ClusterLifecycle({ client: store, keys: o.keys, serverId: o.serverId, observer: o.lifecycle, logger: o.logger })
  return {
    store,
    bus: new ClusterSubscriptionBus(o.redis, o.keys.control, o.bus, o.logger),
    presence: new ClusterPresenceStore({
      client: store,
      keys: o.keys,
      serverId: o.serverId,
      logger: o.logger,
      announce: o.announce,
      announceLocally: o.announceLocally,
      lifecycle,
    }),
    occupancy: new ClusterOccupancy(store, o.keys, o.serverId, lifecycle),
    connections: new ClusterConnectionCounts(store, o.keys, o.serverId, o.serverTtlMs),
    lifecycle,
    rates: new ClusterConnectionCounts(store, o.keys, o.serverId, o.serverTtlMs, (id) => o.keys.rates(id)),
  }
}

export const MEMBER_ADDED = 'pusher_internal:member_added'
export const MEMBER_REMOVED = 'pusher_internal:member_removed'

/** The key of one app's channel in this side's maps. */
export function rosterKey(appId: string, channel: string): string {
  return `${appId}\u0000${channel}`
}

export function isPresence(channel: string): boolean {
  return channel.startsWith('presence-')
}
