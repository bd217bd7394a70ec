import { assertValidChannelName, type ChannelKind } from './channel-name.js'

/**
 * A public channel. Value object: a kind plus a name, the wire name derived from both.
 * @example new Channel('orders')            // wire name 'orders'
 */
export class Channel {
  /** The kind, which decides the wire prefix. */
  readonly kind: ChannelKind = 'public'
  /** The name without prefix, e.g. `orders.1`. */
  readonly name: string

  constructor(name: string) {
    this.name = name
    assertValidChannelName(this.toString())
  }

  /** The prefix this kind adds on the wire. */
  protected get prefix(): string {
    return ''
  }

  /** The wire name, e.g. `private-orders.1`. */
  toString(): string {
    return this.prefix + this.name
  }
}

/** A private channel (`private-`): subscribers need a signed authorization. */
export class PrivateChannel extends Channel {
  override readonly kind: ChannelKind = 'private'
  protected override get prefix(): string {
    return 'private-'
  }
}

/** A presence channel (`presence-`): private, plus a roster of who is subscribed. */
export class PresenceChannel extends Channel {
  override readonly kind: ChannelKind = 'presence'
  protected override get prefix(): string {
    return 'presence-'
  }
}

/** An end-to-end encrypted private channel (`private-encrypted-`). */
export class EncryptedPrivateChannel extends Channel {
  override readonly kind: ChannelKind = 'encrypted'
  protected override get prefix(): string {
    return 'private-encrypted-'
  }
}

/** What `broadcastOn()` may return: a wire name, a channel object, or a list of either. */
export type ChannelLike = string | Channel
export type Channels = ChannelLike | readonly ChannelLike[]

/** Turns `broadcastOn()`'s result into validated wire names, without duplicates. */
export function resolveChannelNames(channels: Channels): string[] {
  const list: readonly ChannelLike[] = Array.isArray(channels) ? channels : [channels as ChannelLike]
  const names = new Set<string>()
  for (const c of list) {
    const name = typeof c === 'string' ? c : c.toString()
    assertValidChannelName(name)
    names.add(name)
  }
  return [...names]
}
