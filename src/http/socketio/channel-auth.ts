import type { FastifyInstance } from 'fastify'
import { verifyChannelAuth } from '../../domain/auth/pusher-signature.js'
import type { PresenceMember } from '../../domain/realtime/presence-member.js'
import type { HeraldApp } from '../../domain/realtime/herald-app.js'

/** One private or presence subscription to authorize, with the headers of the client that asks. */
export interface ChannelAuthRequest {
  readonly socketId: string
  readonly channel: string
  readonly headers: Readonly<Record<string, string>>
}

/** The auth endpoint's answer as it came. */
export interface ChannelAuthAnswer {
  readonly status: number
  readonly body: string
}

/** Asks the application's auth endpoint (in-process or over HTTP) about one subscription. */
export type AskAuthEndpoint = (request: ChannelAuthRequest) => Promise<ChannelAuthAnswer>

/** A refused subscription, sent to the client as `subscription_error` (Pusher's fields). */
export interface Refusal {
  readonly type: string
  readonly error: string
  readonly status: number
}

export type AuthOutcome = { readonly ok: true; readonly member?: PresenceMember } | { readonly ok: false; readonly refusal: Refusal }

const BAD_GATEWAY = 502
const MAX_ECHOED_ERROR = 200

function form(request: ChannelAuthRequest): string {
  return new URLSearchParams({ socket_id: request.socketId, channel_name: request.channel }).toString()
}

function requestHeaders(request: ChannelAuthRequest): Record<string, string> {
  // Laravel's auth route answers JSON to XHRs; the client's own headers (Echo's auth.headers, the cookie) decide who it is.
  return { accept: 'application/json', 'x-requested-with': 'XMLHttpRequest', ...request.headers, 'content-type': 'application/x-www-form-urlencoded' }
}

/**
 * The plugin's own `POST <authPrefix>/auth`, run in-process with `inject`: the host's hooks, its `authenticate`
 * and the `ChannelAuthorizer` decide exactly as for pusher-js's request.
 */
export function injectAuthEndpoint(fastify: FastifyInstance, path: string): AskAuthEndpoint {
  return async (request) => {
    const response = await fastify.inject({ method: 'POST', url: path, headers: requestHeaders(request), payload: form(request) })
    return { status: response.statusCode, body: response.body }
  }
}

/** An application's auth endpoint over HTTP (laravel-echo-server's `authHost`), given up after `timeoutMs`. */
export function fetchAuthEndpoint(url: string, timeoutMs: number): AskAuthEndpoint {
  return async (request) => {
    const response = await fetch(url, { method: 'POST', headers: requestHeaders(request), body: form(request), signal: AbortSignal.timeout(timeoutMs) })
    return { status: response.status, body: await response.text() }
  }
}

function refused(status: number, error: string): AuthOutcome {
  return { ok: false, refusal: { type: 'AuthError', error, status } }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    // Not JSON: reported by the caller as a bad answer.
    return undefined
  }
}

function memberOf(channelData: unknown): PresenceMember | undefined {
  const parsed = typeof channelData === 'string' ? parseJson(channelData) : channelData
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const { user_id: id, user_info: userInfo } = parsed as { user_id?: unknown; user_info?: unknown }
  if ((typeof id !== 'string' || id === '') && typeof id !== 'number') return undefined
  return { userId: String(id), userInfo }
}

function errorText(body: unknown, status: number): string {
  const message = typeof body === 'object' && body !== null ? (body as { error?: unknown; message?: unknown }).error ?? (body as { message?: unknown }).message : undefined
  const reason = typeof message === 'string' && message !== '' ? `: ${message.slice(0, MAX_ECHOED_ERROR)}` : ''
  return `The auth endpoint refused the subscription (HTTP ${status})${reason}`
}

/**
 * Reads the auth endpoint's answer. Positive answers are a 2xx with either Pusher's `{auth, channel_data?}` (Herald's
 * own route, Laravel's pusher/reverb broadcasters), whose signature must match this app's secret, or Laravel's redis
 * broadcaster's `true` / `{channel_data: {user_id, user_info}}` (what laravel-echo-server accepted). Presence
 * channels need a member. Anything else is a refusal naming why; a private channel is never joined without a yes.
 */
export function readAuthAnswer(app: HeraldApp, request: ChannelAuthRequest, answer: ChannelAuthAnswer): AuthOutcome {
  const body = parseJson(answer.body)
  if (answer.status < 200 || answer.status > 299) return refused(answer.status, errorText(body, answer.status))
  if (body === undefined || body === null || body === false) return refused(BAD_GATEWAY, `The auth endpoint answered ${answer.status} without a positive JSON answer`)
  const { auth, channel_data: channelData } = typeof body === 'object' ? (body as { auth?: unknown; channel_data?: unknown }) : {}
  if (auth !== undefined) {
    const data = typeof channelData === 'string' ? channelData : undefined
    if (typeof auth !== 'string' || !verifyChannelAuth(app, request.socketId, request.channel, auth, data)) {
      return refused(BAD_GATEWAY, `The auth endpoint's signature for ${request.channel} does not match this app's key and secret`)
    }
  }
  if (!request.channel.startsWith('presence-')) return { ok: true }
  const member = memberOf(channelData)
  return member === undefined ? refused(BAD_GATEWAY, `The auth endpoint's answer for ${request.channel} has no channel_data with a user_id`) : { ok: true, member }
}
