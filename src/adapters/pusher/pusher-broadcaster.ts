import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type Pusher from 'pusher'
import type { BroadcasterPort } from '../../domain/ports/broadcaster-port.js'
import type { BroadcastMessage } from '../../domain/broadcasting/broadcast-message.js'
import { channelKindOf } from '../../domain/channels/channel-name.js'
import { BroadcastFailedError, PayloadTooLargeError } from '../../domain/errors.js'
import { nullLogger, type LoggerPort } from '../../domain/ports/logger-port.js'
import { beforeDeadline } from '../../domain/within-deadline.js'
import type { PusherOptions } from './pusher-options.js'

/** Pusher's HTTP API accepts at most this many channels in one trigger. */
export const PUSHER_MAX_CHANNELS_PER_TRIGGER = 100

const DRIVER = 'pusher'

/** One HTTP trigger: the channels it carries and whether it is an end-to-end encrypted channel. */
interface TriggerBatch {
  readonly channels: string[]
  readonly encrypted: boolean
}

/**
 * The `pusher` driver: publishes through the official `pusher` SDK (loaded on first use) to
 * Pusher's service or to any Pusher-compatible host, a Herald server included.
 *
 * - A broadcast to more than 100 channels is split into triggers of at most 100 channels, sent
 *   concurrently; a `private-encrypted-` channel is always sent alone (the SDK encrypts per channel).
 * - A payload whose `data` would exceed `maxPayloadSize` bytes is refused with
 *   {@link PayloadTooLargeError} before anything is sent.
 * - `socketId` (toOthers) travels as the HTTP API's `socket_id`.
 * - Every failure (service down, 4xx/5xx, timeout, bad input the SDK refuses) rejects with
 *   {@link BroadcastFailedError}; the promise settles within `timeoutMs`.
 */
export class PusherBroadcaster implements BroadcasterPort {
  readonly #options: PusherOptions
  readonly #agent: HttpAgent
  readonly #logger: LoggerPort
  #client: Promise<Pusher> | undefined
  #closed = false

  constructor(options: PusherOptions, logger: LoggerPort = nullLogger) {
    this.#options = options
    this.#logger = logger
    // Our own keep-alive agent, so close() can release its sockets instead of leaving them to the global agent.
    this.#agent = this.#scheme() === 'https' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true })
  }

  // async: whatever goes wrong, even with a malformed message, becomes a rejection, never a throw.
  async broadcast(message: BroadcastMessage): Promise<void> {
    const channels: string[] = Array.isArray(message?.channels) ? [...message.channels] : []
    try {
      await this.#broadcast(message, channels)
    } catch (err) {
      if (err instanceof PayloadTooLargeError || err instanceof BroadcastFailedError) throw err
      throw new BroadcastFailedError(DRIVER, channels, err)
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#agent.destroy()
  }

  async #broadcast(message: BroadcastMessage, channels: string[]): Promise<void> {
    if (this.#closed) throw new Error('the driver was closed')
    if (channels.length === 0) return
    const data = serialise(message.payload)
    const batches = planBatches(channels)
    const limit = this.#options.maxPayloadSize
    for (const batch of batches) {
      const size = batch.encrypted ? encryptedDataSize(data) : Buffer.byteLength(data)
      if (size > limit) {
        throw new PayloadTooLargeError(
          `Event '${message.event}' via driver '${DRIVER}' to [${channels.join(', ')}]: its data (limited by the maxPayloadSize option)`,
          size,
          limit,
        )
      }
    }
    if (batches.length > 1) {
      this.#logger.debug({ driver: DRIVER, event: message.event, channels: channels.length, triggers: batches.length }, 'broadcast split into several Pusher triggers')
    }
    const params: Pusher.TriggerParams = message.socketId === undefined ? {} : { socket_id: message.socketId }
    const timeoutMs = this.#options.timeoutMs
    // Loading the SDK is local, one-off work (about a second on a busy machine), so it is not charged
    // to timeoutMs, which bounds what can actually hang: the network.
    const client = await this.#loadClient()
    const triggerAll = async (): Promise<void> => {
      const results = await Promise.allSettled(
        batches.map(async (batch) => {
          try {
            // A string is sent as-is (serialised once); the SDK must encrypt the object itself.
            await client.trigger(batch.channels, message.event, batch.encrypted ? message.payload : data, params)
          } catch (err) {
            throw describeSdkError(err)
          }
        }),
      )
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
      const first = failed[0]
      if (first === undefined) return
      if (batches.length === 1) throw first
      const reason = first instanceof Error ? first.message : String(first)
      throw new Error(`${failed.length} of ${batches.length} triggers failed (the others were delivered); first failure: ${reason}`, { cause: first })
    }
    await beforeDeadline(triggerAll(), timeoutMs, `Pusher trigger of '${message.event}'`)
  }

  #scheme(): 'http' | 'https' {
    return this.#options.scheme ?? (this.#options.useTLS === false ? 'http' : 'https')
  }

