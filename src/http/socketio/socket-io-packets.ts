import { textFrame } from '../websocket/text-frame.js'
import type { PresenceDirectory } from './presence-directory.js'

/** A Socket.IO packet as engine.io writes it: its text, and its WebSocket frame built once for every socket. */
export interface SocketIoPacket {
  readonly text: string
  /** engine.io writes `wsPreEncodedFrame` as is on WebSocket transports (polling sends `text`). */
  readonly options: { readonly wsPreEncodedFrame: readonly Buffer[] }
}

/** engine.io's "message" packet type, the `4` before every Socket.IO packet on the wire. */
const ENGINE_MESSAGE = '4'
/** Socket.IO's EVENT packet on the main namespace: `2` and the JSON array of the name and the arguments. */
const SOCKET_IO_EVENT = '2'
const MEMBER_ADDED = 'pusher_internal:member_added'
const MEMBER_REMOVED = 'pusher_internal:member_removed'

/** Echo's socket.io connector's presence events (laravel-echo-server's names). */
export const PresenceEvent = { Subscribed: 'presence:subscribed', Joining: 'presence:joining', Leaving: 'presence:leaving' } as const

/**
 * One EVENT packet `[event, ...args]`; `args` are JSON texts put in as they are (never parsed or re-serialised).
 * The WebSocket frame around it is built here, once, as socket.io's own broadcasts do.
 */
export function eventPacket(event: string, ...args: string[]): SocketIoPacket {
  const text = `${SOCKET_IO_EVENT}[${JSON.stringify(event)},${args.join(',')}]`
  return { text, options: { wsPreEncodedFrame: [textFrame(Buffer.from(ENGINE_MESSAGE + text, 'utf8'))] } }
}

/** Event `data` as a JSON value: the text itself when it is JSON (what pusher-js would parse), else as a string. */
export function jsonValueOf(data: string): string {
  try {
    JSON.parse(data)
    return data
  } catch {
    // Not JSON (the HTTP API accepts any string): the client gets it as a string, as pusher-js would.
    return JSON.stringify(data)
  }
}

interface HubFrame {
  readonly event: string
  readonly channel: string
  readonly data: string
}

/**
 * Turns the hub's Pusher frames into what Echo's socket.io connector listens for: `(event, channel, data)`, and
 * `presence:joining` / `presence:leaving` with the member. The hub hands the same frame to every subscriber of a
 * channel in a row, so a one-entry memo makes the translation (and the WebSocket frame) once per event and channel,
 * not once per socket.
 */
export class SocketIoFrameTranslator {
  readonly #directory: PresenceDirectory
  #lastFrame: string | undefined
  #lastAppId: string | undefined
  #lastPacket: SocketIoPacket | undefined
  /** What a member frame did to the directory, applied again on a memo hit (idempotent). */
  #lastEffect: (() => void) | undefined

  constructor(directory: PresenceDirectory) {
    this.#directory = directory
  }

  /** The packet for one of the hub's frames to a Socket.IO subscriber of app `appId`. */
  packetFor(frame: string, appId: string): SocketIoPacket {
    if (frame === this.#lastFrame && appId === this.#lastAppId && this.#lastPacket !== undefined) {
      this.#lastEffect?.()
      return this.#lastPacket
    }
    const parsed = JSON.parse(frame) as HubFrame
    this.#lastEffect = undefined
    const packet = parsed.event === MEMBER_ADDED ? this.#joining(appId, parsed) : parsed.event === MEMBER_REMOVED ? this.#leaving(appId, parsed) : undefined
    this.#lastPacket = packet ?? eventPacket(parsed.event, JSON.stringify(parsed.channel), jsonValueOf(parsed.data))
    this.#lastFrame = frame
    this.#lastAppId = appId
    return this.#lastPacket
  }

  /**
   * `presence:subscribed` for a Socket.IO client that joined: the roster (`{presence:{ids,hash}}`) as Echo's
   * `here()` wants it, `[{user_id, user_info}]`. The members are remembered for later `presence:leaving`.
   */
  subscribedPacket(appId: string, channel: string, roster: string): SocketIoPacket {
    const { presence } = JSON.parse(roster) as { presence?: { ids?: string[]; hash?: Record<string, unknown> } }
    const members = (presence?.ids ?? []).map((id) => {
      const info = presence?.hash?.[id] ?? null
      this.#directory.remember(appId, channel, id, info)
      return { user_id: id, user_info: info }
    })
    return eventPacket(PresenceEvent.Subscribed, JSON.stringify(channel), JSON.stringify(members))
  }

  #joining(appId: string, frame: HubFrame): SocketIoPacket {
    const member = JSON.parse(frame.data) as { user_id: string; user_info?: unknown }
    const remember = (): void => this.#directory.remember(appId, frame.channel, member.user_id, member.user_info ?? null)
    remember()
    this.#lastEffect = remember
    return eventPacket(PresenceEvent.Joining, JSON.stringify(frame.channel), frame.data)
  }

  #leaving(appId: string, frame: HubFrame): SocketIoPacket {
    const { user_id: userId } = JSON.parse(frame.data) as { user_id: string }
    const info = this.#directory.forget(appId, frame.channel, userId) ?? null
    this.#lastEffect = () => this.#directory.forget(appId, frame.channel, userId)
    return eventPacket(PresenceEvent.Leaving, JSON.stringify(frame.channel), JSON.stringify({ user_id: userId, user_info: info }))
  }
}
