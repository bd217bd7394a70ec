import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as delay } from 'node:timers/promises'
import { RedisBroadcaster } from '../../src/adapters/redis/redis-broadcaster.js'
import { HeraldError, HeraldErrorCode, type BroadcastFailedError } from '../../src/domain/errors.js'
import { startRedis, type TestRedis } from '../helpers/redis-server.js'
import { waitFor } from '../helpers/wait-for.js'
import { connectClient, sdkFor, type ClusterClient } from './support/cluster-client.js'
import { spawnHerald, type HeraldProcess } from './support/herald-process.js'

type Phase = 'before' | 'down' | 'back'
interface Outcome {
  readonly i: number
  readonly ok: boolean
  readonly phase: Phase
  readonly err?: unknown
}

describe('Redis stops and starts under a stream of events', () => {
  let redis: TestRedis
  let servers: HeraldProcess[] = []
  const clients: ClusterClient[] = []

  before(async () => {
    redis = await startRedis({ private: true })
    servers = await Promise.all([spawnHerald(redis.url), spawnHerald(redis.url)])
  })
  after(async () => {
    for (const c of clients) c.pusher.disconnect()
    await Promise.all(servers.map((s) => s.stop()))
    await redis.stop()
  })

  test('publishes during the outage reject; servers keep local delivery, report it in /up, and resume by themselves', async (t) => {
    const [a, b] = [await connectClient(servers[0]!.port), await connectClient(servers[1]!.port)]
    const pat = await connectClient(servers[0]!.port, 'pat')
    clients.push(a, b, pat)
    await a.join('stream')
    await b.join('stream')
    await pat.join('presence-lobby')

    const driver = new RedisBroadcaster({ url: redis.url, prefix: '', timeoutMs: 2000 })
    t.after(() => driver.close())
    const outcomes: Outcome[] = []
    let phase: Phase = 'before'
    let running = true
    // A steady stream from an app process (not a server), paced at ~50/s; pacing, not synchronisation.
    const stream = (async () => {
      for (let i = 0; running; i++) {
        const at = phase
        try {
          await driver.broadcast({ channels: ['stream'], event: 'Tick', payload: { i } })
          outcomes.push({ i, ok: true, phase: at })
        } catch (err) {
          outcomes.push({ i, ok: false, phase: at, err })
        }
        await delay(20)
      }
    })()
    const count = (p: Phase, ok: boolean): number => outcomes.filter((o) => o.phase === p && o.ok === ok).length

    await waitFor(() => count('before', true) >= 10, { what: '10 events published before the outage' })
    phase = 'down'
    await redis.stop()
    await waitFor(() => count('down', false) >= 5, { what: '5 publishes rejected while Redis is down', timeoutMs: 10_000 })
    for (const s of servers) {
      await waitFor(async () => (await s.up())?.status === 'degraded', { what: `GET /up on :${s.port} to report the outage`, timeoutMs: 10_000 })
    }
    // The servers still serve their own connections: the HTTP API delivers locally during the outage.
    await sdkFor(servers[0]!.port).trigger('stream', 'LocalOnly', { during: 'outage' })
    await waitFor(() => a.seen('stream', 'LocalOnly').length === 1, { what: 'local delivery during the outage' })
    assert.ok(servers[0]!.logs.some((l) => l.includes('redis') && l.includes('unavailable')), 'the outage is logged')

    await redis.restart()
    for (const s of servers) {
      await waitFor(async () => (await s.up())?.status === 'ok', { what: `GET /up on :${s.port} to recover`, timeoutMs: 20_000, intervalMs: 50 })
    }
    // The driver's own connection reconnects on its own schedule (at most 1 s apart): "back" starts
    // at its first success; publishes before that were rejected promptly, as during the outage.
    const restartedAt = outcomes.length
    await waitFor(() => outcomes.slice(restartedAt).some((o) => o.ok), { what: 'the driver to publish again', timeoutMs: 10_000 })
    phase = 'back'
    await waitFor(() => count('back', true) >= 20, { what: '20 events published after Redis returned', timeoutMs: 20_000 })
    running = false
    await stream
    await driver.broadcast({ channels: ['stream'], event: 'marker', payload: {} })
    for (const c of [a, b]) await waitFor(() => c.seen('stream', 'marker').length === 1, { what: 'the final marker' })

    for (const o of outcomes.filter((x) => !x.ok)) {
      assert.ok(HeraldError.is(o.err, HeraldErrorCode.BroadcastFailed), `a rejected publish fails with BroadcastFailedError (got ${String(o.err)})`)
      assert.deepEqual((o.err as BroadcastFailedError).channels, ['stream'])
    }
    assert.equal(count('before', false) + count('back', false), 0, 'no publish fails while Redis is up')
    const rejected = new Set(outcomes.filter((o) => !o.ok).map((o) => o.i))
    // Published while Redis was up (before the stop, after both servers reported ok again): each exactly once.
    const mustArrive = outcomes.filter((o) => o.ok && o.phase !== 'down').map((o) => o.i)
    for (const c of [a, b]) {
      const got = c.seen('stream', 'Tick').map((r) => (r.data as { i: number }).i)
      assert.equal(new Set(got).size, got.length, 'no event is delivered twice')
      assert.deepEqual(
        mustArrive.filter((i) => !got.includes(i)),
        [],
        'nothing published while Redis was up is lost',
      )
      assert.deepEqual(
        got.filter((i) => rejected.has(i)),
        [],
        'a rejected publish is never delivered later',
      )
    }
    // Presence members of live connections are registered again in the restarted (empty) Redis.
    await waitFor(
      async () => {
        const r = await sdkFor(servers[1]!.port).get({ path: '/channels/presence-lobby/users' })
        return ((await r.json()) as { users: { id: string }[] }).users.some((u) => u.id === 'pat')
      },
      { what: "pat's presence to be registered again after the restart", timeoutMs: 10_000 },
    )
    console.log(`# outage: ${count('down', false)} rejected, ${count('before', true) + count('back', true)} delivered while up`)
  })
})
