import { Channel, PresenceChannel, PrivateChannel, type Channels } from '../channels/channel.js'
import { isValidSocketId as isPusherSocketId } from '../auth/socket-id.js'
import { BroadcastTimedOutError, InvalidEventError, InvalidSocketIdError, UnknownConnectionError, UnknownQueueConnectionError } from '../errors.js'
import { isShouldBroadcast, isShouldBroadcastNow, queueSettingOf, type ShouldBroadcast } from '../events/should-broadcast.js'
import type { BroadcasterPort } from '../ports/broadcaster-port.js'
import { createBroadcastJob, type BroadcastJob, type QueueSettings } from '../queue/broadcast-job.js'
import type { QueuePort } from '../queue/queue-port.js'
import { TIMED_OUT, withinDeadline } from '../within-deadline.js'
import { BroadcastHold, type PreparedSend } from './broadcast-hold.js'
import { AnonymousBroadcast, type AnonymousRoute } from './anonymous-broadcast.js'
import type { BroadcastMessage } from './broadcast-message.js'
import { messageFromEvent } from './message-from-event.js'
import { PendingBroadcast, type BroadcastTarget } from './pending-broadcast.js'

/** The named connections of a {@link Broadcasting} manager and which one is the default. */
export interface BroadcastingOptions {
  /** Name of the connection used when neither `via()` nor `broadcastVia()` picks one. */
  readonly default: string
  /** Connection name → driver. One driver instance may serve several names. */
  readonly connections: Readonly<Record<string, BroadcasterPort>>
  /**
   * Queue connections for events that are not `ShouldBroadcastNow`. Without it every event is sent at
   * once (the `sync` behaviour).
   */
  readonly queues?: QueueConnections | undefined
}

/** Named queue connections (Laravel's `queue.connections`) and which one is the default. */
export interface QueueConnections {
  readonly default: string
  readonly connections: Readonly<Record<string, QueuePort>>
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
  #queues: QueueConnections | undefined
  readonly #originalQueues: ReadonlySet<QueuePort>

  /** @throws UnknownConnectionError when `default` is not one of `connections`. */
  constructor(options: BroadcastingOptions) {
    this.#connections = new Map(Object.entries(options.connections))
    this.#originals = new Set(this.#connections.values())
    this.#default = options.default
    this.#queues = options.queues
    this.#originalQueues = new Set(Object.values(options.queues?.connections ?? {}))
    this.connection(options.default)
    if (options.queues !== undefined) this.queue(options.queues.default)
  }

  /** The queue behind a queue connection (the default one without a name). @throws UnknownQueueConnectionError */
  queue(name?: string): QueuePort {
    const queues = this.#queues
    const wanted = name ?? queues?.default ?? 'sync'
    const queue = queues?.connections[wanted]
    if (queue === undefined) throw new UnknownQueueConnectionError(wanted, Object.keys(queues?.connections ?? {}))
    return queue
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

  /**
   * An anonymous broadcast on the given channels (Laravel's `Broadcast::on()`): queued like an event by
   * `send()` (sent at once with the `sync` queue, the default), sent at once by `sendNow()`.
   */
  on(channels: Channels): AnonymousBroadcast {
    return new AnonymousBroadcast(channels, (message, route) => this.#prepareMessage(message, route))
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

  /**
   * Puts one queue in place of every queue connection (the only one, named `sync`, when none is
   * configured) and returns a function that puts the original ones back. How `BroadcasterFake` records queued broadcasts.
   */
  swapQueue(queue: QueuePort): RestoreConnections {
    const previous = this.#queues
    const names = Object.keys(previous?.connections ?? { sync: queue })
    this.#queues = { default: previous?.default ?? 'sync', connections: Object.fromEntries(names.map((n) => [n, queue])) }
    return () => {
      this.#queues = previous
    }
  }

  /**
   * A hold for broadcasts that must wait for a database transaction: `hold.event(e)` (an event, or an
   * anonymous broadcast passed unawaited) resolves the message now, `commit()` sends (or queues) them,
   * `rollback()` drops them. See {@link BroadcastHold}.
   */
  hold(): BroadcastHold {
    return new BroadcastHold((event, target) => this.#prepareEvent(event, target))
  }

  /**
   * Delivers a queued job through its broadcast connection, within its `timeout`: what a queue
   * worker (and the sync queue) calls. Rejects with the driver's error, so the queue retries.
   * @throws UnknownConnectionError, BroadcastTimedOutError
   */
  async deliver(job: BroadcastJob): Promise<void> {
    const port = this.connection(job.connection)
    if (job.timeout === undefined) return port.broadcast(job.message)
    const result = await withinDeadline(port.broadcast(job.message), job.timeout * 1000)
    if (result === TIMED_OUT) throw new BroadcastTimedOutError(job.message.event, job.timeout)
  }

  /** Closes every driver once (shared instances too), even when one fails; rejects with the failures. */
  async close(): Promise<void> {
    const queues = new Set([...this.#originalQueues, ...Object.values(this.#queues?.connections ?? {})])
    const ports: Set<{ close?(): Promise<void> }> = new Set([...this.#originals, ...this.#connections.values(), ...queues])
    const results = await Promise.allSettled([...ports].map(async (port) => port.close?.()))
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
    if (failures.length === 1) throw failures[0]
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} broadcast connections failed to close`)
  }

  async #sendEvent(event: ShouldBroadcast, target: BroadcastTarget): Promise<void> {
    const send = await this.#prepareEvent(event, target)
    if (send !== null) await send()
  }

  /**
   * Resolves the event into its message (and, when queued, its job) now; the returned function sends
   * it directly (`ShouldBroadcastNow`, or no queue configured) or pushes it onto its queue.
   */
  async #prepareEvent(event: ShouldBroadcast, target: BroadcastTarget): Promise<PreparedSend | null> {
    // Pick the ports first: an unknown connection fails before any user code runs.
    const name = target.connection ?? event.broadcastVia?.() ?? this.#default
    const port = this.connection(name)
    const queue = this.#queues === undefined || isShouldBroadcastNow(event) ? undefined : this.queue(event.broadcastConnection?.())
    assertSocketIdFor(port, name, target.socketId)
    const message = await messageFromEvent(event, target.socketId)
    if (message === null) return null
    return this.#sendOrQueue(message, name, port, queue, {
      tries: queueSettingOf(event, 'tries'),
      backoff: queueSettingOf(event, 'backoff'),
      timeout: queueSettingOf(event, 'timeout'),
    })
  }

  /** The anonymous-broadcast side of {@link #prepareEvent}: the message is already resolved, the checks are the same. */
  #prepareMessage(message: BroadcastMessage, route: AnonymousRoute): PreparedSend | null {
    const name = route.connection ?? this.#default
    const port = this.connection(name)
    const queue = this.#queues === undefined || route.now ? undefined : this.queue(route.queueConnection)
    assertSocketIdFor(port, name, message.socketId)
    // As for events, no channels means nothing to send, and nothing to queue.
    if (message.channels.length === 0) return null
    return this.#sendOrQueue(message, name, port, queue, {})
  }

  /** Sends directly when there is no queue; otherwise builds the job now (a bad setting throws here) and pushes it when called. */
  #sendOrQueue(message: BroadcastMessage, connection: string, port: BroadcasterPort, queue: QueuePort | undefined, settings: QueueSettings): PreparedSend {
    if (queue === undefined) return () => port.broadcast(message)
    const job = createBroadcastJob(message, connection, settings)
    return () => queue.push(job, (j) => this.deliver(j))
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
