import { Channel, PresenceChannel, PrivateChannel, type Channels } from '../channels/channel.js'
import { isValidSocketId as isPusherSocketId } from '../auth/socket-id.js'
import { InvalidEventError, InvalidSocketIdError, UnknownConnectionError } from '../errors.js'
import { isShouldBroadcast, type ShouldBroadcast } from '../events/should-broadcast.js'
import type { BroadcasterPort } from '../ports/broadcaster-port.js'
import { AnonymousBroadcast } from './anonymous-broadcast.js'
import type { BroadcastMessage } from './broadcast-message.js'
import { messageFromEvent } from './message-from-event.js'
import { PendingBroadcast, type BroadcastTarget } from './pending-broadcast.js'

/** The named connections of a {@link Broadcasting} manager and which one is the default. */
export interface BroadcastingOptions {
  /** Name of the connection used when neither `via()` nor `broadcastVia()` picks one. */
  readonly default: string
  /** Connection name → driver. One driver instance may serve several names. */
  readonly connections: Readonly<Record<string, BroadcasterPort>>
}

/** Undoes a {@link Broadcasting.swap}. */
export type RestoreConnections = () => void

/**
 * The broadcasting manager (Laravel's `BroadcastManager`): named connections, event broadcasts,
 * anonymous broadcasts. Pure: give it ports, use it with `new`, no container needed.
 *
 * @example
 * const broadcasting = new Broadcasting({ default: 'main', connections: { main: new LogBroadcaster() } })
 * await broadcasting.event(new OrderShipped(order)).toOthers(socketId)
 * await broadcasting.private('user.1').broadcast('Notified', { text: 'hi' })
 */
export class Broadcasting {
  readonly #default: string
  #connections: Map<string, BroadcasterPort>
  readonly #originals: ReadonlySet<BroadcasterPort>

  /** @throws UnknownConnectionError when `default` is not one of `connections`. */
  constructor(options: BroadcastingOptions) {
    this.#connections = new Map(Object.entries(options.connections))
    this.#originals = new Set(this.#connections.values())
    this.#default = options.default
    this.connection(options.default)
  }

  /** Name of the default connection. */
  get defaultConnection(): string {
    return this.#default
  }

  /** Names of every connection. */
  get connectionNames(): readonly string[] {
    return [...this.#connections.keys()]
  }

  /** The driver behind a connection (the default one without a name). @throws UnknownConnectionError */
  connection(name: string = this.#default): BroadcasterPort {
    const port = this.#connections.get(name)
    if (port === undefined) throw new UnknownConnectionError(name, [...this.#connections.keys()])
    return port
  }

  /**
   * True when `socketId` is an id the connection (the default one without a name) can exclude with
   * `toOthers`: its driver's own rule (`BroadcasterPort.isValidSocketId`, e.g. ably's base64url ids),
   * else Pusher's `digits.digits`. The host uses it to fill `request.socketId`.
   * @throws UnknownConnectionError
   */
  isValidSocketId(socketId: unknown, connection: string = this.#default): boolean {
    return acceptsSocketId(this.connection(connection), socketId)
  }

  /**
   * Broadcasts an event: returns a pending broadcast to chain `.toOthers()` / `.via()` on, sent when awaited.
   * Satisfies the dispatcher's `EventBroadcaster` (`event(e): PromiseLike<void>`).
   * @throws InvalidEventError when `event` has no `broadcastOn()` method.
   */
  event(event: ShouldBroadcast): PendingBroadcast {
    if (!isShouldBroadcast(event)) {
      throw new InvalidEventError(`Cannot broadcast ${describe(event)}: it has no broadcastOn() method (see ShouldBroadcast)`)
    }
    return new PendingBroadcast(event, (e, target) => this.#sendEvent(e, target))
  }

  /** An anonymous broadcast on the given channels (Laravel's `Broadcast::on()`). */
  on(channels: Channels): AnonymousBroadcast {
    return new AnonymousBroadcast(channels, (message, connection) => this.#sendMessage(message, connection))
  }

  /** An anonymous broadcast on a public channel: `channel('orders').broadcast('OrderCreated', data)`. */
  channel(name: string): AnonymousBroadcast {
    return this.on(new Channel(name))
  }

  /** An anonymous broadcast on a private channel (`private-` is added). */
  private(name: string): AnonymousBroadcast {
    return this.on(new PrivateChannel(name))
  }

  /** An anonymous broadcast on a presence channel (`presence-` is added). */
  presence(name: string): AnonymousBroadcast {
    return this.on(new PresenceChannel(name))
  }

  /**
   * Puts one port in place of every connection (how `BroadcasterFake.install` works) and returns
   * a function that puts the original ones back.
   */
  swap(port: BroadcasterPort): RestoreConnections {
    const previous = this.#connections
    this.#connections = new Map([...previous.keys()].map((name) => [name, port]))
    return () => {
      this.#connections = previous
    }
  }

  /** Closes every driver once (shared instances too), even when one fails; rejects with the failures. */
  async close(): Promise<void> {
    const ports = new Set([...this.#originals, ...this.#connections.values()])
    const results = await Promise.allSettled([...ports].map(async (port) => port.close?.()))
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
    if (failures.length === 1) throw failures[0]
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} broadcast connections failed to close`)
  }

  async #sendEvent(event: ShouldBroadcast, target: BroadcastTarget): Promise<void> {
    // Pick the port first: an unknown connection fails before any user code runs.
    const name = target.connection ?? event.broadcastVia?.() ?? this.#default
    const port = this.connection(name)
    assertSocketIdFor(port, name, target.socketId)
    const message = await messageFromEvent(event, target.socketId)
    if (message !== null) await port.broadcast(message)
  }

  async #sendMessage(message: BroadcastMessage, connection: string | undefined): Promise<void> {
    const name = connection ?? this.#default
    const port = this.connection(name)
    assertSocketIdFor(port, name, message.socketId)
    if (message.channels.length > 0) await port.broadcast(message)
  }
}

function acceptsSocketId(port: BroadcasterPort, socketId: unknown): socketId is string {
  if (typeof socketId !== 'string') return false
  return port.isValidSocketId === undefined ? isPusherSocketId(socketId) :  port.isValidSocketId(socketId)
}

/** The `toOthers` id, if any, must suit the connection it is sent through; the error names value and connection. */
function assertSocketIdFor(port: BroadcasterPort, connection: string, socketId: unknown): void {
  if (socketId === undefined || acceptsSocketId(port, socketId)) return
  const value = typeof socketId === 'string' ? socketId : String(socketId)
  throw port.isValidSocketId === undefined
    ? new InvalidSocketIdError(value)
    : new InvalidSocketIdError(value, `a socket id the "${connection}" connection's driver accepts`)
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return `an instance of ${value.constructor?.name ?? 'Object'}`
  return JSON.stringify(value) ?? String(value)
}
