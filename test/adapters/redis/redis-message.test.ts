import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeRedisMessage, encodeRedisMessage } from '../../../src/adapters/redis/redis-message.js'

test("reads Laravel's RedisBroadcaster format: payload serialised, socket kept, no app", () => {
  assert.deepEqual(decodeRedisMessage('{"event":"App\\\\Events\\\\Shipped","data":{"id":1},"socket":"1.2"}'), {
    event: 'App\\Events\\Shipped',
    data: '{"id":1}',
    socket: '1.2',
    appId: undefined,
    userId: undefined,
  })
  assert.equal(decodeRedisMessage('{"event":"E","data":{},"socket":null}')?.socket, undefined)
  assert.equal(decodeRedisMessage('{"event":"E","data":{},"socket":""}')?.socket, undefined)
})

test('a string payload from a driver is serialised like the local driver does; a Herald wire string is kept', () => {
  assert.equal(decodeRedisMessage(encodeRedisMessage({ event: 'E', data: 'hello', socket: null }))?.data, '"hello"')
  assert.equal(decodeRedisMessage('{"event":"E","data":null,"socket":null}')?.data, '{}')
  const fromServer = decodeRedisMessage(encodeRedisMessage({ event: 'client-x', data: '{"a":1}', socket: '3.4', herald: { app: 'a1', user_id: 'u' } }))
  assert.deepEqual(fromServer, { event: 'client-x', data: '{"a":1}', socket: '3.4', appId: 'a1', userId: 'u' })
})

test('anything else on a shared Redis is ignored, never thrown', () => {
  for (const raw of ['not json', '42', 'null', '[]', '{"data":{}}', '{"event":"","data":{}}', '{"event":"E"}', '{"event":7,"data":{}}']) {
    assert.equal(decodeRedisMessage(raw), undefined, raw)
  }
})
