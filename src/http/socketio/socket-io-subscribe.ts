import { channelKindOf, isValidChannelName } from '../../domain/channels/channel-name.js'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import { isCacheChannel } from '../../domain/realtime/channel-event-cache.js'
import type { LocalRealtimeHub } from '../../domain/realtime/local-realtime-hub.js'
import type { PresenceMember } from '../../domain/realtime/presence-member.js'
import { TIMED_OUT, withinDeadline } from '../../domain/within-deadline.js'
import { checkPresenceLimits } from '../websocket/subscription-handler.js'
import { authHeaders } from './auth-headers.js'
import { readAuthAnswer, type AskAuthEndpoint, type AuthOutcome, type ChannelAuthRequest, type Refusal } from './channel-auth.js'
import type { PresenceDirectory } from './presence-directory.js'
import { SocketIoNotice, type SocketIoConnection } from './socket-io-connection.js'
import type { SocketIoFrameTranslator } from './socket-io-packets.js'

/** What subscribing needs from the handler. */
export interface SubscribeContext {
  readonly hub: LocalRealtimeHub
  readonly logger: LoggerPort
  readonly askAuth: AskAuthEndpoint
  readonly authTimeoutMs: number
  readonly directory: PresenceDirectory
  readonly translator: SocketIoFrameTranslator
  /** Whether the connection is still open (an auth answer may come after it closed). */
  readonly isLive: (state: SocketIoConnection) => boolean
}

const GATEWAY_TIMEOUT = 504
const BAD_GATEWAY = 502
const TOO_MANY_REQUESTS = 429
/** Auth requests one socket may have in flight: each costs the application a request, so a client cannot flood it. */
export const MAX_AUTHORIZING_PER_SOCKET = 16

/** socket.io-client's acknowledgement callback, when the client asked for one (`emitWithAck('subscribe', …)`). */
export type SubscribeAck = ((answer: { readonly ok: boolean } & Partial<Refusal>) => void) | undefined

function refuse(state: SocketIoConnection, channel: string | null, refusal: Refusal, ack: SubscribeAck): void {
  state.socket.emit(SocketIoNotice.SubscriptionError, channel, refusal)
  ack?.({ ok: false, ...refusal })
}

function channelOf(data: unknown): string | undefined {
  const channel = typeof data === 'object' && data !== null ? (data as { channel?: unknown }).channel : undefined
  return typeof channel === 'string' ? channel : undefined
}

/**
 * Echo's `subscribe` `{channel, auth}`: public channels join at once; private and presence channels only after the
 * application's auth endpoint said yes for this socket (and presence limits hold). Refusals are `subscription_error`.
 * A client that asks for an acknowledgement (Echo does not) gets `{ok: true}` once subscribed, or the refusal.
 */
