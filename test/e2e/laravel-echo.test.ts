import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import Echo from 'laravel-echo'
import { waitFor } from '../helpers/wait-for.js'
import { Pusher } from './support/pusher-js.js'
import { startOrdersChatApp, type User } from './support/orders-chat-app.js'
import type { TestHerald } from './support/start-herald.js'

let server: TestHerald
const echos: Echo<'pusher' | 'reverb'>[] = []
before(async () => {
  server = await startOrdersChatApp()
})
after(async () => {
  for (const e of echos) e.disconnect()
  await server.close()
})

async function echo(broadcaster: 'pusher' | 'reverb', token: string): Promise<Echo<'pusher' | 'reverb'>> {
  const options = {
    key: 'app-key',
    cluster: 'mt1',
    wsHost: '127.0.0.1',
    wsPort: server.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    authEndpoint: `http://127.0.0.1:${server.port}/broadcasting/auth`,
    // Not `bearerToken`: Echo writes it into a headers object shared by every Echo instance in the
    // process (its static defaults), so two users in one test process need their own `auth.headers`.
    auth: { headers: { Authorization: `Bearer ${token}` } },
    withoutInterceptors: true,
  }
  // The casts only bridge pusher-js's CommonJS typings (see support/pusher-js.ts).
  // Echo finds Pusher in its options or on window.Pusher; both ways are exercised.
  const instance = broadcaster === 'pusher'
    ? new Echo<'pusher'>({ broadcaster: 'pusher', ...options, Pusher } as never)
    : (() => {
        ;(globalThis as { window?: unknown }).window = { Pusher }
        try {
          return new Echo<'reverb'>({ broadcaster: 'reverb', ...options } as never)
        } finally {
          delete (globalThis as { window?: unknown }).window
        }
      })()
  echos.push(instance)
  await waitFor(() => instance.connector.pusher.connection.state === 'connected', { what: `Echo (${broadcaster}) to connect` })
  return instance
}

for (const broadcaster of ['pusher', 'reverb'] as const) {
  test(`Echo (${broadcaster}): private channel through /broadcasting/auth receives a server event; toOthers excludes the sender`, async () => {
    const listener = await echo(broadcaster, 'tok-ann')
    const sender = await echo(broadcaster, 'tok-ann')
    const atListener: unknown[] = []
    const atSender: unknown[] = []
    let ready = 0
    listener.private('orders.100').listen('.OrderShipped', (e: unknown) => atListener.push(e)).subscribed(() => ready++)
    sender.private('orders.100').listen('.OrderShipped', (e: unknown) => atSender.push(e)).subscribed(() => ready++)
    await waitFor(() => ready === 2, { what: 'both Echo clients subscribed' })
    const res = await fetch(`http://127.0.0.1:${server.port}/ship`, { method: 'POST', headers: { 'X-Socket-ID': sender.socketId() ?? '' } })
    assert.equal(res.status, 200)
    await waitFor(() => atListener.length === 1, { what: 'OrderShipped at the listener' })
    assert.deepEqual(atListener, [{ id: 100 }])
    await server.app.herald.broadcasting.private('orders.100').broadcast('OrderShipped', { id: 'marker' })
    await waitFor(() => atSender.length === 1, { what: 'the marker event at the sender' })
    assert.deepEqual(atSender, [{ id: 'marker' }], 'the toOthers broadcast never reached the sender')
  })

  test(`Echo (${broadcaster}): a denied or unauthenticated subscription fires .error()`, async () => {
    const stranger = await echo(broadcaster, 'tok-nobody')
    const denied = await echo(broadcaster, 'tok-bo')
    const errors: unknown[] = []
    stranger.private('orders.100').error((e: unknown) => errors.push(['401', e]))
    denied.private('orders.100').error((e: unknown) => errors.push(['403', e]))
    await waitFor(() => errors.length === 2, { what: 'both subscription errors' })
    const statuses = errors.map((e) => ((e as [string, { status: number }])[1]).status).sort()
    assert.deepEqual(statuses, [401, 403])
  })
}

test('Echo presence: here/joining/leaving and whispers, not echoed', async () => {
  const ann = await echo('reverb', 'tok-ann')
  const bo = await echo('pusher', 'tok-bo')
  const log: string[] = []
  const annChat = ann.join('chat')
    .here((members: User[]) => log.push(`here ${members.map((m) => m.name).join(',')}`))
    .joining((m: User) => log.push(`joining ${m.name}`))
    .leaving((m: User) => log.push(`leaving ${m.name}`))
    .listenForWhisper('typing', (e: { name: string }) => log.push(`ann heard ${e.name}`))
  await waitFor(() => log.includes('here Ann'), { what: 'Ann here' })
  const boHere: string[] = []
  const boChat = bo.join('chat').here((members: User[]) => boHere.push(members.map((m) => m.name).sort().join(',')))
  boChat.listenForWhisper('typing', () => log.push('bo heard himself'))
  await waitFor(() => boHere.length === 1, { what: 'Bo here' })
  assert.deepEqual(boHere, ['Ann,Bo'])
  await waitFor(() => log.includes('joining Bo'), { what: 'Ann sees Bo joining' })
  boChat.whisper('typing', { name: 'Bo' })
  await waitFor(() => log.includes('ann heard Bo'), { what: 'whisper at Ann' })
  annChat.whisper('typing', { name: 'Ann' })
  bo.leave('chat')
  await waitFor(() => log.includes('leaving Bo'), { what: 'Ann sees Bo leaving' })
  assert.equal(log.includes('bo heard himself'), false)
})
