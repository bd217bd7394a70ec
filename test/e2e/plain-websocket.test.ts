// examples/plain-websocket in the real Chromium: no library, the Pusher protocol by hand against a Herald
// Fastify app: connect, subscribe to a public and a private channel (through /broadcasting/auth), receive, ping/pong.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import herald from '../../src/http/index.js'
import { BROWSER_TIMEOUT_MS, launchChromium, recordPageLog } from '../helpers/browser.js'
import { waitFor } from '../helpers/wait-for.js'

const EXAMPLE = new URL('../../examples/plain-websocket/', import.meta.url)
const USERS = new Map([['token-ann', { id: 1 }], ['token-bob', { id: 2 }]])

/** What the example page's `window.herald` offers the test. */
interface PageHerald {
  ping(): Promise<void>
  close(): void
  readonly pingsAnswered: number
}
declare const window: { herald: PageHerald }

/** The page's list of what happened, in order. */
const items = (page: Page) => page.locator('#events li').allTextContents()

describe('plain WebSocket client (examples/plain-websocket) in headless Chromium', () => {
  let app: FastifyInstance
  let browser: Browser
  let origin: string
  const log: string[] = []

  before(async () => {
    const [html, script] = await Promise.all([readFile(new URL('index.html', EXAMPLE)), readFile(new URL('herald-socket.js', EXAMPLE))])
    app = Fastify()
    await app.register(herald, {
      env: {},
      // One second, so the server's own idle ping comes within the test (the default is 30 s).
      config: { apps: [{ id: 'app-id', key: 'app-key', secret: 'app-secret', activityTimeout: 1 }] },
      authenticate: (request) => USERS.get(request.headers.authorization?.replace(/^Bearer /, '') ?? '') ?? null,
    })
    app.herald.channels.channel('orders.{orderId}', (user: { id: number }, { orderId }) => orderId === '42' && user.id === 1)
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(html))
    app.get('/herald-socket.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(script))
    origin = await app.listen({ port: 0, host: '127.0.0.1' })
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    await app?.close()
  })

  async function open(token: string): Promise<Page> {
    const page = await browser.newPage()
    page.setDefaultTimeout(BROWSER_TIMEOUT_MS)
    recordPageLog(page, token, log)
    await page.goto(`${origin}/?token=${token}`)
    return page
  }
  const withLog = async (body: () => Promise<void>) => {
    try {
      await body()
    } catch (err) {
      if (err instanceof Error) err.message += `\n--- page log ---\n${log.join('\n')}`
      throw err
    }
  }

  it('connects, subscribes to a public and a private channel, and receives both channels\' events', () =>
    withLog(async () => {
      const ann = await open('token-ann')
      await ann.locator('#events li', { hasText: 'subscribed private-orders.42' }).waitFor()
      assert.match((await ann.textContent('#status')) ?? '', /^connected as \d+\.\d+$/)
      assert.deepEqual(await items(ann), ['subscribed news', 'subscribed private-orders.42'])

      await app.herald.broadcasting.channel('news').broadcast('NewsPublished', { title: 'Herald 1.0' })
      await app.herald.broadcasting.private('orders.42').broadcast('OrderShipped', { orderId: 42 })
      await ann.locator('#events li').nth(3).waitFor()
      assert.deepEqual((await items(ann)).slice(2), ['NewsPublished: {"title":"Herald 1.0"}', 'OrderShipped: {"orderId":42}'])
      await ann.close()
    }))

  it('a refused private channel reports the 403 and costs nothing else: the public channel still delivers', () =>
    withLog(async () => {
      const bob = await open('token-bob')
      await bob.locator('#events li', { hasText: 'refused private-orders.42' }).waitFor()
      assert.deepEqual(await items(bob), ['subscribed news', 'refused private-orders.42: /broadcasting/auth refused private-orders.42: HTTP 403'])
      await app.herald.broadcasting.private('orders.42').broadcast('OrderShipped', { orderId: 43 })
      await app.herald.broadcasting.channel('news').broadcast('NewsPublished', { title: 'after' })
      await bob.locator('#events li', { hasText: 'after' }).waitFor()
      assert.deepEqual((await items(bob)).slice(2), ['NewsPublished: {"title":"after"}'], 'Bob gets the news, never the order')
      await bob.close()
    }))

  it('pings: the client pings and gets a pong; it answers the server\'s ping and stays connected', () =>
    withLog(async () => {
      const page = await open('token-ann')
      await page.waitForFunction(() => window.herald !== undefined)
      await page.evaluate(() => window.herald.ping()) // resolves on the server's pusher:pong
      // A second connection whose own idle ping (60 s) comes long after the server's (1 s): only the server pings.
      // A string, not a function: tsx's keepNames would wrap a function's inner arrows in a helper the page lacks.
      await page.evaluate(`(async () => {
        const { connectHerald } = await import('/herald-socket.js')
        window.quietClosed = []
        window.quiet = await connectHerald({ url: '${origin.replace(/^http/, 'ws')}', key: 'app-key', activityTimeout: 60000, onClose: (code) => window.quietClosed.push(code) })
      })()`)
      const answered = () => page.evaluate(() => (window as unknown as { quiet: PageHerald }).quiet.pingsAnswered)
      await waitFor(async () => (await answered()) >= 2, { what: 'the quiet connection to answer two server pings', timeoutMs: BROWSER_TIMEOUT_MS })
      // Answered pings keep it open: a missed one would have closed it with 4201.
      assert.deepEqual(await page.evaluate(() => (window as unknown as { quietClosed: number[] }).quietClosed), [])
      await page.close()
    }))
})
