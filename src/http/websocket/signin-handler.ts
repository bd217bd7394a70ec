import { verifyUserAuth } from '../../domain/auth/pusher-signature.js'
import type { LocalRealtimeHub } from '../../domain/realtime/local-realtime-hub.js'
import { PusherCloseCode } from './close-codes.js'
import type { ConnectionState } from './connection-state.js'
import { errorFrame, protocolFrame, tryParseSigninData, type ClientFrame } from './frames.js'
import { handleUnsubscribe, SERVER_TO_USER_PREFIX } from './subscription-handler.js'

function userOf(userData: string): { id: string; info: unknown } | undefined {
  try {
    const user = JSON.parse(userData) as { id?: unknown; user_info?: unknown } | null
    const id = user?.id
    return typeof id === 'string' && id.length > 0 ? { id, info: user?.user_info } : undefined
  } catch {
    // Malformed user_data is an invalid signin, reported by the caller.
    return undefined
  }
}

/**
 * `pusher:signin`: verifies `auth` over the exact `user_data` string (constant time) and answers
 * `pusher:signin_success`. A bad signin is `pusher:error` 4009 and a close, as Soketi does.
 */
export function handleSignin(hub: LocalRealtimeHub, state: ConnectionState, frame: ClientFrame): void {
  const data = tryParseSigninData(frame.data)
  const user = data === undefined ? undefined : userOf(data.user_data)
  if (data === undefined || user === undefined || !verifyUserAuth(state.app, state.subscriber.socketId, data.user_data, data.auth)) {
    state.subscriber.send(errorFrame(PusherCloseCode.ConnectionIsUnauthorized, 'Invalid signin: bad signature or user_data without a string id'))
    state.subscriber.close(PusherCloseCode.ConnectionIsUnauthorized, 'Invalid signin')
    return
  }
  if (state.userId !== null) {
    hub.signOut(state.app.id, state.userId, state.subscriber)
    // Signed in as someone else now: it must stop receiving the previous user's server-to-user events.
    if (state.userId !== user.id) handleUnsubscribe(hub, state, SERVER_TO_USER_PREFIX + state.userId)
  }
  state.userId = user.id
  state.userInfo = user.info
  hub.signIn(state.app.id, user.id, state.subscriber)
  state.subscriber.send(protocolFrame('pusher:signin_success', { user_data: data.user_data }))
}
