import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { RawClient } from './support/raw-client.js'
import { startHerald, type TestHerald } from './support/start-herald.js'

let server: TestHerald
const clients: RawClient[] = []
before(async () => {
  server = await startHerald({
    config: {
      apps: [
        { id: 'app-id', key: 'app-key', secret: 'app-secret', maxMessageSize: 2000 },
        { id: 'small', key: 'small-key', secret: 'small-secret', maxConnections: 1 },
        { id: 'strict', key: 'strict-key', secret: 'strict-secret', allowedOrigins: ['https://good.example'] },
      ],
    },
  })
})
after(async () => {
  for (const c of clients) c.close()
  await server.close()
})

async function connect(path?: string): Promise<RawClient> {
  const c = await RawClient.connect(server.port, path)
  clients.push(c)
  return c
}

test('connection_established carries a unique digits.digits socket_id and activity_timeout, data as a JSON string', async () => {
  const a = await connect()
  const b = await connect()
  const frame = a.frames[0]
  assert.equal(frame?.event, 'pusher:connection_established')
  assert.equal(typeof frame?.data, 'string')
  const data = RawClient.data(frame)
  assert.match(String(data.socket_id), /^\d+\.\d+$/)
  assert.equal(data.activity_timeout, 30)
  assert.notEqual(a.socketId, b.socketId)
})

test('pusher:ping is answered with pusher:pong and data "{}"', async () => {
  const a = await connect()
  a.send({ event: 'pusher:ping', data: {} })
  const pong = await a.next((f) => f.event === 'pusher:pong', 'pong')
  assert.equal(pong.data, '{}')
})

test('an unknown app key gets pusher:error 4001 and close 4001', async () => {
  const c = await connect('/app/nope?protocol=7')
  assert.equal(RawClient.data(c.frames[0]!).code, 4001)
  assert.equal((await c.waitClosed()).code, 4001)
})

test('an unknown key that is not ASCII is still a clean 4001', async () => {
  const c = await connect(`/app/${encodeURIComponent('ключ'.repeat(4))}?protocol=7`)
  assert.equal(RawClient.data(c.frames[0]!).code, 4001)
  assert.equal((await c.waitClosed()).code, 4001)
})

test('a malformed protocol version is 4006, an unsupported one 4007', async () => {
  const bad = await connect('/app/app-key?protocol=seven')
  assert.equal((await bad.waitClosed()).code, 4006)
  const old = await connect('/app/app-key?protocol=4')
  assert.equal((await old.waitClosed()).code, 4007)
  const future = await connect('/app/app-key?protocol=8')
  assert.equal((await future.waitClosed()).code, 4007)
})

test('over the connection quota is 4004; the first connection is unaffected', async () => {
  const first = await connect('/app/small-key?protocol=7')
  assert.equal(first.frames[0]?.event, 'pusher:connection_established')
  const second = await connect('/app/small-key?protocol=7')
  assert.equal(RawClient.data(second.frames[0]!).code, 4004)
  assert.equal((await second.waitClosed()).code, 4004)
  first.send({ event: 'pusher:ping' })
  await first.next((f) => f.event === 'pusher:pong', 'the first connection still answers')
  first.close()
  await first.waitClosed()
  // The slot is released when the first connection closes.
  const third = await connect('/app/small-key?protocol=7')
  assert.equal(third.frames[0]?.event, 'pusher:connection_established')
})