  #loadClient(): Promise<Pusher> {
    this.#client ??= this.#createClient().catch((err: unknown) => {
      // Forget a failed load so a later broadcast can try again (e.g. after a transient import error).
      this.#client = undefined
      throw err
    })
    return this.#client
  }

  async #createClient(): Promise<Pusher> {
    const { default: PusherSdk } = await import('pusher')
    const o = this.#options
    // The SDK's typings lack `scheme` and type `port` as a string; its runtime takes both as below.
    const sdkOptions: Record<string, unknown> = {
      appId: o.appId,
      key: o.key,
      secret: o.secret,
      scheme: this.#scheme(),
      useTLS: this.#scheme() === 'https',
      timeout: o.timeoutMs,
      agent: this.#agent,
    }
    if (o.host !== undefined) sdkOptions['host'] = o.host
    else if (o.cluster !== undefined) sdkOptions['cluster'] = o.cluster
    if (o.port !== undefined) sdkOptions['port'] = o.port
    if (o.encryptionMasterKeyBase64 !== undefined) sdkOptions['encryptionMasterKeyBase64'] = o.encryptionMasterKeyBase64
    return new PusherSdk(sdkOptions as unknown as Pusher.Options)
  }
}

/** Serialises the payload once; the HTTP API carries `data` as a JSON string. */
function serialise(payload: unknown): string {
  const data = JSON.stringify(payload)
  if (typeof data !== 'string') throw new TypeError(`the payload (${typeof payload}) is not JSON-serialisable`)
  return data
}

/** Encrypted channels alone (the SDK refuses several per trigger), the rest in groups of at most 100. */
function planBatches(channels: readonly string[]): TriggerBatch[] {
  const batches: TriggerBatch[] = []
  let plain: string[] = []
  for (const channel of channels) {
    if (channelKindOf(channel) === 'encrypted') {
      batches.push({ channels: [channel], encrypted: true })
      continue
    }
    plain.push(channel)
    if (plain.length === PUSHER_MAX_CHANNELS_PER_TRIGGER) {
      batches.push({ channels: plain, encrypted: false })
      plain = []
    }
  }
  if (plain.length > 0) batches.push({ channels: plain, encrypted: false })
  return batches
}

/**
 * Bytes of `data` once the SDK has encrypted it: `{"nonce":"<24 bytes b64>","ciphertext":"<b64>"}`,
 * where secretbox adds a 16-byte tag to the plaintext.
 */
function encryptedDataSize(plain: string): number {
  const cipherBytes = Buffer.byteLength(plain) + 16
  return '{"nonce":"","ciphertext":""}'.length + 32 + 4 * Math.ceil(cipherBytes / 3)
}

/** Turns the SDK's RequestError into a message with the status and body, without the signed URL's query. */
function describeSdkError(err: unknown): unknown {
  if (typeof err !== 'object' || err === null) return err
  const e = err as { status?: unknown; body?: unknown; url?: unknown; error?: unknown; message?: unknown }
  const where = typeof e.url === 'string' ? ` from ${e.url.split('?')[0]}` : ''
  if (typeof e.status === 'number') {
    const body = typeof e.body === 'string' && e.body.length > 0 ? `: ${e.body.slice(0, 300)}` : ''
    return new Error(`HTTP ${e.status}${where}${body}`, { cause: err })
  }
  if (e.error instanceof Error) {
    const inner = e.error as Error & { code?: unknown; type?: unknown }
    const detail = inner.name === 'AbortError' || inner.type === 'aborted' ? 'the request timed out and was aborted' : inner.message
    return new Error(`request${where} failed: ${detail}`, { cause: err })
  }
  return err
}
