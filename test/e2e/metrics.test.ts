import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import PusherServer from 'pusher'
import { RawClient } from './support/raw-client.js'
import { APP, startHerald, type TestHerald } from './support/start-herald.js'

/** Parses Prometheus text into `name{labels}` → value, failing on any line that is not a comment or a sample (NaN in any case, as Go's ParseFloat reads it). */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})?) (-?[0-9.e+-]+|[Nn]a[Nn]|[+-]Inf)$/.exec(line)
    assert.ok(m, `not a Prometheus sample line: ${JSON.stringify(line)}`)
    samples.set(m[1]!, Number(m[2]))
  }
  return samples
}

describe('GET /metrics (server.metrics: true)', () => {
  let server: TestHerald
  const clients: RawClient[] = []
  before(async () => {
    server = await startHerald({ config: { server: { metrics: true } } })
  })
  after(async () => {
    for (const c of clients) c.close()
    await server.app.close()
  })

  test('reports connections, channels and subscriptions per app and counts published events and delivered frames', async () => {
    const scrape = async (): Promise<{ text: string; samples: Map<string, number> }> => {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`)
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
      const text = await res.text()
      return { text, samples: parse(text) }
    }
    const before = (await scrape()).samples
    for (let i = 0; i < 2; i++) {
      const c = await RawClient.connect(server.port)
      clients.push(c)
      c.send({ event: 'pusher:subscribe', data: { channel: 'news' } })
      await c.next((f) => f.event === 'pusher_internal:subscription_succeeded', 'subscribed')
    }
    clients[0]!.send({ event: 'pusher:subscribe', data: { channel: 'sport' } })
    await clients[0]!.next((f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === 'sport', 'subscribed to sport')
    const sdk = new PusherServer({ appId: APP.id, key: APP.key, secret: APP.secret, host: '127.0.0.1', port: String(server.port), useTLS: false })
    await sdk.trigger(['news', 'nobody-here'], 'Headline', { n: 1 })
    for (const c of clients) await c.next((f) => f.event === 'Headline', 'the event')

    const { text, samples } = await scrape()
    assert.equal(samples.get('herald_connections{app="app-id"}'), 2)
    assert.equal(samples.get('herald_channels{app="app-id"}'), 2)
    assert.equal(samples.get('herald_subscriptions{app="app-id"}'), 3)
    assert.equal(samples.get('herald_events_published_total')! - (before.get('herald_events_published_total') ?? 0), 2, 'one event on two channels')
    assert.equal(samples.get('herald_frames_delivered_total')! - (before.get('herald_frames_delivered_total') ?? 0), 2)
    assert.equal(samples.get('herald_slow_consumers_closed_total'), 0)
    assert.ok(samples.get('process_resident_memory_bytes')! > 0)
    assert.ok(samples.get('process_cpu_seconds_total')! > 0)
    assert.equal(samples.has('herald_cluster_redis_up'), false, 'a single process has no cluster gauge')
    for (const name of ['herald_connections', 'herald_frames_delivered_total', 'nodejs_heap_size_used_bytes']) {
      assert.match(text, new RegExp(`^# HELP ${name} .+\\n# TYPE ${name} (gauge|counter)$`, 'm'))
    }
  })
})

test('without server.metrics there is no /metrics route', async (t) => {
  const server = await startHerald()
  t.after(() => server.app.close())
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`)
  assert.equal(res.status, 404)
})

test('two servers in one process report their own metrics (one registry per server)', async (t) => {
  const a = await startHerald({ config: { server: { metrics: true } } })
  t.after(() => a.app.close())
  const b = await startHerald({ config: { server: { metrics: true } } })
  t.after(() => b.app.close())
  const client = await RawClient.connect(a.port)
  t.after(() => client.close())
  const scrape = async (port: number) => parse(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())
  assert.equal((await scrape(a.port)).get('herald_connections{app="app-id"}'), 1)
  assert.equal((await scrape(b.port)).get('herald_connections{app="app-id"}'), undefined, 'b has no connection, so no app sample')
})
