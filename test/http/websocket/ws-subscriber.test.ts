import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setImmediate as checkPhase } from 'node:timers/promises'
import type { WebSocket } from 'ws'
import { FrameEncoder } from '../../../src/http/websocket/frame-encoder.js'
import { textFrame } from '../../../src/http/websocket/text-frame.js'
import { HoldMs, SliceAfterMs, WriteBatcher } from '../../../src/http/websocket/write-batcher.js'
import { WsSubscriber, type ServerWrites } from '../../../src/http/websocket/ws-subscriber.js'

/** One server's write state, with a clock the test moves (milliseconds). */
function serverWrites(clock = { now: 0 }): ServerWrites & { clock: { now: number } } {
  return { batcher: new WriteBatcher({ now: () => clock.now }), frames: new FrameEncoder(), clock }
}

/**
 * Lets the batcher see the loop go idle: the end of the current turn, then the iteration after it (which brings
 * nothing here), so the next send starts a turn that did not queue up behind the last release.
 */
async function idleGap(): Promise<void> {
  await checkPhase()
  await checkPhase()
}

/** Just the part of a `ws` socket WsSubscriber touches, recording what it is asked to do. */
function socketFake(bufferedAmount = 0) {
  const sent: { data: Buffer; options: unknown }[] = []
  const closes: { code: number; reason: string }[] = []
  /** Everything in call order, with the TCP socket's cork depth at that moment. */
  const log: string[] = []
  const transport = {
    depth: 0,
    destroyed: false,
    /** Complete WebSocket frames written straight to the TCP socket. */
    written: [] as Buffer[],
    write: (chunk: Buffer) => {
      transport.written.push(chunk)
      log.push(`send@${transport.depth}`)
      return true
    },
    cork: () => {
      transport.depth++
      log.push('cork')
    },
    uncork: () => {
      transport.depth--
      log.push('uncork')
    },
  }
  const socket = {
    readyState: 1,
    bufferedAmount,
    send: (data: Buffer, options: unknown) => {
      sent.push({ data, options })
      log.push(`send@${transport.depth}`)
    },
    close: (code: number, reason: string) => {
      closes.push({ code, reason })
      log.push(`close@${transport.depth}`)
      socket.readyState = 2
    },
    terminate: () => {
      transport.destroyed = true
      socket.readyState = 3
    },
  }
  return { socket, sent, closes, log, transport, ws: socket as unknown as WebSocket }
}

test('sends frames as text, encoding one frame once for many sockets of a server', () => {
  const a = socketFake()
  const b = socketFake()
  const writes = serverWrites()
  const frame = '{"event":"e","channel":"c","data":"é"}'
  new WsSubscriber('1.1', a.ws, 1000, writes).send(frame)
  new WsSubscriber('2.2', b.ws, 1000, writes).send(frame)
  assert.equal(a.sent[0]?.data.toString('utf8'), frame)
  assert.equal(a.sent[0]?.data, b.sent[0]?.data, 'the same encoded buffer is reused')
  assert.deepEqual(a.sent[0]?.options, { binary: false, compress: false, fin: true })
})

test('any send past the buffered bound closes with 4100 instead of queueing (replies too, not only fan-out)', () => {
  const slow = socketFake(1001)
  const subscriber = new WsSubscriber('1.1', slow.ws, 1000, serverWrites())
  subscriber.send('{"event":"pusher:pong","data":"{}"}')
  assert.equal(slow.sent.length, 0)
  assert.equal(slow.closes[0]?.code, 4100)
  subscriber.send('{"event":"pusher:pong","data":"{}"}')
  assert.equal(slow.closes.length, 1, 'a closing socket is left alone')
})

test('the first frame of a turn is written at once; later ones in the same turn are corked until the turn ends', async () => {
  const a = socketFake()
  const subscriber = new WsSubscriber('1.1', a.ws, 1000, serverWrites(), a.transport)
  subscriber.send('{"event":"one"}')
  assert.deepEqual(a.log, ['send@0'], 'a lone frame is not delayed')
  subscriber.send('{"event":"two"}')
  subscriber.send('{"event":"three"}')
  assert.deepEqual(a.log, ['send@0', 'cork', 'send@1', 'send@1'])
  await checkPhase()
  assert.deepEqual(a.log, ['send@0', 'cork', 'send@1', 'send@1', 'uncork'])
  await idleGap()
  subscriber.send('{"event":"next turn"}')
  assert.equal(a.log.at(-1), 'send@0', 'once the loop was idle, a new turn starts uncorked')
})

