import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorFrame, parseClientFrame, protocolFrame, tryParseSigninData, tryParseSubscribeData } from '../../../src/http/websocket/frames.js'

const buf = (s: string): Buffer => Buffer.from(s)

test('parseClientFrame checks size before parsing, then JSON, then shape', () => {
  assert.deepEqual(parseClientFrame(buf('{"event":"pusher:ping","data":{}}'), false, 100), { ok: true, frame: { event: 'pusher:ping', data: {} } })
  const table: [string, boolean, number, RegExp][] = [
    ['x'.repeat(101), false, 100, /101 bytes exceeds the limit of 100/],
    ['{"event":"a"}', true, 100, /Binary/],
    ['{nope', false, 100, /JSON/],
    ['"str"', false, 100, /expected \{"event"/],
    ['{"event":""}', false, 100, /expected/],
    ['{"event":"a","channel":5}', false, 100, /expected/],
  ]
  for (const [raw, binary, max, message] of table) {
    const result = parseClientFrame(buf(raw), binary, max)
    assert.equal(result.ok, false, raw)
    if (!result.ok) assert.match(result.message, message)
  }
})

test('event data may be an object (pusher-js) or a JSON string (other SDKs)', () => {
  assert.deepEqual(tryParseSubscribeData({ channel: 'a', auth: '' }), { channel: 'a', auth: '' })
  assert.deepEqual(tryParseSubscribeData('{"channel":"a"}'), { channel: 'a' })
  assert.equal(tryParseSubscribeData('nope'), undefined)
  assert.equal(tryParseSubscribeData({ channel: '' }), undefined)
  assert.equal(tryParseSigninData({ auth: 'x' }), undefined)
})

test('server frames always carry data as a JSON string', () => {
  assert.equal(protocolFrame('pusher:pong'), '{"event":"pusher:pong","data":"{}"}')
  assert.equal(protocolFrame('x', { a: 1 }, 'ch'), '{"event":"x","channel":"ch","data":"{\\"a\\":1}"}')
  assert.deepEqual(JSON.parse(JSON.parse(errorFrame(4001, 'no')).data), { code: 4001, message: 'no' })
})
