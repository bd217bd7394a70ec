import { channelKindOf, isValidChannelName, stripChannelPrefix } from '../channels/channel-name.js'
import { ChannelPattern, type ChannelParams } from '../channels/channel-pattern.js'
import { InvalidConfigError } from '../errors.js'
import { deny, type AuthorizationDenial, type AuthorizationResult, type PusherAuthPayload, type UserAuthenticationResult } from './authorization-result.js'
import { defaultUserId, describe, normalizeUserId, presenceMember, type UserIdResolver } from './presence-member.js'
import { encryptedChannelSharedSecret, signChannelAuth, signUserAuth, type AppCredentials } from './pusher-signature.js'
import { isValidSocketId } from './socket-id.js'
import { TIMED_OUT, withinDeadline } from '../within-deadline.js'

/** What a channel rule may return: `true`/`false` for private channels, member info for presence channels. */
export type ChannelRuleResult = boolean | object | null | undefined

/** A channel rule as a function: `(user, params) => boolean | memberInfo`, sync or async. */
export type ChannelCallback<User, P extends string = string> = (user: User, params: ChannelParams<P>) => ChannelRuleResult | PromiseLike<ChannelRuleResult>

/** A channel rule as an object (Laravel's channel classes): its `join` is the callback. */
export interface ChannelHandler<User, P extends string = string> {
  join(user: User, params: ChannelParams<P>): ChannelRuleResult | PromiseLike<ChannelRuleResult>
}

/** The app credentials the authorizer signs with, plus the optional encryption master key (base64, 32 bytes). */
export interface AuthorizerCredentials extends AppCredentials {
  readonly encryptionMasterKey?: string | null | undefined
}

/** Options of {@link ChannelAuthorizer}. Credentials may come later through `setCredentials`. */
export interface ChannelAuthorizerOptions<User> {
  /** The app key. @default undefined (authorize denies with 'credentials-missing' until set) */
  readonly key?: string
  /** The app secret. @default undefined */
  readonly secret?: string
  /** Base64 master key for `private-encrypted-` channels. @default undefined (those channels are denied) */
  readonly encryptionMasterKey?: string | null
  /** The user's id for presence members and sign-in. @default (user) => user.id */
  readonly userId?: UserIdResolver<User>
  /**
   * How long an async rule may take before the subscription is denied with `callback-timeout`, so a rule
   * stuck on a dead database answers the client instead of holding its auth request open. @default 10000
   */
  readonly ruleTimeoutMs?: number
}

const DEFAULT_RULE_TIMEOUT_MS = 10_000

interface Rule<User> {
  readonly pattern: ChannelPattern
  readonly decide: (user: User, params: Record<string, string>) => ChannelRuleResult | PromiseLike<ChannelRuleResult>
}

const MASTER_KEY_BYTES = 32

/**
 * Decides who may subscribe to private, presence and encrypted channels, and signs the answer as Pusher does.
 * Rules are tried in registration order; the first whose pattern matches decides.
 * `authorize` never throws: every refusal, including a rule that throws, is a denial value.
 *
 * @example
 * const channels = new ChannelAuthorizer<User>({ key, secret })
 *   .channel('orders.{orderId}', (user, { orderId }) => user.orderIds.includes(orderId))
 *   .channel('chat.{roomId}', (user) => ({ id: user.id, name: user.name }))   // presence: member info
 * const result = await channels.authorize(user, 'private-orders.42', '1234.5678')
 */
export class ChannelAuthorizer<User = unknown> {
  readonly #rules: Rule<User>[] = []
  readonly #userId: UserIdResolver<User>
  readonly #ruleTimeoutMs: number
  #credentials: AuthorizerCredentials | undefined

  constructor(options: ChannelAuthorizerOptions<User> = {}) {
    this.#userId = options.userId ?? defaultUserId
    const timeout = options.ruleTimeoutMs ?? DEFAULT_RULE_TIMEOUT_MS
    if (!Number.isInteger(timeout) || timeout <= 0) {
      throw new InvalidConfigError([{ path: 'ruleTimeoutMs', message: `must be a positive integer of milliseconds (got ${describe(timeout)})` }])
    }
    this.#ruleTimeoutMs = timeout
    if (options.key !== undefined || options.secret !== undefined) {
      this.setCredentials({ key: options.key ?? '', secret: options.secret ?? '', encryptionMasterKey: options.encryptionMasterKey })
    } else if (options.encryptionMasterKey !== undefined && options.encryptionMasterKey !== null) {
      throw new InvalidConfigError([{ path: 'encryptionMasterKey', message: 'given without key and secret; pass all three (or use setCredentials)' }])
    }
  }

