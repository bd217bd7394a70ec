/**
 * The shared contract every `BroadcasterPort` implementation runs (after hono's `runTest`).
 * `BroadcasterFake`, the log driver and every real driver (redis, pusher, ably, local) run this
 * same suite, so the fake cannot drift from what real drivers do.
 *
 * Shape:
 * ```ts
 * import { describeBroadcasterContract } from '../../contract/broadcaster-port.contract.js'
 *
 * describeBroadcasterContract('RedisBroadcaster', async () => {
 *   const redis = await startRedisServer()               // your own private resources
 *   const port = new RedisBroadcaster({ url: redis.url }, nullLogger)
 *   const seen: ObservedMessage[] = []                   // filled by your observer (a SUBSCRIBE client, an HTTP recorder, …)
 *   return {
 *     port,
 *     observe: async () => seen,                         // everything delivered SO FAR, one entry per channel
 *     teardown: async () => { await port.close?.(); await redis.stop() },
 *   }
 * })
 * ```
 *
 * - `setup()` is called once for the main suite (in `before`) and once more for the `close()` test;
 *   `teardown()` is called in `after`. Each test uses its own unique channel names, so observations
 *   may accumulate across tests.
 * - `observe()` returns every message delivered so far, **one {@link ObservedMessage} per channel**
 *   (a driver that sends one request for many channels expands it). The suite polls it with
 *   `waitFor`, so asynchronous delivery (pub/sub, HTTP) is fine; no sleeps.
 * - `socketId` in an observation is the socket id the driver conveyed as "exclude this one"
 *   (`socket_id` for Pusher's HTTP API, the hub's `exceptSocketId` for `local`, …). A driver whose wire
 *   cannot carry it passes `{ skip: { socketId: 'reason' } }`; the skipped tests then say why.
 * - `teardown()` must release everything (`port.close()` included). `close()`, when present, must be
 *   idempotent: the suite calls it twice and then still calls `teardown()`.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { BroadcasterPort } from '../../src/domain/ports/broadcaster-port.js'
import type { BroadcastMessage } from '../../src/domain/broadcasting/broadcast-message.js'
import { waitFor } from '../helpers/wait-for.js'

/** One delivery as seen at the far end: one channel, one event. */
export interface ObservedMessage {
  readonly channel: string
  readonly event: string
  /** The payload as received, after any JSON round trip (compare with `deepEqual`). */
  readonly payload: unknown
  /** The excluded socket id the driver conveyed, if any. */
  readonly socketId?: string | undefined
}

/** What `setup()` returns. */
export interface BroadcasterContractFixture {
  readonly port: BroadcasterPort
  observe(): Promise<readonly ObservedMessage[]>
  teardown(): Promise<void>
}

/** Options: reasoned skips only (a missing dependency is a failure, not a skip). */
export interface BroadcasterContractOptions {
  readonly skip?: {
    /** Reason the driver cannot convey a `toOthers` socket id to the observer. */
    readonly socketId?: string
  }
  /** How long to wait for a delivery. @default 5000 */
  readonly timeoutMs?: number
}

let sequence = 0
/** A channel name unique to this process and test, so observations never collide. */
function uniqueChannel(base: string): string {
  sequence += 1
  return `${base}.${process.pid}.${sequence}`
}