test('under load (the turn right after a burst) sockets cork from their first frame and are held until the hold ends', async (t) => {
  // The hold is a 2 ms timer: mocked, so a slow machine cannot release it before the assertions look.
  t.mock.timers.enable({ apis: ['setTimeout'] })
  const writes = serverWrites()
  const a = socketFake()
  const b = socketFake()
  const one = new WsSubscriber('1.1', a.ws, 1000, writes, a.transport)
  const two = new WsSubscriber('2.2', b.ws, 1000, writes, b.transport)
  one.send('{"event":"one"}')
  one.send('{"event":"two"}')
  await checkPhase()
  assert.deepEqual(a.log, ['send@0', 'cork', 'send@1', 'uncork'])
  assert.equal(writes.batcher.holding, true, 'releasing a burst makes the next turn one under load')
  two.send('{"event":"first on this socket"}')
  one.send('{"event":"three"}')
  one.send('{"event":"four"}')
  assert.deepEqual(b.log, ['cork', 'send@1'], 'corked from its first frame')
  assert.deepEqual(a.log.slice(4), ['cork', 'send@1', 'send@1'])
  await checkPhase()
  await checkPhase()
  assert.equal(a.transport.depth, 1, 'held past the end of the turn that corked it')
  one.send('{"event":"five"}')
  assert.equal(a.log.at(-1), 'send@1', 'a later turn during the hold joins the same release')
  t.mock.timers.tick(HoldMs)
  assert.deepEqual(a.log.slice(4), ['cork', 'send@1', 'send@1', 'send@1', 'uncork'])
  assert.deepEqual(b.log, ['cork', 'send@1', 'uncork'])
  assert.equal(writes.batcher.holding, true, 'a hold that gathered several frames per socket keeps the load')
})

test('an isolated burst costs one held turn: a hold that gathered one frame per socket ends the load', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] })
  const writes = serverWrites()
  const a = socketFake()
  const one = new WsSubscriber('1.1', a.ws, 1000, writes, a.transport)
  one.send('{"event":"one"}')
  one.send('{"event":"two"}')
  await checkPhase()
  one.send('{"event":"lone"}')
  assert.deepEqual(a.log.slice(4), ['cork', 'send@1'], 'the turn after a burst is corked from its first frame')
  await checkPhase()
  t.mock.timers.tick(HoldMs)
  assert.deepEqual(a.log.slice(4), ['cork', 'send@1', 'uncork'])
  await checkPhase()
  assert.equal(writes.batcher.holding, false, 'one frame per socket in the hold: no longer under load')
  one.send('{"event":"next"}')
  assert.equal(a.log.at(-1), 'send@0', 'written at once again')
})

/** A server whose last release let go of a burst, and 200 sockets written in the turn right after it (under load). */
async function loadedFanOut(beforeFanOut?: (subscribers: WsSubscriber[]) => void) {
  const writes = serverWrites()
  const burst = socketFake()
  const first = new WsSubscriber('0.0', burst.ws, 1000, writes, burst.transport)
  first.send('{"event":"one"}')
  first.send('{"event":"two"}')
  await checkPhase()
  const fakes = Array.from({ length: 200 }, () => socketFake())
  const subscribers = fakes.map((f, i) => new WsSubscriber(`${i}.1`, f.ws, 1000, writes, f.transport))
  beforeFanOut?.(subscribers)
  // The first 100 sockets are corked at 0 ms, the others after the clock moved past SliceAfterMs.
  subscribers.forEach((s, i) => {
    if (i === 100) writes.clock.now = SliceAfterMs + 1
    s.send('{"event":"big fan-out"}')
  })
  return fakes.map((f) => f.transport.depth)
}