  /** The credentials in use (key, secret, master key), or `undefined` before they are set. */
  get credentials(): AuthorizerCredentials | undefined {
    return this.#credentials
  }

  /**
   * Sets (or replaces) the credentials, e.g. when the host learns the app's key after rules were registered.
   * Throws {@link InvalidConfigError} for an empty key or secret, or a master key that is not base64 of 32 bytes.
   */
  setCredentials(credentials: AuthorizerCredentials): this {
    const issues = []
    if (typeof credentials.key !== 'string' || credentials.key.length === 0) issues.push({ path: 'key', message: 'must be a non-empty string' })
    if (typeof credentials.secret !== 'string' || credentials.secret.length === 0) issues.push({ path: 'secret', message: 'must be a non-empty string' })
    const masterKey = credentials.encryptionMasterKey ?? undefined
    if (masterKey !== undefined) {
      const bytes = typeof masterKey === 'string' ? Buffer.from(masterKey, 'base64').length : -1
      if (bytes !== MASTER_KEY_BYTES) {
        issues.push({ path: 'encryptionMasterKey', message: `must be base64 of exactly ${MASTER_KEY_BYTES} bytes (got ${bytes < 0 ? describe(masterKey) : `${bytes} bytes`})` })
      }
    }
    if (issues.length > 0) throw new InvalidConfigError(issues)
    this.#credentials = { key: credentials.key, secret: credentials.secret, encryptionMasterKey: masterKey }
    return this
  }

  /**
   * Registers the rule for channels matching `pattern` (without kind prefix: `'orders.{orderId}'` serves
   * `private-orders.42` and `presence-orders.42`). Throws `InvalidChannelPatternError` for a bad pattern.
   */
  channel<P extends string>(pattern: P, rule: ChannelCallback<User, P> | ChannelHandler<User, P>): this {
    const compiled = ChannelPattern.compile(pattern)
    let decide: Rule<User>['decide']
    if (typeof rule === 'function') {
      decide = rule as Rule<User>['decide']
    } else if (typeof rule === 'object' && rule !== null && typeof rule.join === 'function') {
      // Call through the object so a class-based handler keeps its `this`.
      decide = (user, params) => rule.join(user, params as ChannelParams<P>)
    } else {
      throw new InvalidConfigError([{ path: `channels[${JSON.stringify(pattern)}]`, message: `expected a function or an object with join(user, params) (got ${describe(rule)})` }])
    }
    this.#rules.push({ pattern: compiled, decide })
    return this
  }

