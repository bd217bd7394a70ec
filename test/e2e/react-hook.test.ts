// herald/react in the real Chromium: examples/react/app.tsx, bundled with esbuild, on @laravel/echo-react's Echo
// pointed at a Herald Fastify app. The hook's list is what the page shows.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import herald from '../../src/http/index.js'
import { OrderShipped } from '../../examples/react/order-shipped.js'
import { BROWSER_TIMEOUT_MS, launchChromium, recordPageLog } from '../helpers/browser.js'
import { bundleForBrowser } from '../helpers/bundle-for-browser.js'
import { waitFor } from '../helpers/wait-for.js'

const ENTRY = fileURLToPath(new URL('../../examples/react/app.tsx', import.meta.url))
const PAGE = '<!doctype html><html><head><meta charset="utf-8"><title>Herald React</title></head><body><div id="root"></div><script type="module" src="/app.js"></script></body></html>'
const USERS = new Map([['token-ann', { id: 1, name: 'Ann' }], ['token-bob', { id: 2, name: 'Bob' }]])
const CUSTOMER_OF_ORDER_42 = 1

describe('herald/react useBroadcastEvents in headless Chromium', () => {
  let app: FastifyInstance
  let browser: Browser
  let origin: string
  const log: string[] = []

  before(async () => {
    const bundle = await bundleForBrowser(ENTRY)
    app = Fastify()
    await app.register(herald, {
      env: {},
      authenticate: (request) => USERS.get(request.headers.authorization?.replace(/^Bearer /, '') ?? '') ?? null,
    })
    app.herald.channels.channel('orders.{orderId}', (user: { id: number }, { orderId }) => orderId === '42' && user.id === CUSTOMER_OF_ORDER_42)
    app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE))
    app.get('/app.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(bundle))
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

  const subscribers = async (channel: string) => (await app.herald.hub.channel('app-id', channel)).subscriptionCount
  const withLog = async (body: () => Promise<void>) => {
    try {
      await body()
    } catch (err) {
      if (err instanceof Error) err.message += `\n--- page log ---\n${log.join('\n')}`
      throw err
    }
  }

  it("shows Echo's connection status and each OrderShipped the customer's channel receives, typed from the event class", () =>
    withLog(async () => {
      const ann = await open('token-ann')
      await ann.waitForSelector('#status[data-status="connected"]')
      await waitFor(async () => (await subscribers('private-orders.42')) === 1, { what: "Ann's page subscribed to private-orders.42", timeoutMs: BROWSER_TIMEOUT_MS })

      await app.herald.events.dispatch(new OrderShipped(42, 'TRACK-1'))
      await app.herald.events.dispatch(new OrderShipped(42, 'TRACK-2'))
      await ann.locator('#shipments li').nth(1).waitFor()
      const items = await ann.locator('#shipments li').allTextContents()
      assert.equal(items.length, 2)
      assert.match(items[0]!, /^Order 42 shipped: TRACK-1 at \d{4}-\d\d-\d\dT/)
      assert.match(items[1]!, /^Order 42 shipped: TRACK-2 at /)
      await ann.close()
    }))

  it('a user the channel rule refuses gets a 403 and no events, while the customer still gets them', () =>
    withLog(async () => {
      const ann = await open('token-ann')
      await waitFor(async () => (await subscribers('private-orders.42')) === 1, { what: "Ann's page subscribed", timeoutMs: BROWSER_TIMEOUT_MS })
      const bob = await browser.newPage()
      recordPageLog(bob, 'bob', log)
      const refused = bob.waitForResponse((r) => r.url().endsWith('/broadcasting/auth'), { timeout: BROWSER_TIMEOUT_MS })
      await bob.goto(`${origin}/?token=token-bob`)
      assert.equal((await refused).status(), 403)

      await app.herald.events.dispatch(new OrderShipped(42, 'TRACK-3'))
      await ann.locator('#shipments li', { hasText: 'TRACK-3' }).waitFor()
      assert.equal(await bob.locator('#shipments li').count(), 0, 'Bob must not see order 42')
      assert.equal(await subscribers('private-orders.42'), 1)
      await Promise.all([ann.close(), bob.close()])
    }))

  it('the page leaves the channel when it closes (the hook unsubscribes)', async () => {
    await waitFor(async () => (await subscribers('private-orders.42')) === 0, { what: 'no subscriber left on private-orders.42', timeoutMs: BROWSER_TIMEOUT_MS })
  })
})
