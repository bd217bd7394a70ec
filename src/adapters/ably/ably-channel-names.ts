/**
 * Channel names as Laravel's Ably broadcaster (laravel/framework and ably/laravel-broadcaster)
 * maps them, so `@ably/laravel-echo` clients find Herald's broadcasts:
 *
 * | Herald / Pusher wire name | Ably channel name   |
 * | ------------------------- | ------------------- |
 * | `private-orders.1`        | `private:orders.1`  |
 * | `presence-chat.1`         | `presence:chat.1`   |
 * | `orders`                  | `public:orders`     |
 *
 * Only the first prefix is replaced (`private-encrypted-x` becomes `private:encrypted-x`, as in Laravel).
 */
export function toAblyChannelName(name: string): string {
  if (name.startsWith('private-')) return `private:${name.slice('private-'.length)}`
  if (name.startsWith('presence-')) return `presence:${name.slice('presence-'.length)}`
  return `public:${name}`
}

/**
 * The inverse of {@link toAblyChannelName}, for the `/broadcasting/auth` route: `@ably/laravel-echo`
 * sends Ably names (`private:orders.1`), Herald's channel authorizer speaks wire names (`private-orders.1`).
 * A name without an Ably prefix is returned unchanged.
 */
export function fromAblyChannelName(name: string): string {
  if (name.startsWith('private:')) return `private-${name.slice('private:'.length)}`
  if (name.startsWith('presence:')) return `presence-${name.slice('presence:'.length)}`
  if (name.startsWith('public:')) return name.slice('public:'.length)
  return name
}

/** True for Ably names that need a token capability granted by `/broadcasting/auth` (private and presence). */
export function isGuardedAblyChannel(name: string): boolean {
  return name.startsWith('private:') || name.startsWith('presence:')
}