test('in a long fan-out under load, sockets corked more than SliceAfterMs ago leave while the loop goes on', async () => {
  const depths = await loadedFanOut()
  assert.deepEqual(depths.slice(0, 100), Array(100).fill(0), 'the first sockets were released during the loop')
  assert.deepEqual(depths.slice(100), Array(100).fill(1), 'the last ones were corked too recently')
})

test('a turn in which a socket got a second frame keeps its corked sockets to its end: the queued events leave together', async () => {
  const depths = await loadedFanOut((subscribers) => {
    subscribers[0]?.send('{"event":"first"}')
    subscribers[0]?.send('{"event":"second"}')
  })
  assert.deepEqual(depths, Array(200).fill(1), 'nothing released mid-turn')
})

test('each server has its own batcher: one under load does not cork the sockets of another', async () => {
  const busy = serverWrites()
  const idle = serverWrites()
  const a = socketFake()
  const b = socketFake()
  const onBusy = new WsSubscriber('1.1', a.ws, 1000, busy, a.transport)
  const onIdle = new WsSubscriber('2.2', b.ws, 1000, idle, b.transport)
  onBusy.send('{"event":"one"}')
  onBusy.send('{"event":"two"}')
  await checkPhase()
  onBusy.send('{"event":"queued"}')
  assert.equal(busy.batcher.holding, true)
  assert.deepEqual(a.log.slice(4), ['cork', 'send@1'])
  onIdle.send('{"event":"lone"}')
  assert.equal(idle.batcher.holding, false)
  assert.deepEqual(b.log, ['send@0'], 'written at once')
})

test('closing a corked socket uncorks it first, so its frames leave before the close frame', async () => {
  const a = socketFake()
  const subscriber = new WsSubscriber('1.1', a.ws, 1000, serverWrites(), a.transport)
  subscriber.send('{"event":"one"}')
  subscriber.send('{"event":"two"}')
  subscriber.close(4200, 'Server shutting down')
  assert.deepEqual(a.log, ['send@0', 'cork', 'send@1', 'uncork', 'close@0'])
  await checkPhase()
  assert.equal(a.transport.depth, 0, 'the release at the end of the turn leaves it alone')
})

test('a socket terminated while corked is not touched by the release', async () => {
  const writes = serverWrites()
  const a = socketFake()
  const subscriber = new WsSubscriber('1.1', a.ws, 1000, writes, a.transport)
  subscriber.send('{"event":"one"}')
  subscriber.send('{"event":"two"}')
  subscriber.terminate()
  await checkPhase()
  assert.deepEqual(a.log, ['send@0', 'cork', 'send@1'])
})

test('with its TCP socket, a subscriber writes one complete text frame, built once for every socket', () => {
  const a = socketFake()
  const b = socketFake()
  const writes = serverWrites()
  const frame = '{"event":"e","channel":"c","data":"é"}'
  new WsSubscriber('1.1', a.ws, 1000, writes, a.transport).send(frame)
  new WsSubscriber('2.2', b.ws, 1000, writes, b.transport).send(frame)
  assert.equal(a.sent.length, 0, 'not through ws.send')
  const payload = Buffer.from(frame, 'utf8')
  assert.deepEqual(a.transport.written[0], Buffer.concat([Buffer.from([0x81, payload.length]), payload]))
  assert.equal(a.transport.written[0], b.transport.written[0], 'the same frame buffer is reused')
})

test('textFrame: 7-bit, 16-bit and 64-bit payload lengths (RFC 6455 5.2), unmasked', () => {
  const header = (n: number) => [...textFrame(Buffer.alloc(n, 0x61)).subarray(0, 10)]
  assert.deepEqual(header(125).slice(0, 2), [0x81, 125])
  assert.deepEqual(header(126).slice(0, 4), [0x81, 126, 0, 126])
  assert.deepEqual(header(65_535).slice(0, 4), [0x81, 126, 0xff, 0xff])
  assert.deepEqual(header(65_536), [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0])
  const big = textFrame(Buffer.alloc(65_536, 0x61))
  assert.equal(big.length, 10 + 65_536)
  assert.equal(big.at(-1), 0x61)
})
