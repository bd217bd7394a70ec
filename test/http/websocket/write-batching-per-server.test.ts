import assert from 'node:assert/strict'
import { Socket } from 'node:net'
import { test } from 'node:test'
import { setImmediate as nextCheckPhase, setTimeout as sleep } from 'node:timers/promises'
import { RawClient } from '../../e2e/support/raw-client.js'
import { APP, startHerald, type TestHerald } from '../../e2e/support/start-herald.js'

/** A raw client subscribed to `channel` on `server`. */
async function subscriber(server: TestHerald, channel: string): Promise<RawClient> {
  const client = await RawClient.connect(server.port)
  client.send({ event: 'pusher:subscribe', data: { channel } })
  await client.next((f) => f.event === 'pusher_internal:subscription_succeeded', `${channel} subscribed`)
  return client
}

function publish(server: TestHerald, channel: string, n: number): void {
  void server.app.herald.hub.publish({ appId: APP.id, channels: [channel], event: 'tick', data: JSON.stringify({ n }) })
}

test('two Herald plugins in one process batch writes apart: a backlog on one does not cork the other\'s sockets', async (t) => {
  const a = await startHerald()
  const b = await startHerald()
  t.after(() => Promise.all([a.close(), b.close()]))
  const clientA = await subscriber(a, 'news')
  const clientB = await subscriber(b, 'news')
  t.after(() => {
    clientA.close()
    clientB.close()
  })
  // Every cork of a TCP socket in this process, with the server port it belongs to (the server's side has it as localPort).
  const cork = t.mock.method(Socket.prototype, 'cork')
  const corksOn = (server: TestHerald): Socket[] => cork.mock.calls.map((c) => c.this as Socket).filter((s) => s.localPort === server.port)
  // Both servers idle for a while: no turn of either is "the one right after a write".
  await sleep(20)

  // Two events in one turn on A: they had queued up behind each other, A's socket gets a second frame and corks.
  publish(a, 'news', 1)
  publish(a, 'news', 2)
  const [socketA] = corksOn(a)
  assert.equal(corksOn(a).length, 1, 'A corks at its second frame in the turn')
  // After A's end of turn, in the iteration that follows it: A treats new events as queued behind its fan-out…
  await nextCheckPhase()
  publish(a, 'news', 3)
  assert.equal(socketA?.writableCorked, 1, 'A is behind: its socket is corked for the event that queued up')
  // …while B, idle all along, writes its event at once. With one batcher per process it would cork too.
  publish(b, 'news', 1)
  assert.deepEqual(corksOn(b), [], 'B is not behind: its first frame leaves at once')

  await clientA.next((f) => f.event === 'tick' && RawClient.data(f)['n'] === 3, 'A\'s third event')
  await clientB.next((f) => f.event === 'tick' && RawClient.data(f)['n'] === 1, 'B\'s event')
  assert.deepEqual(clientA.frames.filter((f) => f.event === 'tick').map((f) => RawClient.data(f)['n']), [1, 2, 3], 'A\'s events in order')
})
