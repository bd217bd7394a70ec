import type { PresenceMember } from '../../domain/realtime/presence-member.js'

// How the presence store names its local mirrors and writes rosters and member frames, as the single-process hub does.

export function mirrorKey(appId: string, channel: string): string {
  return `${appId}\u0000${channel}`
}

export function splitMirrorKey(k: string): { appId: string; channel: string } {
  const at = k.indexOf('\u0000')
  return { appId: k.slice(0, at), channel: k.slice(at + 1) }
}

/** `member_added` data, as the single-process hub sends it. */
export function memberAddedData(member: PresenceMember): string {
  return JSON.stringify(member.userInfo === undefined ? { user_id: member.userId } : { user_id: member.userId, user_info: member.userInfo })
}

/** Builds the roster from a channel's `info` hash as returned by HGETALL (flat field/value list). */
export function rosterFromInfo(flat: readonly string[]): string {
  const hash: Record<string, unknown> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) {
    hash[flat[i] as string] = parseInfo(flat[i + 1] as string)
  }
  return serialiseRoster(hash)
}

export function parseInfo(json: string): unknown {
  try {
    return JSON.parse(json) as unknown
  } catch {
    // Written by JOIN_SCRIPT from JSON.stringify, so unparsable only if someone else wrote it: show no info.
    return null
  }
}

export function serialiseRoster(hash: Record<string, unknown>): string {
  const ids = Object.keys(hash)
  return JSON.stringify({ presence: { ids, hash, count: ids.length } })
}