test('bad frames get pusher:error and never affect the connection or another one', async () => {
  const bad = await connect()
  const bystander = await connect()
  bystander.send({ event: 'pusher:subscribe', data: { channel: 'orders' } })
  await bystander.next((f) => f.event === 'pusher_internal:subscription_succeeded', 'bystander subscribed')
  const cases: [unknown, RegExp][] = [
    ['not json', /Invalid message format/],
    ['[1,2]', /Invalid message format/],
    [{ data: {} }, /Invalid message format/],
    [{ event: 'pusher:nonsense', data: {} }, /Unknown event/],
    [{ event: 'whatever' }, /Unknown event/],
    [{ event: 'constructor' }, /Unknown event/],
    [{ event: '__proto__' }, /Unknown event/],
    [{ event: 'toString' }, /Unknown event/],
    [{ event: 'pusher:subscribe', data: 'not json' }, /pusher:subscribe needs/],
    [{ event: 'pusher:subscribe', data: { channel: 42 } }, /pusher:subscribe needs/],
    [{ event: 'pusher:unsubscribe' }, /pusher:unsubscribe needs/],
    [{ event: 'client-x', channel: 'orders', data: 'x'.repeat(2100) }, /exceeds the limit of 2000 bytes/],
  ]
  for (const [frame, message] of cases) {
    const from = bad.frames.length
    bad.send(frame)
    const error = await bad.next((f) => f.event === 'pusher:error', `an error for ${JSON.stringify(frame).slice(0, 40)}`, from)
    assert.match(String(RawClient.data(error).message), message)
  }
  bad.ws.send(Buffer.from([1, 2, 3]), { binary: true })
  const from = bad.frames.length
  await bad.next((f) => f.event === 'pusher:error' && /Binary/.test(String(RawClient.data(f).message)), 'binary frame error', from - 1)
  bad.send({ event: 'pusher:ping' })
  await bad.next((f) => f.event === 'pusher:pong', 'the bad client is still served')
  assert.equal(bad.closed, undefined)
  await server.sdk.trigger('orders', 'Still', { ok: true })
  await bystander.next((f) => f.event === 'Still', 'the bystander still receives events')
})

test('a frame over the ws hard cap closes only that connection (1009)', async () => {
  const huge = await connect()
  const bystander = await connect()
  huge.send({ event: 'client-x', data: 'x'.repeat(1024 * 1024 + 10) })
  assert.equal((await huge.waitClosed()).code, 1009)
  bystander.send({ event: 'pusher:ping' })
  await bystander.next((f) => f.event === 'pusher:pong', 'the bystander still answers')
})

test('subscribe/unsubscribe: succeeded with data "{}" and the channel, unsubscribe gets no reply and stops delivery', async () => {
  const c = await connect()
  c.send({ event: 'pusher:subscribe', data: { auth: '', channel: 'news' } })
  const ok = await c.next((f) => f.event === 'pusher_internal:subscription_succeeded', 'subscribed')
  assert.deepEqual(ok, { event: 'pusher_internal:subscription_succeeded', channel: 'news', data: '{}' })
  c.send({ event: 'pusher:unsubscribe', data: { channel: 'news' } })
  c.send({ event: 'pusher:unsubscribe', data: { channel: 'never-subscribed' } })
  c.send({ event: 'pusher:ping' })
  await c.next((f) => f.event === 'pusher:pong', 'pong after unsubscribe')
  assert.deepEqual(await server.app.herald.hub.channel('app-id', 'news'), { occupied: false, subscriptionCount: 0 })
})

test('an invalid channel name is a subscription_error, not a crash', async () => {
  const c = await connect()
  c.send({ event: 'pusher:subscribe', data: { channel: 'bad channel!' } })
  const err = await c.next((f) => f.event === 'pusher:subscription_error', 'subscription error')
  assert.equal(RawClient.data(err).status, 400)
  assert.equal(c.closed, undefined)
})

test('allowedOrigins: a listed Origin connects, another or none is refused with 4009', async () => {
  const good = await RawClient.connect(server.port, '/app/strict-key?protocol=7', { Origin: 'https://good.example' })
  clients.push(good)
  assert.equal(good.frames[0]?.event, 'pusher:connection_established')
  const evil = await RawClient.connect(server.port, '/app/strict-key?protocol=7', { Origin: 'https://evil.example' })
  clients.push(evil)
  assert.equal(RawClient.data(evil.frames[0]!).code, 4009)
  assert.equal((await evil.waitClosed()).code, 4009)
  const none = await connect('/app/strict-key?protocol=7')
  assert.equal((await none.waitClosed()).code, 4009)
})
