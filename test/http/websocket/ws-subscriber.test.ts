import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setImmediate as endOfTurn } from 'node:timers/promises'
import type { WebSocket } from 'ws'
import { textFrame } from '../../../src/http/websocket/text-frame.js'
import { isUnderLoad, LoadedHoldMs } from '../../../src/http/websocket/turn-write-batch.js'
import { WsSubscriber } from '../../../src/http/websocket/ws-subscriber.js'

/** Waits until the process counts as idle again: no hold pending and a turn passed without released frames. */
async function idle(): Promise<void> {
  await endOfTurn()
  while (isUnderLoad()) await endOfTurn()
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

test('sends frames as text, encoding one frame once for many sockets', () => {
  const a = socketFake()
  const b = socketFake()
  const frame = '{"event":"e","channel":"c","data":"é"}'
  new WsSubscriber('1.1', a.ws, 1000).send(frame)
  new WsSubscriber('2.2', b.ws, 1000).send(frame)
  assert.equal(a.sent[0]?.data.toString('utf8'), frame)
  assert.equal(a.sent[0]?.data, b.sent[0]?.data, 'the same encoded buffer is reused')
  assert.deepEqual(a.sent[0]?.options, { binary: false, compress: false, fin: true })
})

test('any send past the buffered bound closes with 4100 instead of queueing (replies too, not only fan-out)', () => {
  const slow = socketFake(1001)
  const subscriber = new WsSubscriber('1.1', slow.ws, 1000)
  subscriber.send('{"event":"pusher:pong","data":"{}"}')
  assert.equal(slow.sent.length, 0)
  assert.equal(slow.closes[0]?.code, 4100)
  subscriber.send('{"event":"pusher:pong","data":"{}"}')
  assert.equal(slow.closes.length, 1, 'a closing socket is left alone')
})

test('the first frame of a turn is written at once; later ones in the same turn are corked until the turn ends', async () => {
  await idle()
  const a = socketFake()
  const subscriber = new WsSubscriber('1.1', a.ws, 1000, a.transport)
  subscriber.send('{"event":"one"}')
  assert.deepEqual(a.log, ['send@0'], 'a lone frame is not delayed')
  subscriber.send('{"event":"two"}')
  subscriber.send('{"event":"three"}')
  assert.deepEqual(a.log, ['send@0', 'cork', 'send@1', 'send@1'])
  await endOfTurn()
  assert.deepEqual(a.log, ['send@0', 'cork', 'send@1', 'send@1', 'uncork'])
  await idle()
  subscriber.send('{"event":"next turn"}')
  assert.equal(a.log.at(-1), 'send@0', 'once the loop was idle, a new turn starts uncorked')
})

test('under load (the turn right after a burst) sockets cork from their first frame and are held until the hold ends', async (t) => {
  await idle()
  // The hold is a 2 ms timer: mocked, so a slow machine cannot release it before the assertions look.
  t.mock.timers.enable({ apis: ['setTimeout'] })
  const a = socketFake()
  const b = socketFake()
  const one = new WsSubscriber('1.1', a.ws, 1000, a.transport)
  const two = new WsSubscriber('2.2', b.ws, 1000, b.transport)
  one.send('{"event":"one"}')
  one.send('{"event":"two"}')
  await endOfTurn()
  assert.deepEqual(a.log, ['send@0', 'cork', 'send@1', 'uncork'])
  assert.equal(isUnderLoad(), true, 'releasing a burst makes the next turn one under load')
  two.send('{"event":"first on this socket"}')
  one.send('{"event":"three"}')
  one.send('{"event":"four"}')
  assert.deepEqual(b.log, ['cork', 'send@1'], 'corked from its first frame')
  assert.deepEqual(a.log.slice(4), ['cork', 'send@1', 'send@1'])
  await endOfTurn()
  await endOfTurn()
  assert.equal(a.transport.depth, 1, 'held past the end of the turn that corked it')
  one.send('{"event":"five"}')
  assert.equal(a.log.at(-1), 'send@1', 'a later turn during the hold joins the same release')
  t.mock.timers.tick(LoadedHoldMs)
  assert.deepEqual(a.log.slice(4), ['cork', 'send@1', 'send@1', 'send@1', 'uncork'])
  assert.deepEqual(b.log, ['cork', 'send@1', 'uncork'])
  assert.equal(isUnderLoad(), true, 'a hold that gathered several frames per socket keeps the load')
  t.mock.timers.reset()
  await idle()
})

test('an isolated burst costs one held turn: a hold that gathered one frame per socket ends the load', async (t) => {
  await idle()
  t.mock.timers.enable({ apis: ['setTimeout'] })
  const a = socketFake()
  const one = new WsSubscriber('1.1', a.ws, 1000, a.transport)
  one.send('{"event":"one"}')
  one.send('{"event":"two"}')
  await endOfTurn()
  one.send('{"event":"lone"}')
  assert.deepEqual(a.log.slice(4), ['cork', 'send@1'], 'the turn after a burst is corked from its first frame')
  await endOfTurn()
  t.mock.timers.tick(LoadedHoldMs)
  assert.deepEqual(a.log.slice(4), ['cork', 'send@1', 'uncork'])
  t.mock.timers.reset()
  await endOfTurn()
  assert.equal(isUnderLoad(), false, 'one frame per socket in the hold: no longer under load')
  one.send('{"event":"next"}')
  assert.equal(a.log.at(-1), 'send@0', 'written at once again')
})

test('closing a corked socket uncorks it first, so its frames leave before the close frame', async () => {
  await idle()
  const a = socketFake()
  const subscriber = new WsSubscriber('1.1', a.ws, 1000, a.transport)
  subscriber.send('{"event":"one"}')
  subscriber.send('{"event":"two"}')
  subscriber.close(4200, 'Server shutting down')
  await endOfTurn()
  assert.deepEqual(a.log, ['send@0', 'cork', 'send@1', 'uncork', 'close@0'])
  assert.equal(a.transport.depth, 0)
})

test('a socket terminated while corked is not touched at the end of the turn', async () => {
  await idle()
  const a = socketFake()
  const subscriber = new WsSubscriber('1.1', a.ws, 1000, a.transport)
  subscriber.send('{"event":"one"}')
  subscriber.send('{"event":"two"}')
  subscriber.terminate()
  await endOfTurn()
  assert.deepEqual(a.log, ['send@0', 'cork', 'send@1'])
})

test('with its TCP socket, a subscriber writes one complete text frame, built once for every socket', async () => {
  await idle()
  const a = socketFake()
  const b = socketFake()
  const frame = '{"event":"e","channel":"c","data":"é"}'
  new WsSubscriber('1.1', a.ws, 1000, a.transport).send(frame)
  new WsSubscriber('2.2', b.ws, 1000, b.transport).send(frame)
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
