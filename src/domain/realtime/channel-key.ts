/** The key of one app's channel in the hub's maps (NUL occurs in neither an app id nor a channel name). */
export function channelKey(appId: string, channel: string): string {
  return `${appId}\u0000${channel}`
}
