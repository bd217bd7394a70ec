import type { AuthorizationDenial, AuthorizationResult, UserAuthenticationResult } from '../../domain/auth/authorization-result.js'
import { fromAblyChannelName, isGuardedAblyChannel } from './ably-channel-names.js'
import { createAblyAuthResponse, type AblyAuthResponse, type AblyTokenOptions } from './ably-token-authorizer.js'

/** What this needs from Herald's `ChannelAuthorizer` (the domain class fits). */
export interface AblyChannelRules {
  authorize(user: unknown, channelName: string, socketId: string): Promise<AuthorizationResult>
  authenticateUser(user: unknown, socketId: string, userInfo?: unknown): Promise<UserAuthenticationResult>
}

/** The fields `@ably/laravel-echo` posts to `/broadcasting/auth`, and the request's user. */
export interface AblyChannelAuthorizationInput {
  /** The authenticated user, or `null` for a guest. */
  readonly user: unknown
  /** `channel_name`: `private:x` / `presence:x` / `public:x`, or `null` for the connection token. */
  readonly channelName?: string | null | undefined
  /** `token`: the JWT the client holds. */
  readonly token?: string | null | undefined
  /** The current time in ms; for tests. */
  readonly nowMs?: number | undefined
}

/** `{ allowed: true, body }` to send as the JSON answer, or the authorizer's denial (403 / 401). */
export type AblyChannelAuthorizationResult = { allowed: true; body: AblyAuthResponse } | AuthorizationDenial

/**
 * The whole `/broadcasting/auth` decision for `@ably/laravel-echo`, using the same channel rules as
 * pusher-js clients (`channel('orders.{id}', …)`), the way ably/laravel-broadcaster reuses Laravel's:
 *
 * - a private/presence channel is mapped back to its wire name (`private:x` → `private-x`) and decided
 *   by the rules; a denial is returned as is;
 * - the user id (`x-ably-clientId`) comes from the authorizer's `userId` resolver, so it matches what
 *   pusher-js clients get;
 * - presence member info is returned as `info`; a `capability` array in it (Laravel's `ably-capability`
 *   idea: `{ id, name, capability: ['subscribe', 'presence'] }`) limits the grant and is removed from `info`;
 * - no channel, or a public one, yields the connection token (public channels only).
 *
 * Ably sends no Pusher socket id, and the Pusher signature the rules compute is discarded: a fixed
 * placeholder socket id is used to run them.
 */
export async function authorizeAblyChannel(
  rules: AblyChannelRules,
  options: AblyTokenOptions,
  input: AblyChannelAuthorizationInput,
): Promise<AblyChannelAuthorizationResult> {
  const channelName = input.channelName ?? null
  const base = { token: input.token ?? null, nowMs: input.nowMs }
  if (channelName === null || channelName === '' || !isGuardedAblyChannel(channelName)) {
    return { allowed: true, body: createAblyAuthResponse(options, { ...base, channelName, userId: await userIdOf(rules, input.user) }) }
  }

  const result = await rules.authorize(input.user, fromAblyChannelName(channelName), PLACEHOLDER_SOCKET_ID)
  if (!result.allowed) return result

  const channelData = result.payload.channel_data
  if (channelData === undefined) {
    return { allowed: true, body: createAblyAuthResponse(options, { ...base, channelName, userId: await userIdOf(rules, input.user) }) }
  }
  // Presence: the member the rules built, `{ user_id, user_info? }`.
  const member = JSON.parse(channelData) as { user_id: string; user_info?: unknown }
  const { capability, info } = splitCapability(member.user_info)
  if (capability === 'invalid') {
    // Never fall back to the default ['*'] when the app meant to restrict the grant.
    return { allowed: false, reason: 'invalid-member', message: `the presence info for ${JSON.stringify(channelName)} has a 'capability' that is not an array of strings` }
  }
  return {
    allowed: true,
    body: createAblyAuthResponse(options, { ...base, channelName, userId: member.user_id, capability, userInfo: info }),
  }
}

/** Any `digits.digits` value does: the Pusher signature computed with it is thrown away. */
const PLACEHOLDER_SOCKET_ID = '0.0'

/** The user's id as the authorizer resolves it (via its sign-in path), or `null` for a guest or an unusable id. */
async function userIdOf(rules: AblyChannelRules, user: unknown): Promise<string | null> {
  if (user === null || user === undefined) return null
  const signin = await rules.authenticateUser(user, PLACEHOLDER_SOCKET_ID)
  if (!signin.allowed) return null
  return (JSON.parse(signin.payload.user_data) as { id: string }).id
}

function splitCapability(userInfo: unknown): { capability: string[] | undefined | 'invalid'; info: unknown } {
  if (typeof userInfo !== 'object' || userInfo === null || Array.isArray(userInfo) || !('capability' in userInfo)) {
    return { capability: undefined, info: userInfo }
  }
  const { capability, ...info } = userInfo
  const valid = Array.isArray(capability) && capability.every((c) => typeof c === 'string')
  return { capability: valid ? (capability) : 'invalid', info }
}
