import assert from 'node:assert/strict'
import { test } from 'node:test'
import { waitFor } from '../helpers/wait-for.js'
import { RawClient } from './support/raw-client.js'
import { startHerald } from './support/start-herald.js'

test('closing the server sends 4200 (reconnect now) to every client and refuses nothing else afterwards', async () => {
  const server = await startHerald({ shutdownTimeoutMs: 2000 })
  const a = await RawClient.connect(server.port)
  const b = await RawClient.connect(server.port)
  const pusher = await server.client()
  const states: string[] = []
  pusher.connection.bind('state_change', (s: { current: string }) => states.push(s.current))
  await server.app.close()
  assert.equal((await a.waitClosed()).code, 4200)
  assert.equal((await b.waitClosed()).code, 4200)
  await waitFor(() => states.includes('connecting'), { what: 'pusher-js to start reconnecting' })
  pusher.disconnect()
})