export function handleSocketIoSubscribe(context: SubscribeContext, state: SocketIoConnection, data: unknown, ack: SubscribeAck): void {
  const channel = channelOf(data)
  if (channel === undefined) return refuse(state, null, { type: 'InvalidChannel', error: 'subscribe needs {channel: string, auth?: {headers}}', status: 400 }, ack)
  if (!isValidChannelName(channel)) return refuse(state, channel, { type: 'InvalidChannel', error: `Invalid channel name ${JSON.stringify(channel)}`, status: 400 }, ack)
  // A repeated subscribe (Echo re-subscribes on reconnect) is idempotent.
  if (state.channels.has(channel) || state.authorizing.has(channel)) return ack?.({ ok: state.channels.has(channel) })
  const kind = channelKindOf(channel)
  if (kind === 'public') return join(context, state, channel, undefined, ack)
  if (kind === 'encrypted') {
    return refuse(state, channel, { type: 'InvalidChannel', error: 'private-encrypted- channels need pusher-js (end-to-end encryption); Socket.IO clients cannot subscribe', status: 400 }, ack)
  }
  if (state.authorizing.size >= MAX_AUTHORIZING_PER_SOCKET) {
    return refuse(state, channel, { type: 'LimitReached', error: `At most ${MAX_AUTHORIZING_PER_SOCKET} subscriptions may wait for authorization at once`, status: TOO_MANY_REQUESTS }, ack)
  }
  state.authorizing.add(channel)
  const request: ChannelAuthRequest = { socketId: state.subscriber.socketId, channel, headers: authHeaders((data as { auth?: unknown }).auth, state.socket.handshake) }
  void authorize(context, state.app, request).then((outcome) => {
    // Unsubscribed or disconnected while the auth endpoint thought: the answer is dropped.
    if (!state.authorizing.delete(channel) || !context.isLive(state)) return
    const checked = outcome.ok && outcome.member !== undefined ? checkPresenceLimits(context.hub, state.app, channel, outcome.member) : outcome
    if (checked.ok) return join(context, state, channel, checked.member, ack)
    context.logger.info({ channel, socketId: request.socketId, status: checked.refusal.status }, `socket.io subscription refused: ${checked.refusal.error}`)
    refuse(state, channel, checked.refusal, ack)
  })
}

async function authorize(context: SubscribeContext, app: SocketIoConnection['app'], request: ChannelAuthRequest): Promise<AuthOutcome> {
  try {
    const answer = await withinDeadline(context.askAuth(request), context.authTimeoutMs)
    if (answer === TIMED_OUT) return { ok: false, refusal: { type: 'AuthError', error: `The auth endpoint did not answer within ${context.authTimeoutMs} ms`, status: GATEWAY_TIMEOUT } }
    return readAuthAnswer(app, request, answer)
  } catch (err) {
    context.logger.warn({ err, channel: request.channel }, 'socket.io channel authorization failed')
    const timedOut = err instanceof Error && err.name === 'TimeoutError'
    return { ok: false, refusal: { type: 'AuthError', error: timedOut ? `The auth endpoint did not answer within ${context.authTimeoutMs} ms` : 'The auth endpoint could not be reached', status: timedOut ? GATEWAY_TIMEOUT : BAD_GATEWAY } }
  }
}

function join(context: SubscribeContext, state: SocketIoConnection, channel: string, member: PresenceMember | undefined, ack: SubscribeAck): void {
  const appId = state.app.id
  state.channels.set(channel, member?.userId ?? null)
  if (member !== undefined) context.directory.open(appId, channel)
  const outcome = context.hub.subscribe(appId, channel, state.subscriber, member)
  if (member !== undefined) {
    const subscribed = (roster: string | undefined): void => {
      if (!state.channels.has(channel) || roster === undefined) return
      state.subscriber.write(context.translator.subscribedPacket(appId, channel, roster))
      ack?.({ ok: true })
    }
    // In a cluster the roster comes from shared state (it settles, never rejects); otherwise it is local.
    if (outcome.clusterRoster === undefined) subscribed(outcome.roster)
    else void outcome.clusterRoster.then(subscribed, () => subscribed(outcome.roster))
  } else {
    ack?.({ ok: true })
  }
  if (isCacheChannel(channel)) {
    const cached = context.hub.cachedFrame(appId, channel)
    if (cached !== undefined) state.subscriber.send(cached)
  }
}

/** Echo's `unsubscribe` `{channel}`: leaves the channel (or drops an auth request in flight); unknown channels are ignored. */
export function handleSocketIoUnsubscribe(context: SubscribeContext, state: SocketIoConnection, data: unknown): void {
  const channel = channelOf(data)
  if (channel === undefined) return
  state.authorizing.delete(channel)
  const userId = state.channels.get(channel)
  if (userId === undefined) return
  state.channels.delete(channel)
  context.hub.unsubscribe(state.app.id, channel, state.subscriber, userId ?? undefined)
  if (userId !== null) context.directory.close(state.app.id, channel)
}
