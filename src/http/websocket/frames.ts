import { Type } from 'typebox'
import { Compile } from 'typebox/compile'

/** A client frame after parsing: one event, optional channel and data (object or string). */
export interface ClientFrame {
  readonly event: string
  readonly channel?: string
  readonly data?: unknown
}

const FrameSchema = Type.Object({
  event: Type.String({ minLength: 1, maxLength: 200 }),
  channel: Type.Optional(Type.String()),
  data: Type.Optional(Type.Unknown()),
})

const SubscribeDataSchema = Type.Object({
  channel: Type.String({ minLength: 1 }),
  auth: Type.Optional(Type.String()),
  channel_data: Type.Optional(Type.String()),
})

const UnsubscribeDataSchema = Type.Object({ channel: Type.String({ minLength: 1 }) })

const SigninDataSchema = Type.Object({ auth: Type.String(), user_data: Type.String() })

// Compiled once at module load: frames are validated on the hot path, never with Value.Check.
const frameValidator = Compile(FrameSchema)
const subscribeValidator = Compile(SubscribeDataSchema)
const unsubscribeValidator = Compile(UnsubscribeDataSchema)
const signinValidator = Compile(SigninDataSchema)

export interface SubscribeData {
  readonly channel: string
  readonly auth?: string
  readonly channel_data?: string
}
export interface UnsubscribeData {
  readonly channel: string
}
export interface SigninData {
  readonly auth: string
  readonly user_data: string
}

/** Why a frame was rejected; sent back in a `pusher:error` and the connection stays open. */
export type FrameProblem = { readonly ok: false; readonly message: string }
export type FrameResult = { readonly ok: true; readonly frame: ClientFrame } | FrameProblem

/**
 * Parses one text frame: the size is checked before parsing, then JSON is parsed once and the
 * shape validated by a compiled schema.
 */
export function parseClientFrame(raw: Buffer, isBinary: boolean, maxBytes: number): FrameResult {
  if (isBinary) return { ok: false, message: 'Binary frames are not supported; send JSON text frames' }
  if (raw.length > maxBytes) return { ok: false, message: `Frame of ${raw.length} bytes exceeds the limit of ${maxBytes} bytes` }
  let value: unknown
  try {
    value = JSON.parse(raw.toString('utf8'))
  } catch {
    // Not JSON: reported to the client as a value, the connection continues.
    return { ok: false, message: 'Invalid message format: frames must be JSON objects' }
  }
  if (!frameValidator.Check(value)) return { ok: false, message: 'Invalid message format: expected {"event": string, "data"?, "channel"?}' }
  return { ok: true, frame: value }
}

/** `data` of a client frame as an object: pusher-js sends objects, other SDKs JSON strings. */
function dataObject(data: unknown): unknown {
  if (typeof data !== 'string') return data
  try {
    return JSON.parse(data)
  } catch {
    // A non-JSON string is simply not a valid object; the caller reports the bad shape.
    return undefined
  }
}

export function tryParseSubscribeData(data: unknown): SubscribeData | undefined {
  const v = dataObject(data)
  return subscribeValidator.Check(v) ? v : undefined
}

export function tryParseUnsubscribeData(data: unknown): UnsubscribeData | undefined {
  const v = dataObject(data)
  return unsubscribeValidator.Check(v) ? v : undefined
}

export function tryParseSigninData(data: unknown): SigninData | undefined {
  const v = dataObject(data)
  return signinValidator.Check(v) ? v : undefined
}

/** A server → client protocol frame; `data` is always a JSON string (`"{}"` when empty). */
export function protocolFrame(event: string, data: object = {}, channel?: string): string {
  const head = `{"event":${JSON.stringify(event)}`
  const ch = channel === undefined ? '' : `,"channel":${JSON.stringify(channel)}`
  return `${head}${ch},"data":${JSON.stringify(JSON.stringify(data))}}`
}

/** `pusher:error` with a code (or null for non-fatal errors, as Pusher sends) and a message. */
export function errorFrame(code: number | null, message: string): string {
  return protocolFrame('pusher:error', { code, message })
}
