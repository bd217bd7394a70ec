import { isValidSocketId } from '../../../domain/auth/socket-id.js'
import { assertValidEventName, isValidChannelName } from '../../../domain/channels/channel-name.js'
import { InvalidRequestError, InvalidSocketIdError, PayloadTooLargeError } from '../../../domain/errors.js'
import type { HeraldApp } from '../../../domain/realtime/herald-app.js'
import { parseInfoAttributes, type InfoAttribute } from './channel-attributes.js'

/** Most channels one event may target (Pusher's limit, also the SDKs'). */
export const MAX_CHANNELS_PER_EVENT = 100

/** One event of `/events` or `/batch_events`, validated. */
export interface EventInput {
  readonly name: string
  /** Forwarded verbatim: the JSON string the client sent, never re-parsed. */
  readonly data: string
  readonly channels: readonly string[]
  readonly socketId?: string
  readonly info: ReadonlySet<InfoAttribute>
}

/** Parses a request body as JSON, or throws a 400 naming the body. */
export function parseJsonBody(body: string): unknown {
  if (body === '') throw new InvalidRequestError('body', 'is empty; expected a JSON object')
  try {
    return JSON.parse(body)
  } catch (err) {
    throw new InvalidRequestError('body', `is not valid JSON (${err instanceof Error ? err.message : String(err)})`)
  }
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Validates one event. `field` prefixes every field name in errors (`batch[3].`), so a caller knows which
 * event of a batch was bad. Checks run in a fixed order and the first failure is reported.
 */
export function parseEventInput(value: unknown, app: HeraldApp, field = ''): EventInput {
  if (!isJsonObject(value)) throw new InvalidRequestError(field === '' ? 'body' : field.slice(0, -1), 'must be a JSON object')
  const { name, data, socket_id: socketId, info } = value

  if (typeof name !== 'string') throw new InvalidRequestError(`${field}name`, 'is required and must be a string')
  // Re-thrown as a request error so the message names the field as well as the rule.
  try {
    assertValidEventName(name)
  } catch (err) {
    throw new InvalidRequestError(`${field}name`, err instanceof Error ? err.message : String(err))
  }

  if (typeof data !== 'string') throw new InvalidRequestError(`${field}data`, 'is required and must be a string (JSON-encode it first)')
  const size = Buffer.byteLength(data, 'utf8')
  if (size > app.maxEventPayloadSize) throw new PayloadTooLargeError(`${field}data of event ${JSON.stringify(name)}`, size, app.maxEventPayloadSize)

  const channels = parseChannels(value, field)

  if (socketId !== undefined && socketId !== null) {
    if (!isValidSocketId(socketId)) throw new InvalidSocketIdError(typeof socketId === 'string' ? socketId : JSON.stringify(socketId))
  }
  if (info !== undefined && typeof info !== 'string') throw new InvalidRequestError(`${field}info`, 'must be a comma-separated string')

  return {
    name,
    data,
    channels,
    ...(typeof socketId === 'string' ? { socketId } : {}),
    info: parseInfoAttributes(info, `${field}info`),
  }
}

function parseChannels(value: Record<string, unknown>, field: string): string[] {
  const { channels, channel } = value
  let list: unknown[]
  let listField: string
  if (channels !== undefined) {
    if (!Array.isArray(channels)) throw new InvalidRequestError(`${field}channels`, 'must be an array of channel names')
    list = channels
    listField = `${field}channels`
  } else if (channel !== undefined) {
    list = [channel]
    listField = `${field}channel`
  } else {
    throw new InvalidRequestError(`${field}channels`, 'is required (or give a single `channel`)')
  }
  if (list.length === 0) throw new InvalidRequestError(listField, 'must name at least one channel')
  if (list.length > MAX_CHANNELS_PER_EVENT) {
    throw new InvalidRequestError(listField, `names ${list.length} channels; at most ${MAX_CHANNELS_PER_EVENT} are allowed per event`)
  }
  for (const [index, name] of list.entries()) {
    if (typeof name !== 'string' || !isValidChannelName(name)) {
      const where = listField.endsWith('channels') ? `${listField}[${index}]` : listField
      throw new InvalidRequestError(where, `${JSON.stringify(name)} is not a valid channel name (letters, digits and - _ = @ , . ; up to 200 characters)`)
    }
  }
  // A channel named twice would deliver the event twice to its subscribers.
  return [...new Set(list as string[])]
}
