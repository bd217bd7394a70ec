import type { AuthorizationDenial, AuthorizationResult, UserAuthenticationResult } from '../auth/authorization-result.js'

/** The channel rules a driver's auth answer reuses (the domain's `ChannelAuthorizer` fits). */
export interface ChannelRules {
  authorize(user: unknown, channelName: string, socketId: string): Promise<AuthorizationResult>
  authenticateUser(user: unknown, socketId: string, userInfo?: unknown): Promise<UserAuthenticationResult>
}

/**
 * How an answer finds the request's user: with `required`, nobody is a 401 (thrown by the host);
 * without it, nobody is `null` (a guest).
 */
export type RequestUser = (required: boolean) => Promise<unknown>

/** A driver's answer: the JSON body to send, or the rules' denial (401 / 403). */
export interface DriverAuthAnswer {
  /** The channel the request was about, for the log; `null` when it asked for a connection token. */
  readonly channel: string | null
  readonly result: { readonly allowed: true; readonly body: unknown } | AuthorizationDenial
}

/**
 * `/broadcasting/auth` for a driver whose client library asks for something other than Pusher's
 * signature (Ably's tokens for `@ably/laravel-echo`). Laravel keeps this in the broadcaster
 * (`auth` / `validAuthenticationResponse`); Herald keeps it in the driver's adapter, and the host's
 * route only asks the default connection's answer whether a request is its own.
 */
export interface DriverAuthPort {
  /** The driver's name, for the log. */
  readonly driver: string
  /** True when `body` is this driver's client's request (not pusher-js's, which always has `socket_id`). */
  handles(body: unknown): boolean
  /**
   * Decides the request with the same channel rules pusher-js clients get.
   * @throws InvalidRequestError naming a malformed field (answered 400).
   */
  answer(body: Record<string, unknown>, rules: ChannelRules, user: RequestUser): Promise<DriverAuthAnswer>
}
