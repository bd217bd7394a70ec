import { PrivateChannel, type Channels } from '../channels/channel.js'
import { InvalidEventError } from '../errors.js'
import type { ShouldBroadcast } from '../events/should-broadcast.js'

/** The model events Laravel's `BroadcastsEvents` broadcasts (`trashed`/`restored` where soft deletes exist). */
export const MODEL_EVENT_TYPES = ['created', 'updated', 'deleted', 'trashed', 'restored'] as const

/** One model event type. */
export type ModelEventType = (typeof MODEL_EVENT_TYPES)[number]

/** Laravel's model namespace, which becomes the channel prefix: `App\Models\Post` → `App.Models.Post.{id}`. */
export const DEFAULT_MODEL_NAMESPACE = 'App.Models'

/** What an ORM integration knows about a model instance: its name, its key and its attributes. */
export interface ModelSnapshot {
  /** The model's name, e.g. `Post` (Laravel's class basename). */
  readonly name: string
  /** The primary key. */
  readonly key: string | number
  /** The attributes as JSON-safe values (Laravel's `toArray()`). */
  readonly attributes: Record<string, unknown>
}

/**
 * Per-model broadcasting rules, Laravel's `BroadcastsEvents` methods; each receives the event type
 * and the model. Every one is optional.
 */
export interface ModelBroadcastRules {
  /** Which events broadcast. @default all of {@link MODEL_EVENT_TYPES} */
  readonly events?: readonly ModelEventType[]
  /** Channel prefix. @default 'App.Models' */
  readonly namespace?: string
  /** @default the model's private channel, `private-App.Models.Post.{key}`; an empty list skips the event */
  broadcastOn?(event: ModelEventType, model: ModelSnapshot): Channels
  /** @default `PostCreated`, `PostUpdated`, … */
  broadcastAs?(event: ModelEventType, model: ModelSnapshot): string
  /** @default `{ model: attributes }`, the payload Echo's `useEchoModel` expects */
  broadcastWith?(event: ModelEventType, model: ModelSnapshot): Record<string, unknown>
  /** The broadcast connection. @default the default connection */
  broadcastVia?(event: ModelEventType, model: ModelSnapshot): string | undefined
  /** The queue name. @default the queue connection's default */
  broadcastQueue?(event: ModelEventType, model: ModelSnapshot): string | undefined
  /** The queue connection. @default the default queue connection */
  broadcastConnection?(event: ModelEventType, model: ModelSnapshot): string | undefined
}

/** A model's broadcast channel name without the `private-` prefix: `App.Models.Post.1` (Laravel's `broadcastChannel()`). */
export function modelChannelName(name: string, key: string | number, namespace: string = DEFAULT_MODEL_NAMESPACE): string {
  return namespace === '' ? `${name}.${key}` : `${namespace}.${name}.${key}`
}

/** `PostCreated` for `Post` and `created` (Laravel's `class_basename($model).ucfirst($event)`). */
export function modelEventName(name: string, event: ModelEventType): string {
  return `${name}${event[0]?.toUpperCase() ?? ''}${event.slice(1)}`
}

/**
 * The broadcastable event for one model event (Laravel's `BroadcastableModelEventOccurred`). It goes
 * through the same path as any event: queue, `toOthers`, the fake (`assertBroadcasted('PostCreated')`).
 *
 * @example
 * await broadcasting.event(new ModelEventOccurred({ name: 'Post', key: 1, attributes: post }, 'created'))
 * // Echo: Echo.private('App.Models.Post.1').listen('.PostCreated', (e) => e.model)
 */
export class ModelEventOccurred implements ShouldBroadcast {
  /** The model as it was when the event happened. */
  readonly model: ModelSnapshot
  /** `created`, `updated`, … */
  readonly type: ModelEventType
  readonly #rules: ModelBroadcastRules

  constructor(model: ModelSnapshot, type: ModelEventType, rules: ModelBroadcastRules = {}) {
    if (!(MODEL_EVENT_TYPES as readonly string[]).includes(type)) {
      throw new InvalidEventError(`unknown model event ${JSON.stringify(type)}; expected one of ${MODEL_EVENT_TYPES.join(', ')}`)
    }
    if (typeof model.name !== 'string' || model.name === '') throw new InvalidEventError('a model event needs the model name')
    if (model.key === undefined || model.key === null || model.key === '') {
      throw new InvalidEventError(`a ${model.name} ${type} event needs the model key (got ${JSON.stringify(model.key) ?? 'undefined'})`)
    }
    this.model = model
    this.type = type
    this.#rules = rules
  }

  broadcastOn(): Channels {
    return this.#rules.broadcastOn?.(this.type, this.model) ?? new PrivateChannel(modelChannelName(this.model.name, this.model.key, this.#rules.namespace))
  }

  broadcastAs(): string {
    return this.#rules.broadcastAs?.(this.type, this.model) ?? modelEventName(this.model.name, this.type)
  }

  broadcastWith(): Record<string, unknown> {
    return this.#rules.broadcastWith?.(this.type, this.model) ?? { model: this.model.attributes }
  }

  broadcastVia(): string | undefined {
    return this.#rules.broadcastVia?.(this.type, this.model)
  }

  broadcastQueue(): string | undefined {
    return this.#rules.broadcastQueue?.(this.type, this.model)
  }

  broadcastConnection(): string | undefined {
    return this.#rules.broadcastConnection?.(this.type, this.model)
  }
}

/** True when `rules` say `type` broadcasts. */
export function broadcastsModelEvent(rules: ModelBroadcastRules, type: ModelEventType): boolean {
  return rules.events === undefined || rules.events.includes(type)
}
