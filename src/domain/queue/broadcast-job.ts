import { resolveChannelNames } from '../channels/channel.js'
import { assertValidEventName } from '../channels/channel-name.js'
import { InvalidBroadcastJobError } from '../errors.js'
import type { BroadcastMessage } from '../broadcasting/broadcast-message.js'
import { freezeMessage } from '../broadcasting/message-from-event.js'
import { assertValidBackoff, show, type Backoff } from './backoff.js'

/** Laravel's default: a queued broadcast is tried once unless the event says otherwise. */
export const DEFAULT_TRIES = 1

/**
 * A queued broadcast: plain JSON, never a class instance. The payload was resolved when the event was
 * dispatched; a worker rebuilds the message from it, not the event object.
 */
export interface BroadcastJob {
  /** Format version, so a worker can refuse jobs it does not understand. */
  readonly v: 1
  /** The broadcast connection (driver) to deliver through. */
  readonly connection: string
  /** The resolved message: channels, event, payload, and the `toOthers` socket id. */
  readonly message: BroadcastMessage
  /** Queue name (`broadcastQueue()`); absent means the queue connection's default. */
  readonly queue?: string
  /** Attempts in all, the first included. */
  readonly tries: number
  /** Seconds before each retry. */
  readonly backoff: Backoff
  /** Seconds one attempt may take; absent means no limit. */
  readonly timeout?: number
}

/** Queue settings an event may carry, as Laravel's properties or as methods (a method keeps them out of the default payload). */
export interface QueueSettings {
  readonly queue?: string | undefined
  readonly tries?: unknown
  readonly backoff?: unknown
  readonly timeout?: unknown
}

/** Builds the job for a message. @throws InvalidBroadcastJobError naming a bad `tries`, `backoff` or `timeout`. */
export function createBroadcastJob(message: BroadcastMessage, connection: string, settings: QueueSettings = {}): BroadcastJob {
  const tries = settings.tries ?? DEFAULT_TRIES
  if (typeof tries !== 'number' || !Number.isInteger(tries) || tries < 1) {
    throw new InvalidBroadcastJobError('tries', `must be an integer of at least 1 (got ${show(tries)})`)
  }
  const backoff = settings.backoff ?? 0
  assertValidBackoff(backoff)
  const { timeout } = settings
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0)) {
    throw new InvalidBroadcastJobError('timeout', `must be a positive number of seconds (got ${show(timeout)})`)
  }
  const queue = settings.queue ?? message.queue
  return {
    v: 1,
    connection,
    message,
    tries,
    backoff: typeof backoff === 'number' ? backoff : [...backoff],
    ...(queue === undefined ? {} : { queue }),
    ...(timeout === undefined ? {} : { timeout }),
  }
}

/**
 * Checks a job read back from a queue (parsed JSON) and returns it with a frozen message.
 * @throws InvalidBroadcastJobError naming the first bad field.
 */
export function parseBroadcastJob(data: unknown): BroadcastJob {
  if (!isObject(data)) throw new InvalidBroadcastJobError('job', `must be an object (got ${show(data)})`)
  if (data.v !== 1) throw new InvalidBroadcastJobError('v', `must be 1 (got ${show(data.v)}); was it queued by another Herald version?`)
  if (typeof data.connection !== 'string' || data.connection === '') {
    throw new InvalidBroadcastJobError('connection', `must be a connection name (got ${show(data.connection)})`)
  }
  const message = parseMessage(data.message)
  if (data.queue !== undefined && typeof data.queue !== 'string') throw new InvalidBroadcastJobError('queue', `must be a string (got ${show(data.queue)})`)
  return createBroadcastJob(message, data.connection, {
    ...(data.queue === undefined ? {} : { queue: data.queue }),
    tries: data.tries,
    backoff: data.backoff,
    timeout: data.timeout,
  })
}

function parseMessage(value: unknown): BroadcastMessage {
  if (!isObject(value)) throw new InvalidBroadcastJobError('message', `must be an object (got ${show(value)})`)
  const { channels, event, payload, socketId, queue } = value
  if (!Array.isArray(channels) || !channels.every((c) => typeof c === 'string')) {
    throw new InvalidBroadcastJobError('message.channels', `must be a list of channel names (got ${show(channels)})`)
  }
  if (typeof event !== 'string') throw new InvalidBroadcastJobError('message.event', `must be a string (got ${show(event)})`)
  if (socketId !== undefined && typeof socketId !== 'string') {
    throw new InvalidBroadcastJobError('message.socketId', `must be a string (got ${show(socketId)})`)
  }
  // The same name rules as when the event was dispatched: a tampered job fails here, not at the driver.
  assertValidEventName(event)
  return freezeMessage({
    channels: resolveChannelNames(channels),
    event,
    payload,
    ...(socketId === undefined ? {} : { socketId }),
    ...(typeof queue === 'string' ? { queue } : {}),
  })
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
