// The presence store's Lua scripts: each runs atomically in Redis, so a join or leave on any server is one step.

/**
 * Records a connection in a channel's hashes; returns `{first, HGETALL info}`. `first` is 1 only when
 * this is the user's first connection on the channel anywhere in the cluster, 2 when it is also the return of a
 * user whose `member_removed` webhook was still pending (KEYS[4], cleared: nothing to report). Idempotent per
 * connection (HSETNX), so re-registering after a Redis restart never double-counts.
 */
export const JOIN_SCRIPT = `
local first = 0
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  if redis.call('HINCRBY', KEYS[2], ARGV[2], 1) == 1 then
    redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
    first = 1
    if redis.call('HDEL', KEYS[4], ARGV[2]) == 1 then first = 2 end
  end
end
return {first, redis.call('HGETALL', KEYS[3])}
`

/**
 * Removes a connection; returns 1 only when it was the user's last one in the cluster, and then marks the user's
 * `member_removed` pending with token ARGV[3] (KEYS[4], expiring after ARGV[4] ms). Idempotent.
 */
export const LEAVE_SCRIPT = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('HINCRBY', KEYS[2], ARGV[2], -1) <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[2])
  redis.call('HDEL', KEYS[3], ARGV[2])
  redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[4], ARGV[4])
  return 1
end
return 0
`

/** The scripts as commands on the client (`defineCommand`). */
export interface PresenceCommands {
  heraldPresenceJoin(conns: string, users: string, info: string, leaving: string, field: string, userId: string, infoJson: string): Promise<[number, string[]]>
  heraldPresenceLeave(conns: string, users: string, info: string, leaving: string, field: string, userId: string, token: string, ttlMs: number): Promise<number>
}
