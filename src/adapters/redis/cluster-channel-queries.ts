import type { ChannelInfo } from '../../domain/realtime/realtime-hub-port.js'
import { isPresence, type ClusterSession } from './cluster-session.js'

/** The HTTP API's channel list, cluster-wide: occupied channels `accept`ed, with user counts on presence channels. */
export async function clusterChannels(s: ClusterSession, appId: string, accept: (channel: string) => boolean): Promise<Map<string, ChannelInfo>> {
  const totals = await s.occupancy.totals(appId, accept)
  const presenceNames = [...totals.keys()].filter(isPresence)
  const userCounts = await s.presence.userCounts(appId, presenceNames)
  const result = new Map<string, ChannelInfo>()
  for (const [name, count] of totals) result.set(name, { occupied: count > 0, subscriptionCount: count })
  presenceNames.forEach((name, i) => result.set(name, { occupied: true, subscriptionCount: totals.get(name) ?? 0, userCount: userCounts[i] ?? 0 }))
  return result
}

/** One channel's info, cluster-wide. */
export async function clusterChannel(s: ClusterSession, appId: string, channel: string): Promise<ChannelInfo> {
  const count = (await s.occupancy.totals(appId, (c) => c === channel)).get(channel) ?? 0
  const base = { occupied: count > 0, subscriptionCount: count }
  if (!isPresence(channel)) return base
  const [users] = await s.presence.userCounts(appId, [channel])
  return { ...base, userCount: users ?? 0 }
}
