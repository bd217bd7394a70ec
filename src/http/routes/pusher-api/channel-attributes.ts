import { channelKindOf } from '../../../domain/channels/channel-name.js'
import { InvalidRequestError } from '../../../domain/errors.js'
import type { ChannelInfo } from '../../../domain/realtime/realtime-hub-port.js'

/** Attributes a client may ask for with `info=`. */
export type InfoAttribute = 'user_count' | 'subscription_count'

/** The attributes reported for one channel, with Pusher's field names. */
export interface ChannelAttributes {
  user_count?: number
  subscription_count?: number
}

const KNOWN: ReadonlySet<string> = new Set<InfoAttribute>(['user_count', 'subscription_count'])

/**
 * Parses `info=user_count,subscription_count`. Unknown attributes are a 400 naming them, except `cache`,
 * which Pusher defines for cache channels and which this server accepts but does not report.
 */
export function parseInfoAttributes(raw: string | undefined, field = 'info'): Set<InfoAttribute> {
  const attributes = new Set<InfoAttribute>()
  if (raw === undefined || raw === '') return attributes
  for (const part of raw.split(',')) {
    const attribute = part.trim()
    if (attribute === '' || attribute === 'cache') continue
    if (!KNOWN.has(attribute)) {
      throw new InvalidRequestError(field, `unknown attribute ${JSON.stringify(attribute)}; expected user_count and/or subscription_count`)
    }
    attributes.add(attribute as InfoAttribute)
  }
  return attributes
}

/** True for presence channels, the only ones with a `user_count`. */
export function isPresenceChannel(channel: string): boolean {
  return channelKindOf(channel) === 'presence'
}

/**
 * The requested attributes of one channel. `user_count` exists only for presence channels and is
 * left out for others (as Pusher does when an event's `info` spans both kinds).
 */
export function channelAttributes(channel: string, info: ChannelInfo, requested: ReadonlySet<InfoAttribute>): ChannelAttributes {
  const attributes: ChannelAttributes = {}
  if (requested.has('user_count') && isPresenceChannel(channel)) attributes.user_count = info.userCount ?? 0
  if (requested.has('subscription_count')) attributes.subscription_count = info.subscriptionCount
  return attributes
}
