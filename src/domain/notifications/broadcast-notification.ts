import { randomUUID } from 'node:crypto'
import { PrivateChannel, type Channels } from '../channels/channel.js'
import { InvalidEventError } from '../errors.js'
import type { ShouldBroadcast } from '../events/should-broadcast.js'
import { DEFAULT_MODEL_NAMESPACE, modelChannelName } from '../models/model-event.js'

/**
 * The event name laravel-echo's `.notification(cb)` listens for (Echo prefixes it with a dot, which
 * means "no namespace"): Laravel's `BroadcastNotificationCreated` class name, verbatim.
 */
export const BROADCAST_NOTIFICATION_EVENT = 'Illuminate\\Notifications\\Events\\BroadcastNotificationCreated'

/** Who receives a notification: a model (`App.Models.User.{key}`) or anything that names its own channels. */
export interface Notifiable {
  /** The model name. @default 'User' */
  readonly name?: string
  /** The primary key; required unless `receivesBroadcastNotificationsOn` is given. */
  readonly key?: string | number
  /** Channel prefix. @default 'App.Models' */
  readonly namespace?: string
  /** Laravel's `receivesBroadcastNotificationsOn()`. @default the private channel `App.Models.User.{key}` */
  receivesBroadcastNotificationsOn?(): Channels
}

/** A notification that goes to the broadcast channel (Laravel's `toBroadcast()`). */
export interface BroadcastNotification<N extends Notifiable = Notifiable> {
  /** The data merged into the payload. */
  toBroadcast(notifiable: N): Record<string, unknown>
  /** The `type` field clients see. @default the class name */
  broadcastType?(): string
  /** The notification id. @default a random UUID */
  readonly id?: string
}

/**
 * The event for one broadcast notification (Laravel's `BroadcastNotificationCreated`): on the
 * notifiable's private channel, payload `{ ...data, id, type }`, received by Echo's
 * `Echo.private('App.Models.User.1').notification(cb)` unchanged. Queued like any event.
 */
export class BroadcastNotificationCreated implements ShouldBroadcast {
  readonly notifiable: Notifiable
  readonly notification: BroadcastNotification
  /** The notification id sent to clients. */
  readonly id: string
  readonly #data: Record<string, unknown>

  constructor(notifiable: Notifiable, notification: BroadcastNotification, id: string = notification.id ?? randomUUID()) {
    if (typeof notification?.toBroadcast !== 'function') throw new InvalidEventError('a broadcast notification needs a toBroadcast(notifiable) method')
    if (notifiable.receivesBroadcastNotificationsOn === undefined && (notifiable.key === undefined || notifiable.key === '')) {
      throw new InvalidEventError('a notifiable needs a key (App.Models.User.{key}) or a receivesBroadcastNotificationsOn() method')
    }
    this.notifiable = notifiable
    this.notification = notification
    this.id = id
    // Resolved now, as Laravel does when the notification is sent, so a queued notification carries its data.
    this.#data = notification.toBroadcast(notifiable)
  }

  broadcastOn(): Channels {
    const { notifiable } = this
    if (notifiable.receivesBroadcastNotificationsOn !== undefined) return notifiable.receivesBroadcastNotificationsOn()
    return new PrivateChannel(modelChannelName(notifiable.name ?? 'User', notifiable.key ?? '', notifiable.namespace ?? DEFAULT_MODEL_NAMESPACE))
  }

  broadcastAs(): string {
    return BROADCAST_NOTIFICATION_EVENT
  }

  /** `{ ...data, id, type }`: id and type win over data keys of the same name, as in Laravel. */
  broadcastWith(): Record<string, unknown> {
    return { ...this.#data, id: this.id, type: this.#type() }
  }

  #type(): string {
    if (this.notification.broadcastType !== undefined) return this.notification.broadcastType()
    const name = this.notification.constructor?.name
    return name === undefined || name === '' || name === 'Object' ? 'Notification' : name
  }
}

/**
 * Sends a broadcast notification (Laravel's `$user->notify()` for the broadcast channel) and returns
 * the pending broadcast, so `.toOthers(id)` can be chained before it is awaited.
 *
 * @example
 * await notify(broadcasting, { key: user.id }, new InvoicePaid(invoice))
 * // Echo: Echo.private('App.Models.User.1').notification((n) => n.type === 'InvoicePaid')
 */
export function notify<P extends PromiseLike<void>>(
  broadcasting: { event(event: ShouldBroadcast): P },
  notifiable: Notifiable,
  notification: BroadcastNotification,
): P {
  return broadcasting.event(new BroadcastNotificationCreated(notifiable, notification))
}
