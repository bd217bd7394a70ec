/**
 * Every error Herald throws or rejects with carries a stable `code`.
 * Callers should test `err.code` (or {@link HeraldError.is}) rather than `instanceof`,
 * which breaks when two copies of Herald are installed.
 */
export const HeraldErrorCode = {
  InvalidConfig: 'HERALD_ERR_INVALID_CONFIG',
  InvalidChannelName: 'HERALD_ERR_INVALID_CHANNEL_NAME',
  InvalidEventName: 'HERALD_ERR_INVALID_EVENT_NAME',
  InvalidSocketId: 'HERALD_ERR_INVALID_SOCKET_ID',
  InvalidChannelPattern: 'HERALD_ERR_INVALID_CHANNEL_PATTERN',
  InvalidPresenceMember: 'HERALD_ERR_INVALID_PRESENCE_MEMBER',
  InvalidEvent: 'HERALD_ERR_INVALID_EVENT',
  UnknownConnection: 'HERALD_ERR_UNKNOWN_CONNECTION',
  BroadcastFailed: 'HERALD_ERR_BROADCAST_FAILED',
  PayloadTooLarge: 'HERALD_ERR_PAYLOAD_TOO_LARGE',
  Protocol: 'HERALD_ERR_PROTOCOL',
  UnknownApp: 'HERALD_ERR_UNKNOWN_APP',
  InvalidApiSignature: 'HERALD_ERR_INVALID_API_SIGNATURE',
  InvalidRequest: 'HERALD_ERR_INVALID_REQUEST',
  Unauthenticated: 'HERALD_ERR_UNAUTHENTICATED',
  RateLimited: 'HERALD_ERR_RATE_LIMITED',
  DeadlineExceeded: 'HERALD_ERR_DEADLINE_EXCEEDED',
  InvalidBroadcastJob: 'HERALD_ERR_INVALID_BROADCAST_JOB',
  BroadcastTimedOut: 'HERALD_ERR_BROADCAST_TIMED_OUT',
  UnknownQueueConnection: 'HERALD_ERR_UNKNOWN_QUEUE_CONNECTION',
  InvalidCommand: 'HERALD_ERR_INVALID_COMMAND',
} as const

export type HeraldErrorCode = (typeof HeraldErrorCode)[keyof typeof HeraldErrorCode]

/** Base class of every Herald error. */
export class HeraldError extends Error {
  readonly code: HeraldErrorCode

  constructor(code: HeraldErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }

  /** True when `err` is a Herald error, optionally with the given code; works across duplicate installs. */
  static is(err: unknown, code?: HeraldErrorCode): err is HeraldError {
    if (typeof err !== 'object' || err === null) return false
    const c = (err as { code?: unknown }).code
    return typeof c === 'string' && c.startsWith('HERALD_ERR_') && (code === undefined || c === code)
  }
}

/** One problem found while validating configuration. */
export interface ConfigIssue {
  /** Dotted path of the bad key, e.g. `connections.main.driver`. */
  readonly path: string
  /** What is wrong with it. */
  readonly message: string
}

/** Thrown at start-up when configuration is invalid; lists every bad key at once. */
export class InvalidConfigError extends HeraldError {
  readonly issues: readonly ConfigIssue[]
  /** Where the configuration came from (a config file's path), when known. */
  readonly source: string | undefined

  constructor(issues: readonly ConfigIssue[], options: { source?: string; cause?: unknown } = {}) {
    const lines = issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')
    const source = options.source === undefined ? '' : ` in ${options.source}`
    const message = `Invalid Herald configuration${source} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines}`
    super(HeraldErrorCode.InvalidConfig, message, 'cause' in options ? { cause: options.cause } : undefined)
    this.issues = issues
    this.source = options.source
  }
}

/** A channel name that breaks the Pusher naming rules. */
export class InvalidChannelNameError extends HeraldError {
  readonly channel: string
  constructor(channel: string, rule: string) {
    super(HeraldErrorCode.InvalidChannelName, `Invalid channel name ${JSON.stringify(channel)}: ${rule}`)
    this.channel = channel
  }
}

/** An event name that breaks the Pusher naming rules. */
export class InvalidEventNameError extends HeraldError {
  readonly event: string
  constructor(event: string, rule: string) {
    super(HeraldErrorCode.InvalidEventName, `Invalid event name ${JSON.stringify(event)}: ${rule}`)
    this.event = event
  }
}

/**
 * A socket id its connection cannot use: not `digits.digits` (Pusher's rule, the default), or not the
 * format of a driver with its own rule (`expected` then says which).
 */
export class InvalidSocketIdError extends HeraldError {
  readonly socketId: string
  constructor(socketId: string, expected = 'digits.digits, e.g. "1234.5678"') {
    super(HeraldErrorCode.InvalidSocketId, `Invalid socket id ${JSON.stringify(socketId)}: expected ${expected}`)
    this.socketId = socketId
  }
}

/** A driver failed to deliver a broadcast. Names the driver, the channels and keeps the cause. */
export class BroadcastFailedError extends HeraldError {
  readonly driver: string
  readonly channels: readonly string[]
  constructor(driver: string, channels: readonly string[], cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super(HeraldErrorCode.BroadcastFailed, `Broadcast via driver '${driver}' to [${channels.join(', ')}] failed: ${reason}`, { cause })
    this.driver = driver
    this.channels = channels
  }
}

