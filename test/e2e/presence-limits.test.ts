// Pusher's presence limits (pusher-protocol.md §1.6): members per channel, user_id length, user_info size.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { waitFor } from '../helpers/wait-for.js'
import { RawClient, type Frame } from './support/raw-client.js'
import { APP, startHerald, type TestHerald } from './support/start-herald.js'

const CHANNEL = 'presence-room.1'

async function join(server: TestHerald, client: RawClient, userId: string, userInfo: unknown = { name: userId }, channel = CHANNEL): Promise<Frame> {
  const from = client.frames.length
  const auth = server.sdk.authorizeChannel(client.socketId, channel, { user_id: userId, user_info: userInfo as Record<string, unknown> })
  client.send({ event: 'pusher:subscribe', data: { channel, ...auth } })
  return client.next(
    (f) => f.channel === channel && (f.event === 'pusher_internal:subscription_succeeded' || f.event === 'pusher:subscription_error'),
    `an answer to ${userId} joining ${channel}`,
    from,
  )
}

function presence(f: Frame): { count: number; ids: string[] } {
  return (RawClient.data(f) as { presence: { count: number; ids: string[] } }).presence
}

describe('presence limits (maxPresenceMembers 2, maxPresenceMemberSize 64)', () => {
  let server: TestHerald
  const clients: RawClient[] = []
  const connect = async (): Promise<RawClient> => {
    const c = await RawClient.connect(server.port)
    clients.push(c)
    return c
  }
  before(async () => {
    server = await startHerald({ config: { apps: [{ ...APP, maxPresenceMembers: 2, maxPresenceMemberSize: 64 }] } })
  })
  after(async () => {
    for (const c of clients) c.close()
    await server.close()
  })

  test('a third user is refused with LimitReached 4100, the socket stays open; a second tab of a member is not counted', async () => {
    const ann = await connect()
    const bo = await connect()
    const annTab2 = await connect()
    const cy = await connect()
    assert.equal((await join(server, ann, 'ann')).event, 'pusher_internal:subscription_succeeded')
    assert.equal((await join(server, bo, 'bo')).event, 'pusher_internal:subscription_succeeded')
    const second = await join(server, annTab2, 'ann')
    assert.equal(second.event, 'pusher_internal:subscription_succeeded', 'a second tab of a member joins a full channel')
    assert.equal(presence(second).count, 2)

    const refused = await join(server, cy, 'cy')
    assert.equal(refused.event, 'pusher:subscription_error')
    const error = RawClient.data(refused)
    assert.equal(error.type, 'LimitReached')
    assert.equal(error.status, 4100)
    assert.match(String(error.error), /presence-room\.1 is full: at most 2 members/)
    assert.equal(cy.closed, undefined, 'the refused socket stays open')
    assert.deepEqual(await server.app.herald.hub.presenceUsers(APP.id, CHANNEL), ['ann', 'bo'])
    assert.equal(ann.frames.some((f) => f.event === 'pusher_internal:member_added' && RawClient.data(f).user_id === 'cy'), false)

    // The refused socket still works, and gets in once a member leaves.
    cy.send({ event: 'pusher:subscribe', data: { channel: 'news' } })
    await cy.next((f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === 'news', 'a public subscription after the refusal')
    bo.close()
    await waitFor(async () => (await server.app.herald.hub.presenceUsers(APP.id, CHANNEL)).length === 1, { what: 'bo to leave' })
    const retry = await join(server, cy, 'cy')
    assert.equal(retry.event, 'pusher_internal:subscription_succeeded')
    assert.deepEqual(presence(retry).ids.sort(), ['ann', 'cy'])
  })

  test('a user_id over 128 characters or a user_info over maxPresenceMemberSize is refused with 4301; at the limits it joins', async () => {
    const c = await connect()
    const longId = await join(server, c, 'u'.repeat(129), {}, 'presence-ids')
    assert.equal(longId.event, 'pusher:subscription_error')
    assert.equal(RawClient.data(longId).status, 4301)
    assert.match(String(RawClient.data(longId).error), /user_id is 129 characters; at most 128/)

    const bigInfo = await join(server, c, 'big', { name: 'x'.repeat(60) }, 'presence-ids')
    assert.equal(bigInfo.event, 'pusher:subscription_error')
    assert.equal(RawClient.data(bigInfo).type, 'LimitReached')
    assert.equal(RawClient.data(bigInfo).status, 4301)
    assert.match(String(RawClient.data(bigInfo).error), /user_info is 71 bytes; at most 64/)
    assert.equal(c.closed, undefined)

    // {"name":"…"} is 11 bytes of JSON around the name: 53 characters make exactly 64.
    assert.equal((await join(server, c, 'u'.repeat(128), { name: 'x'.repeat(53) }, 'presence-ids')).event, 'pusher_internal:subscription_succeeded')
  })

  test('pusher-js sees the refusal as pusher:subscription_error (what Echo .error() gets) and stays connected', async () => {
    const seen: unknown[] = []
    for (let i = 0; i < 3; i++) {
      const pusher = await server.client()
      const channel = pusher.subscribe('presence-pjs')
      channel.bind('pusher:subscription_succeeded', () => seen.push('ok'))
      channel.bind('pusher:subscription_error', (e: unknown) => seen.push(e))
      await waitFor(() => seen.length === i + 1, { what: `pusher-js client ${i} to get an answer` })
      assert.equal(pusher.connection.state, 'connected')
    }
    assert.deepEqual(seen.slice(0, 2), ['ok', 'ok'])
    assert.deepEqual(seen[2], { type: 'LimitReached', error: 'Presence channel presence-pjs is full: at most 2 members', status: 4100 })
  })
})

test('by default a presence channel holds 100 members; the 101st is refused', { timeout: 60_000 }, async () => {
  const server = await startHerald()
  const clients: RawClient[] = []
  try {
    for (let i = 0; i < 101; i++) clients.push(await RawClient.connect(server.port))
    const answers = await Promise.all(clients.slice(0, 100).map((c, i) => join(server, c, `user-${i}`)))
    assert.ok(answers.every((f) => f.event === 'pusher_internal:subscription_succeeded'))
    const last = clients[100] as RawClient
    const refused = await join(server, last, 'user-100')
    assert.equal(refused.event, 'pusher:subscription_error')
    assert.equal(RawClient.data(refused).status, 4100)
    assert.equal((await server.app.herald.hub.channel(APP.id, CHANNEL)).userCount, 100)
  } finally {
    for (const c of clients) c.close()
    await server.close()
  }
})