/** Registers the contract suite for one `BroadcasterPort` implementation. */
export function describeBroadcasterContract(
  name: string,
  setup: () => Promise<BroadcasterContractFixture>,
  options: BroadcasterContractOptions = {},
): void {
  const timeoutMs = options.timeoutMs ?? 5000

  describe(`BroadcasterPort contract: ${name}`, () => {
    let fixture: BroadcasterContractFixture

    before(async () => {
      fixture = await setup()
    })
    after(async () => {
      await fixture?.teardown()
    })

    async function seenOn(channel: string, count = 1): Promise<ObservedMessage[]> {
      return waitFor(
        async () => {
          const list = (await fixture.observe()).filter((m) => m.channel === channel)
          return list.length >= count ? list : undefined
        },
        { what: `${count} message(s) on '${channel}' via ${name}`, timeoutMs },
      )
    }

    test('delivers the event name and payload to the channel', async () => {
      const channel = uniqueChannel('orders')
      const payload = { order_id: 1, total: 9.5, tags: ['a', 'b'], nested: { ok: true, none: null }, text: 'héllo ✓' }
      const result = fixture.port.broadcast({ channels: [channel], event: 'OrderShipped', payload })
      assert.ok(result instanceof Promise, 'broadcast returns a Promise')
      assert.equal(await result, undefined)
      const [seen] = await seenOn(channel)
      assert.equal(seen?.event, 'OrderShipped')
      assert.deepEqual(seen?.payload, payload)
      assert.equal(seen?.socketId, undefined, 'no socket id is conveyed without toOthers')
    })

    test('delivers one message to every channel of the message', async () => {
      const channels = [uniqueChannel('a'), `private-${uniqueChannel('b')}`, `presence-${uniqueChannel('c')}`]
      await fixture.port.broadcast({ channels, event: 'Multi', payload: { n: 1 } })
      for (const channel of channels) {
        const [seen] = await seenOn(channel)
        assert.equal(seen?.event, 'Multi')
        assert.deepEqual(seen?.payload, { n: 1 })
      }
    })

    test('keeps the order of sequential broadcasts on one channel', async () => {
      const channel = uniqueChannel('ordered')
      for (let i = 0; i < 5; i++) await fixture.port.broadcast({ channels: [channel], event: 'Tick', payload: { i } })
      const seen = await seenOn(channel, 5)
      assert.deepEqual(
        seen.map((m) => (m.payload as { i: number }).i),
        [0, 1, 2, 3, 4],
      )
    })

    test('loses nothing when many broadcasts run concurrently', async () => {
      const channel = uniqueChannel('burst')
      const count = 20
      await Promise.all(
        Array.from({ length: count }, (_, i) => fixture.port.broadcast({ channels: [channel], event: 'Burst', payload: { i } })),
      )
      const seen = await seenOn(channel, count)
      const indexes = seen.map((m) => (m.payload as { i: number }).i).sort((x, y) => x - y)
      assert.deepEqual(indexes, Array.from({ length: count }, (_, i) => i))
    })

    test('conveys the toOthers socket id separately from the payload', { skip: options.skip?.socketId ?? false }, async () => {
      const channel = uniqueChannel('others')
      const message: BroadcastMessage = { channels: [channel], event: 'Typing', payload: { user: 7 }, socketId: '1234.5678' }
      await fixture.port.broadcast(message)
      const [seen] = await seenOn(channel)
      assert.equal(seen?.socketId, '1234.5678')
      assert.deepEqual(seen?.payload, { user: 7 }, 'the socket id never travels inside the payload')
    })

    test('isValidSocketId (optional): a pure predicate that refuses blank ids and accepts the ids it conveys', async () => {
      const rule = fixture.port.isValidSocketId?.bind(fixture.port)
      if (rule === undefined) return // the manager then applies Pusher's digits.digits
      assert.equal(rule(''), false, 'a blank id is no socket id for any driver')
      assert.equal(rule(' '), false, 'a blank id is no socket id for any driver')
      if (options.skip?.socketId === undefined) assert.equal(rule('1234.5678'), true, 'the id the toOthers test conveys')
      assert.equal(rule('1234.5678'), rule('1234.5678'), 'the same answer every time')
    })

    test('does not alter the message it was given', async () => {
      const channel = uniqueChannel('frozen')
      const message: BroadcastMessage = Object.freeze({
        channels: Object.freeze([channel]),
        event: 'Frozen',
        payload: Object.freeze({ a: 1 }),
      })
      await fixture.port.broadcast(message)
      const [seen] = await seenOn(channel)
      assert.deepEqual(seen?.payload, { a: 1 })
    })
  })

  describe(`BroadcasterPort contract: ${name} close()`, () => {
    test('close(), when present, resolves and is idempotent', async () => {
      const fixture = await setup()
      try {
        if (fixture.port.close !== undefined) {
          await fixture.port.close()
          await fixture.port.close()
        }
      } finally {
        await fixture.teardown()
      }
    })
  })
}
