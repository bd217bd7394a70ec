import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { RawClient } from './support/raw-client.js'
import { APP, startHerald, type TestHerald } from './support/start-herald.js'

// activityTimeout of 1 s so idle handling is observable quickly; the sweep runs every 500 ms.
let server: TestHerald
const raws: RawClient[] = []
before(async () => {
  server = await startHerald({ config: { apps: [{ ...APP, activityTimeout: 1 }] } })
})
after(async () => {
  for (const r of raws) r.close()
  await server.close()
})

test('activity_timeout is the app setting; a silent client is pinged, then closed with 4201', async () => {
  const silent = await RawClient.connect(server.port)
  raws.push(silent)
  assert.equal(RawClient.data(silent.frames[0]!).activity_timeout, 1)
  const ping = await silent.next((f) => f.event === 'pusher:ping', 'a server ping')
  assert.equal(ping.data, '{}')
  assert.equal((await silent.waitClosed()).code, 4201)
})

test('a client that answers the server ping stays connected', async () => {
  const lively = await RawClient.connect(server.port)
  raws.push(lively)
  for (let i = 0; i < 2; i++) {
    const from = lively.frames.length
    await lively.next((f) => f.event === 'pusher:ping', `server ping ${i + 1}`, from)
    lively.send({ event: 'pusher:pong', data: {} })
  }
  assert.equal(lively.closed, undefined)
})

test('pusher-js keeps the connection alive on its own (it pings after activity_timeout)', async () => {
  const pusher = await server.client()
  const socketId = pusher.connection.socket_id
  const silent = await RawClient.connect(server.port)
  raws.push(silent)
  await silent.waitClosed('a silent reference client to be closed')
  assert.equal(pusher.connection.state, 'connected')
  assert.equal(pusher.connection.socket_id, socketId, 'same connection, no reconnect')
})
