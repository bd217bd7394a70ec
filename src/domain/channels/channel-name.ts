import { InvalidChannelNameError, InvalidEventNameError } from '../errors.js'

/** Longest channel name accepted, prefix included (the official Node SDK's limit). */
export const MAX_CHANNEL_NAME_LENGTH = 200
/** Longest event name accepted. */
export const MAX_EVENT_NAME_LENGTH = 200

const CHANNEL_CHARS = /^#?[-a-zA-Z0-9_=@,.;]+$/
const EVENT_FORBIDDEN_PREFIXES = ['pusher:', 'pusher_internal:'] as const

/** The kinds of channel, told apart by their wire prefix. */
export type ChannelKind = 'public' | 'private' | 'presence' | 'encrypted'

/** Throws {@link InvalidChannelNameError} unless `name` follows the Pusher channel naming rules. */
export function assertValidChannelName(name: string): void {
  // oxlint-disable-next-line typescript/no-unnecessary-type-conversion -- JavaScript callers can pass anything
  if (typeof name !== 'string' || name.length === 0) throw new InvalidChannelNameError(String(name), 'must be a non-empty string')
  if (name.length > MAX_CHANNEL_NAME_LENGTH) {
    throw new InvalidChannelNameError(name, `must be at most ${MAX_CHANNEL_NAME_LENGTH} characters (got ${name.length})`)
  }
  if (!CHANNEL_CHARS.test(name)) {
    throw new InvalidChannelNameError(name, 'may contain only letters, digits and - _ = @ , . ;')
  }
}

/** True when `name` follows the Pusher channel naming rules. */
export function isValidChannelName(name: string): boolean {
  return typeof name === 'string' && name.length > 0 && name.length <= MAX_CHANNEL_NAME_LENGTH && CHANNEL_CHARS.test(name)
}

/** Throws {@link InvalidEventNameError} unless `name` is a valid event name for a server broadcast. */
export function assertValidEventName(name: string): void {
  // oxlint-disable-next-line typescript/no-unnecessary-type-conversion -- JavaScript callers can pass anything
  if (typeof name !== 'string' || name.length === 0) throw new InvalidEventNameError(String(name), 'must be a non-empty string')
  if (name.length > MAX_EVENT_NAME_LENGTH) {
    throw new InvalidEventNameError(name, `must be at most ${MAX_EVENT_NAME_LENGTH} characters (got ${name.length})`)
  }
  for (const prefix of EVENT_FORBIDDEN_PREFIXES) {
    if (name.startsWith(prefix)) throw new InvalidEventNameError(name, `the '${prefix}' prefix is reserved for the protocol`)
  }
}

/** The kind of a wire channel name, from its prefix. `private-encrypted-` is checked before `private-`. */
export function channelKindOf(name: string): ChannelKind {
  if (name.startsWith('private-encrypted-')) return 'encrypted'
  if (name.startsWith('private-')) return 'private'
  if (name.startsWith('presence-')) return 'presence'
  return 'public'
}

/** True for channels that need a signed subscription (private, presence, encrypted). */
export function requiresAuth(name: string): boolean {
  return channelKindOf(name) !== 'public'
}

/** Strips the kind prefix: `private-orders.1` → `orders.1`. Cache prefixes are kept. */
export function stripChannelPrefix(name: string): string {
  const kind = channelKindOf(name)
  if (kind === 'encrypted') return name.slice('private-encrypted-'.length)
  if (kind === 'private') return name.slice('private-'.length)
  if (kind === 'presence') return name.slice('presence-'.length)
  return name
}
