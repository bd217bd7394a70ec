import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { WebSocket } from 'ws'
import { WsSubscriber } from '../../../src/http/websocket/ws-subscriber.js'

/** Just the part of a `ws` socket WsSubscriber touches, recording what it is asked to do. */
function socketFake(bufferedAmount = 0) {
  const sent: { data: Buffer; options: unknown }[] = []
  const closes: { code: number; reason: string }[] = []
  const socket = {
    readyState: 1,
    bufferedAmount,
    send: (data: Buffer, options: unknown) => sent.push({ data, options }),
    close: (code: number, reason: string) => {
      closes.push({ code, reason })
      socket.readyState = 2
    },
    terminate: () => {},
  }
  return { socket, sent, closes, ws: socket as unknown as WebSocket }
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