/** A channel pattern (`orders.{orderId}`) that cannot be compiled. Names the pattern and the rule it broke. */
export class InvalidChannelPatternError extends HeraldError {
  readonly pattern: string
  constructor(pattern: string, rule: string) {
    super(HeraldErrorCode.InvalidChannelPattern, `Invalid channel pattern ${JSON.stringify(pattern)}: ${rule}`)
    this.pattern = pattern
  }
}

/** An event that cannot be broadcast as given (no usable name, a payload that is not JSON-safe). */
export class InvalidEventError extends HeraldError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(HeraldErrorCode.InvalidEvent, message, options)
  }
}

/** A connection name that the `Broadcasting` manager does not know. Lists the known ones. */
export class UnknownConnectionError extends HeraldError {
  readonly connection: string
  readonly known: readonly string[]
  constructor(connection: string, known: readonly string[]) {
    super(
      HeraldErrorCode.UnknownConnection,
      `Unknown broadcast connection ${JSON.stringify(connection)}; known connections: ${known.length === 0 ? '(none)' : known.join(', ')}`,
    )
    this.connection = connection
    this.known = known
  }
}

/** An HTTP API request for an app id (or a WebSocket for an app key) this server does not serve. */
export class UnknownAppError extends HeraldError {
  readonly app: string
  constructor(app: string, by: 'id' | 'key' = 'id') {
    super(HeraldErrorCode.UnknownApp, `Unknown app ${by} ${JSON.stringify(app)}`)
    this.app = app
  }
}

/** An HTTP API request whose key, timestamp, body_md5 or signature does not check out. */
export class InvalidApiSignatureError extends HeraldError {
  /** Which check failed (`stale_timestamp`, `body_md5_mismatch`, `bad_signature`, …). */
  readonly problem: string
  constructor(problem: string, message: string) {
    super(HeraldErrorCode.InvalidApiSignature, message)
    this.problem = problem
  }
}

/** A request field that is missing or malformed. Names the field. */
export class InvalidRequestError extends HeraldError {
  readonly field: string
  constructor(field: string, rule: string) {
    super(HeraldErrorCode.InvalidRequest, `Invalid ${field}: ${rule}`)
    this.field = field
  }
}

/** A value over a size limit (an HTTP API event's data, a frame). Names what, the size and the limit. */
export class PayloadTooLargeError extends HeraldError {
  readonly size: number
  readonly limit: number
  constructor(what: string, size: number, limit: number) {
    super(HeraldErrorCode.PayloadTooLarge, `${what} is ${size} bytes; the limit is ${limit} bytes`)
    this.size = size
    this.limit = limit
  }
}

/** The app's `authenticate` hook found no user for a `/broadcasting/auth` request. */
export class UnauthenticatedError extends HeraldError {
  constructor(message = 'Unauthenticated') {
    super(HeraldErrorCode.Unauthenticated, message)
  }
}

/** A request over an operator's rate limit (e.g. an app's `maxApiRequestsPerSecond`); retry after `retryAfterSeconds`. */
export class RateLimitedError extends HeraldError {
  readonly retryAfterSeconds: number
  constructor(what: string, retryAfterSeconds: number) {
    super(HeraldErrorCode.RateLimited, `${what}; retry after ${retryAfterSeconds} s`)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** A step (an SDK call, a Redis command, joining the cluster) did not complete within its bound. */
export class DeadlineExceededError extends HeraldError {
  /** The bound that was exceeded, in ms. */
  readonly timeoutMs: number

  constructor(what: string, timeoutMs: number) {
    super(HeraldErrorCode.DeadlineExceeded, `${what} did not complete within ${timeoutMs} ms`)
    this.timeoutMs = timeoutMs
  }
}

/** A queued broadcast job that is not one (wrong shape, bad `tries`/`backoff`/`timeout`). Names the field. */
export class InvalidBroadcastJobError extends HeraldError {
  readonly field: string
  constructor(field: string, rule: string) {
    super(HeraldErrorCode.InvalidBroadcastJob, `Invalid broadcast job: ${field} ${rule}`)
    this.field = field
  }
}

/** A queued broadcast whose delivery took longer than its `timeout`. */
export class BroadcastTimedOutError extends HeraldError {
  readonly event: string
  readonly timeoutSeconds: number
  constructor(event: string, timeoutSeconds: number) {
    super(HeraldErrorCode.BroadcastTimedOut, `Broadcast of '${event}' did not finish within its timeout of ${timeoutSeconds} s`)
    this.event = event
    this.timeoutSeconds = timeoutSeconds
  }
}

/** A queue connection name (`broadcastConnection()`) the `Broadcasting` manager does not know. Lists the known ones. */
export class UnknownQueueConnectionError extends HeraldError {
  readonly connection: string
  constructor(connection: string, known: readonly string[]) {
    super(
      HeraldErrorCode.UnknownQueueConnection,
      `Unknown queue connection ${JSON.stringify(connection)}; known queue connections: ${known.length === 0 ? '(none)' : known.join(', ')}`,
    )
    this.connection = connection
  }
}
