import type { HeraldApp, AppLookup } from '../../src/domain/realtime/herald-app.js'
import type { ChannelInfo, PublishRequest, RealtimeHubPort } from '../../src/domain/realtime/realtime-hub-port.js'

/**
 * A `RealtimeHubPort` for HTTP tests: records every publish and termination, and answers channel
 * queries from state the test sets. `failWith` makes every call reject, to test 5xx handling.
 */
export class RecordingHub implements RealtimeHubPort {
  readonly published: PublishRequest[] = []
  readonly terminated: Array<{ appId: string; userId: string }> = []
  /** Channel state per app: `state.get(appId).get(channel)`. */
  readonly state = new Map<string, Map<string, ChannelInfo & { users?: string[] }>>()
  failWith: Error | null = null

  /** Sets what the hub reports for one channel; `users` makes it a presence roster. */
  setChannel(appId: string, channel: string, info: { subscriptionCount: number; users?: string[] }): void {
    let channels = this.state.get(appId)
    if (channels === undefined) this.state.set(appId, (channels = new Map()))
    const users = info.users
    channels.set(channel, {
      occupied: info.subscriptionCount > 0,
      subscriptionCount: info.subscriptionCount,
      ...(users !== undefined ? { userCount: new Set(users).size, users } : {}),
    })
  }

  async publish(request: PublishRequest): Promise<void> {
    this.check()
    this.published.push(request)
  }

  async channels(appId: string, prefix?: string): Promise<Map<string, ChannelInfo>> {
    this.check()
    const all = this.state.get(appId) ?? new Map<string, ChannelInfo>()
    return new Map([...all].filter(([name, info]) => info.occupied && (prefix === undefined || name.startsWith(prefix))))
  }

  async channel(appId: string, channel: string): Promise<ChannelInfo> {
    this.check()
    return this.state.get(appId)?.get(channel) ?? { occupied: false, subscriptionCount: 0 }
  }

  async presenceUsers(appId: string, channel: string): Promise<string[]> {
    this.check()
    return [...new Set(this.state.get(appId)?.get(channel)?.users ?? [])]
  }

  async terminateUser(appId: string, userId: string): Promise<void> {
    this.check()
    this.terminated.push({ appId, userId })
  }

  private check(): void {
    if (this.failWith !== null) throw this.failWith
  }
}

/** A HeraldApp with the documented defaults, overridable per test. */
export function testApp(overrides: Partial<HeraldApp> = {}): HeraldApp {
  return {
    id: 'app-id',
    key: 'app-key',
    secret: 'app-secret',
    clientEvents: true,
    maxConnections: null,
    maxMessageSize: 10_000,
    maxEventPayloadSize: 10_240,
    allowedOrigins: ['*'],
    activityTimeout: 30,
    encryptionMasterKey: null,
    maxPresenceMembers: 100,
    maxPresenceMemberSize: 1024,
    maxClientEventsPerSecond: 10,
    maxApiRequestsPerSecond: null,
    maxConnectionsPerIpPerSecond: null,
    ...overrides,
  }
}

/** An AppLookup over a fixed list of apps. */
export function staticApps(...apps: HeraldApp[]): AppLookup {
  return {
    byId: (id) => apps.find((app) => app.id === id),
    byKey: (key) => apps.find((app) => app.key === key),
  }
}
