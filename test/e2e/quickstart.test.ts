// Runs the README quickstart (examples/quickstart.ts) as its own process and listens with
// examples/quickstart-client.ts (Laravel Echo on a real pusher-js), so the README snippets cannot rot.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { listenForShipping } from '../../examples/quickstart-client.js'
import { waitFor } from '../helpers/wait-for.js'

const QUICKSTART = fileURLToPath(new URL('../../examples/quickstart.ts', import.meta.url))
const START_TIMEOUT_MS = 20_000

/** Starts the quickstart on a free port and resolves with that port once it prints its address. */
async function startQuickstart(): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', QUICKSTART], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
  // Should this test process end without its after() (a runner timeout), don't leave the server behind.
  process.once('exit', () => child.kill('SIGKILL'))
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const match = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the quickstart exited with code ${child.exitCode}:\n${output}`)
      return /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
    },
    { what: 'the quickstart to print its address', timeoutMs: START_TIMEOUT_MS, intervalMs: 50 },
  )
  return { child, port: Number(match[1]), output: () => output }
}

describe('README quickstart', () => {
  let server: Awaited<ReturnType<typeof startQuickstart>>
  const echos: Array<{ disconnect(): void }> = []

  before(async () => {
    server = await startQuickstart()
  })

  after(async () => {
    for (const echo of echos) echo.disconnect()
    if (server !== undefined && server.child.exitCode === null) {
      const exited = once(server.child, 'exit')
      server.child.kill('SIGTERM')
      await waitFor(() => server.child.exitCode !== null || server.child.signalCode !== null, { what: 'the quickstart process to exit on SIGTERM', timeoutMs: 10_000 })
        .catch((err: unknown) => {
          server.child.kill('SIGKILL')
          throw err
        })
      await exited
    }
  })

  it('delivers OrderShipped to the customer through Echo and refuses everyone else', async () => {
    const received: Array<{ orderId: number; trackingNumber: string }> = []
    const ann = listenForShipping(server.port, 'token-ann', 42, (e) => received.push(e))
    echos.push(ann.echo)
    // What the connection went through, for the failure message.
    const states: string[] = []
    ann.echo.connector.pusher.connection.bind('state_change', (c: { current: string }) => states.push(c.current))
    ann.echo.connector.pusher.connection.bind('error', (e: unknown) => states.push(`error ${JSON.stringify(e)}`))
    let annState: 'pending' | 'subscribed' | { failed: unknown } = 'pending'
    ann.channel.subscribed(() => (annState = 'subscribed')).error((e: unknown) => (annState = { failed: e }))

    let bobRefusal: { status?: number } | undefined
    const bobReceived: unknown[] = []
    const bob = listenForShipping(server.port, 'token-bob', 42, (e) => bobReceived.push(e))
    echos.push(bob.echo)
    bob.channel.error((e: { status?: number }) => (bobRefusal = e))

    const subscribed = await waitFor(() => annState !== 'pending' && annState, { what: "Ann's subscription to private-orders.42", timeoutMs: 10_000 })
      .catch((e: Error) => assert.fail(`${e.message}; connection: ${states.join(', ')}; quickstart output:\n${server.output()}`))
    assert.equal(subscribed, 'subscribed', `Ann's subscription failed: ${JSON.stringify(subscribed)}`)
    const refusal = await waitFor(() => bobRefusal, { what: "Bob's subscription to private-orders.42 to be refused", timeoutMs: 10_000 })
    assert.equal(refusal.status, 403)

    const response = await fetch(`http://127.0.0.1:${server.port}/orders/42/ship`, { method: 'POST' })
    assert.equal(response.status, 200, server.output())
    const event = await waitFor(() => received[0], { what: 'Ann to receive OrderShipped', timeoutMs: 10_000 })
    assert.deepEqual(event, { orderId: 42, trackingNumber: 'TRACK-123' })
    assert.deepEqual(bobReceived, [], 'Bob was refused, so he hears nothing')
    await waitFor(() => server.output().includes('order 42 shipped'), { what: 'the OrderShipped listener to log' })
  })
})
