import { verifyChannelAuth } from '../../domain/auth/pusher-signature.js'
import { channelKindOf, isValidChannelName } from '../../domain/channels/channel-name.js'
import { isCacheChannel } from '../../domain/realtime/channel-event-cache.js'
import { serialiseEventFrame } from '../../domain/realtime/event-frame.js'
import type { LocalRealtimeHub } from '../../domain/realtime/local-realtime-hub.js'
import type { HeraldApp } from '../../domain/realtime/herald-app.js'
import type { PresenceMember } from '../../domain/realtime/presence-member.js'
import type { ConnectionState } from './connection-state.js'
import { protocolFrame, type SubscribeData } from './frames.js'

/** Channels of `pusher.user` events; only a connection signed in as that user may subscribe. */
export const SERVER_TO_USER_PREFIX = '#server-to-user-'
const EMPTY_DATA = '{}'
/** Pusher's limit on a presence `user_id`. */
export const MAX_PRESENCE_USER_ID_LENGTH = 128
/**
 * Statuses of refused presence subscriptions, as Soketi (the peer that enforces these limits) sends
 * them: 4100 "over capacity" for a full channel, 4301 for member data over its limits.
 */
const PresenceLimitStatus = { ChannelFull: 4100, MemberTooLarge: 4301 } as const

/** A subscription refused: sent as `pusher:subscription_error`, the socket stays open. */
interface Refusal {
  readonly status: number
  readonly type: string
  readonly error: string
}

type Authorised = { readonly ok: true; readonly member?: PresenceMember } | { readonly ok: false; readonly refusal: Refusal }

function authError(error: string): Authorised {
  return { ok: false, refusal: { type: 'AuthError', error, status: 401 } }
}

function parseMember(channelData: string | undefined): PresenceMember | undefined {
  if (channelData === undefined) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(channelData)
  } catch {
    // Malformed channel_data is a refused subscription, reported by the caller.
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const { user_id: id, user_info: userInfo } = parsed as { user_id?: unknown; user_info?: unknown }
  if ((typeof id !== 'string' || id.length === 0) && typeof id !== 'number') return undefined
  return { userId: String(id), userInfo }
}

function limitReached(error: string, status: number): Authorised {
  return { ok: false, refusal: { type: 'LimitReached', error, status } }
}

/** Pusher's presence limits (§1.6): user id length, `user_info` size, members per channel (Socket.IO's endpoint too). */
export function checkPresenceLimits(hub: LocalRealtimeHub, app: HeraldApp, channel: string, member: PresenceMember): Authorised {
  if (member.userId.length > MAX_PRESENCE_USER_ID_LENGTH) {
    return limitReached(`Presence user_id is ${member.userId.length} characters; at most ${MAX_PRESENCE_USER_ID_LENGTH} are allowed`, PresenceLimitStatus.MemberTooLarge)
  }
  const infoBytes = member.userInfo === undefined ? 0 : Buffer.byteLength(JSON.stringify(member.userInfo) ?? '')
  if (infoBytes > app.maxPresenceMemberSize) {
    return limitReached(`Presence user_info is ${infoBytes} bytes; at most ${app.maxPresenceMemberSize} are allowed`, PresenceLimitStatus.MemberTooLarge)
  }
  if (!hub.hasPresenceRoom(app.id, channel, member.userId, app.maxPresenceMembers)) {
    return limitReached(`Presence channel ${channel} is full: at most ${app.maxPresenceMembers} members`, PresenceLimitStatus.ChannelFull)
  }
  return { ok: true, member }
}

/** Checks the subscription's signature (constant time) and, for presence, its member. */
function authorise(state: ConnectionState, data: SubscribeData): Authorised {
  const channel = data.channel
  if (channel.startsWith(SERVER_TO_USER_PREFIX)) {
    return state.userId !== null && channel === SERVER_TO_USER_PREFIX + state.userId
      ? { ok: true }
      : authError(`Only a connection signed in as '${channel.slice(SERVER_TO_USER_PREFIX.length)}' may subscribe to ${channel}`)
  }
  const kind = channelKindOf(channel)
  if (kind === 'public') return { ok: true }
  const auth = data.auth ?? ''
  if (auth === '') return authError(`Subscribing to ${channel} requires an auth signature`)
  const socketId = state.subscriber.socketId
  if (kind !== 'presence') {
    return verifyChannelAuth(state.app, socketId, channel, auth) ? { ok: true } : authError(`Invalid signature for ${channel}`)
  }
  // pusher-js 8: a signed-in connection may join presence without channel_data; it joins as its signed-in user.
  if (data.channel_data === undefined && state.userId !== null) {
    return verifyChannelAuth(state.app, socketId, channel, auth)
      ? { ok: true, member: { userId: state.userId, userInfo: state.userInfo } }
      : authError(`Invalid signature for ${channel}`)
  }
  if (!verifyChannelAuth(state.app, socketId, channel, auth, data.channel_data)) return authError(`Invalid signature for ${channel}`)
  const member = parseMember(data.channel_data)
  if (member === undefined) return authError(`channel_data for ${channel} must be JSON with a user_id`)
  return { ok: true, member }
}

/**
 * `pusher:subscribe`: validate, authorise, add to the hub, answer `subscription_succeeded`
 * (with the roster on presence channels) and replay a cache channel's last event.
 */
export function handleSubscribe(hub: LocalRealtimeHub, state: ConnectionState, data: SubscribeData): void {
  const channel = data.channel
  const send = (frame: string): void => state.subscriber.send(frame)
  if (!channel.startsWith(SERVER_TO_USER_PREFIX) && !isValidChannelName(channel)) {
    send(protocolFrame('pusher:subscription_error', { type: 'InvalidChannel', error: `Invalid channel name ${JSON.stringify(channel)}`, status: 400 }, channel))
    return
  }
  const existing = state.channels.get(channel)
  const authorised: Authorised = existing === undefined ? authorise(state, data) : { ok: true }
  const result = authorised.ok && authorised.member !== undefined ? checkPresenceLimits(hub, state.app, channel, authorised.member) : authorised
  if (!result.ok) {
    send(protocolFrame('pusher:subscription_error', result.refusal, channel))
    return
  }
  // A repeated subscribe (pusher-js after a reconnect race) is idempotent: no second member_added.
  const member = existing === undefined ? result.member : existing === null ? undefined : { userId: existing, userInfo: undefined }
  const outcome = hub.subscribe(state.app.id, channel, state.subscriber, member)
  if (existing === undefined) state.channels.set(channel, member?.userId ?? null)
  const succeed = (roster: string | undefined): void => {
    send(serialiseEventFrame('pusher_internal:subscription_succeeded', channel, roster ?? EMPTY_DATA))
    if (isCacheChannel(channel)) {
      send(hub.cachedFrame(state.app.id, channel) ?? serialiseEventFrame('pusher:cache_miss', channel, EMPTY_DATA))
    }
  }
  // In a cluster the roster comes from shared state (it settles, never rejects); otherwise it is local.
  if (outcome.clusterRoster === undefined) succeed(outcome.roster)
  else void outcome.clusterRoster.then(succeed, () => succeed(outcome.roster))
}

/** `pusher:unsubscribe`: no reply; unknown channels are ignored. */
export function handleUnsubscribe(hub: LocalRealtimeHub, state: ConnectionState, channel: string): void {
  const userId = state.channels.get(channel)
  if (userId === undefined) return
  state.channels.delete(channel)
  hub.unsubscribe(state.app.id, channel, state.subscriber, userId ?? undefined)
}