  /** Authorizes `user` on `channelName` for `socketId`; resolves to the signed payload or a denial, never rejects. */
  async authorize(user: User, channelName: string, socketId: string): Promise<AuthorizationResult> {
    const credentials = this.#credentials
    if (credentials === undefined) return deny('credentials-missing', 'the channel authorizer has no app key and secret; call setCredentials({ key, secret })')
    const refusal = refuseBeforeRules(credentials, user, channelName, socketId)
    if (refusal !== undefined) return refusal
    const found = this.#find(channelName)
    if (found === undefined) return deny('no-matching-rule', `no channel rule matches ${JSON.stringify(channelName)}`)
    const where = `rule '${found.rule.pattern.source}' for ${JSON.stringify(channelName)}`

    let result: ChannelRuleResult | typeof TIMED_OUT
    try {
      result = await ruleAnswerWithin(found.rule.decide(user, found.params), this.#ruleTimeoutMs)
    } catch (error) {
      return deny('callback-threw', `${where} threw: ${error instanceof Error ? error.message : describe(error)}`, error)
    }
    if (result === TIMED_OUT) return deny('callback-timeout', `${where} did not settle within ${this.#ruleTimeoutMs} ms (ruleTimeoutMs)`)
    if (result === false || result === null || result === undefined) return deny('denied', `${where} refused the user`)

    if (channelKindOf(channelName) === 'presence') {
      if (result === true) {
        return deny('invalid-member', `${where} returned true; presence channel callbacks must return member info (an object such as { id, name }), not true`)
      }
      if (typeof result !== 'object' || Array.isArray(result)) {
        return deny('invalid-member', `${where} returned ${describe(result)}; presence channel callbacks must return member info (an object such as { id, name })`)
      }
      return this.#signPresence(credentials, user, channelName, socketId, result, where)
    }
    // Private and encrypted: like Laravel, any truthy object (e.g. a rule shared with a presence channel) grants.
    if (result !== true && (typeof result !== 'object' || Array.isArray(result))) {
      return deny('denied', `${where} returned ${describe(result)}; expected true or false`)
    }
    return { allowed: true, payload: signPrivate(credentials, channelName, socketId) }
  }

  /**
   * Signs `user` in for `pusher:signin`: `user_data` is `{ id, user_info? }` with `id = userId(user)` as a string.
   * Resolves to `{ auth, user_data }` or a denial; never rejects.
   */
  async authenticateUser(user: User, socketId: string, userInfo?: unknown): Promise<UserAuthenticationResult> {
    const credentials = this.#credentials
    if (credentials === undefined) return deny('credentials-missing', 'the channel authorizer has no app key and secret; call setCredentials({ key, secret })')
    if (!isValidSocketId(socketId)) return deny('invalid-socket-id', `invalid socket id ${describe(socketId)}: expected digits.digits, e.g. "1234.5678"`)
    if (user === null || user === undefined) return deny('unauthenticated', 'user authentication needs an authenticated user')
    let userData: string
    try {
      const id = normalizeUserId(this.#userId(user))
      if ('problem' in id) return deny('invalid-user', `cannot sign the user in: ${id.problem}`)
      userData = JSON.stringify(userInfo === undefined ? { id: id.id } : { id: id.id, user_info: userInfo })
    } catch (error) {
      return deny('invalid-user', `cannot sign the user in: ${error instanceof Error ? error.message : describe(error)}`, error)
    }
    return { allowed: true, payload: { auth: signUserAuth(credentials, socketId, userData), user_data: userData } }
  }

  /** The first rule whose pattern matches, with its parameters. Iterates compiled patterns only. */
  #find(channelName: string): { rule: Rule<User>; params: Record<string, string> } | undefined {
    // The name was validated before; strip its prefix once rather than once per rule.
    const name = stripChannelPrefix(channelName)
    for (const rule of this.#rules) {
      const params = rule.pattern.matchUnprefixed(name)
      if (params !== null) return { rule, params }
    }
    return undefined
  }

  #signPresence(credentials: AppCredentials, user: User, channelName: string, socketId: string, result: object, where: string): AuthorizationResult {
    let channelData: string
    try {
      const member = presenceMember(result, () => this.#userId(user))
      const id = normalizeUserId(member.userId)
      if ('problem' in id) return deny('invalid-member', `${where}: ${id.problem}`)
      channelData = JSON.stringify(member.userInfo === undefined ? { user_id: id.id } : { user_id: id.id, user_info: member.userInfo })
    } catch (error) {
      // userId(user) threw, or the member info is not JSON-serializable (a BigInt, a cycle).
      return deny('invalid-member', `${where}: cannot build presence member info: ${error instanceof Error ? error.message : describe(error)}`, error)
    }
    return { allowed: true, payload: { auth: signChannelAuth(credentials, socketId, channelName, channelData), channel_data: channelData } }
  }
}

/** The rule's answer, or TIMED_OUT once `ms` passed; a synchronous answer needs no timer. */
async function ruleAnswerWithin(answer: ChannelRuleResult | PromiseLike<ChannelRuleResult>, ms: number): Promise<ChannelRuleResult | typeof TIMED_OUT> {
  if (answer === null || typeof answer !== 'object' || typeof (answer as PromiseLike<unknown>).then !== 'function') return answer
  return withinDeadline(answer as PromiseLike<ChannelRuleResult>, ms)
}

/** The payload for a private or encrypted channel; encrypted ones also carry their per-channel shared secret. */
function signPrivate(credentials: AuthorizerCredentials, channelName: string, socketId: string): PusherAuthPayload {
  const auth = signChannelAuth(credentials, socketId, channelName)
  const masterKey = credentials.encryptionMasterKey
  if (channelKindOf(channelName) === 'encrypted' && typeof masterKey === 'string') {
    return { auth, shared_secret: encryptedChannelSharedSecret(channelName, masterKey) }
  }
  return { auth }
}

/** The refusals that need no rule: socket id, channel name and kind, a missing user, a missing encryption key. */
function refuseBeforeRules(credentials: AuthorizerCredentials, user: unknown, channelName: string, socketId: string): AuthorizationDenial | undefined {
  if (!isValidSocketId(socketId)) return deny('invalid-socket-id', `invalid socket id ${describe(socketId)}: expected digits.digits, e.g. "1234.5678"`)
  if (!isValidChannelName(channelName)) return deny('invalid-channel', `invalid channel name ${describe(channelName)}`)
  const kind = channelKindOf(channelName)
  if (kind === 'public') return deny('invalid-channel', `channel ${JSON.stringify(channelName)} is public and needs no authorization`)
  if (user === null || user === undefined) return deny('unauthenticated', `channel ${JSON.stringify(channelName)} needs an authenticated user`)
  if (kind === 'encrypted' && credentials.encryptionMasterKey === undefined) {
    return deny('encryption-not-configured', `channel ${JSON.stringify(channelName)} is encrypted but no encryptionMasterKey is configured`)
  }
  return undefined
}
