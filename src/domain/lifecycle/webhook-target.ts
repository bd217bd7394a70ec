import type { LifecycleEvent, LifecycleEventName } from './lifecycle-event.js'

/** One webhook endpoint of an app (`apps[].webhooks[]`). */
export interface WebhookTarget {
  /** Where the `POST` goes. */
  readonly url: string
  /** The event types sent to it. @default every type */
  readonly eventTypes?: readonly LifecycleEventName[]
  /** Only events of channels whose name matches. @default every channel */
  readonly filter?: {
    readonly channelNameStartsWith?: string
    readonly channelNameEndsWith?: string
  }
  /** Extra request headers (e.g. an authorization token of the receiver). @default {} */
  readonly headers?: Readonly<Record<string, string>>
}

/** Whether `target` wants `event`: its type is listed (or no list) and its channel passes the filter. */
export function targetWants(target: WebhookTarget, event: LifecycleEvent): boolean {
  if (target.eventTypes !== undefined && !target.eventTypes.includes(event.name)) return false
  const { channelNameStartsWith: starts, channelNameEndsWith: ends } = target.filter ?? {}
  if (starts !== undefined && !event.channel.startsWith(starts)) return false
  return ends === undefined || event.channel.endsWith(ends)
}
