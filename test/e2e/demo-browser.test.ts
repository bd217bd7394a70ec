// The `npm start` demo, driven in headless Chromium as two demo users side by side.
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startDemo, type RunningDemo } from '../../examples/demo/demo-app.js'
import { BROWSER_TIMEOUT_MS, launchChromium, recordPageLog } from '../helpers/browser.js'

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url)
const CLOSE_TIMEOUT_MS = 10_000

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: fileURLToPath(new URL(name, ARTIFACTS)), fullPage: true })
}

/** Fails saying what did not finish, instead of hanging the file until the runner's timeout. */
async function withTimeout<T>(promise: Promise<T> | undefined, ms: number, what: string): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

interface DemoPage {
  readonly context: BrowserContext
  readonly page: Page
}

describe('demo page in headless Chromium', () => {
  let demo: RunningDemo
  let browser: Browser
  let alice: DemoPage
  let bob: DemoPage
  const log: string[] = []
  let closing: Promise<void> | undefined

  /** Opens the demo in its own browser context and signs in as a demo user through the login screen. */
  async function openAs(username: string): Promise<DemoPage> {
    const context = await browser.newContext({ viewport: { width: 1180, height: 900 } })
    context.setDefaultTimeout(BROWSER_TIMEOUT_MS)
    const page = await context.newPage()
    recordPageLog(page, username, log)
    await page.goto(demo.url)
    await page.waitForSelector('#login-users button')
    if (username === 'alice') await screenshot(page, 'demo-login.png')
    await page.click(`#login-users button[data-username="${username}"]`)
    await page.waitForSelector('body[data-ready="true"]')
    await page.waitForSelector('#connection[data-state="connected"]')
    return { context, page }
  }

  /** Runs a step; on failure, the error carries what the pages logged. */
  async function step(body: () => Promise<void>): Promise<void> {
    try {
      await body()
    } catch (err) {
      if (err instanceof Error && log.length > 0) err.message += `\n--- page log ---\n${log.join('\n')}`
      throw err
    }
  }

  const texts = (page: Page, selector: string): Promise<string[]> => page.locator(selector).allTextContents()

  before(async () => {
    demo = await startDemo({ port: 0 })
    browser = await launchChromium()
    alice = await openAs('alice')
    bob = await openAs('bob')
  })

  after(async () => {
    await browser?.close()
    closing ??= demo?.app.close()
    await withTimeout(closing, CLOSE_TIMEOUT_MS, 'the demo app to close')
  })

  it('shows the connection state and each user their own private channel', () =>
    step(async () => {
      assert.equal(await alice.page.textContent('#connection'), 'Connected')
      await alice.page.waitForSelector('#private-status.ok')
      assert.match((await alice.page.textContent('#private-status')) ?? '', /private-user\.1/)
      await bob.page.waitForSelector('#private-status.ok')
      assert.match((await bob.page.textContent('#private-status')) ?? '', /private-user\.2/)
    }))

  it('lists both users in the presence room on both pages', () =>
    step(async () => {
      await alice.page.waitForSelector('#member-list li[data-member="bob"]')
      await bob.page.waitForSelector('#member-list li[data-member="alice"]')
      assert.deepEqual((await texts(alice.page, '#member-list li .member-name')).sort(), ['Alice (you)', 'Bob'])
      assert.equal(await alice.page.textContent('#member-count'), '2')
    }))

  it('delivers a feed post from one page to the other, after the listener stored it', () =>
    step(async () => {
      const text = `hello from Alice ${Date.now()}`
      await alice.page.fill('#feed-input', text)
      await alice.page.click('#feed-form button[type="submit"]')
      await bob.page.locator('#feed-list li', { hasText: text }).waitFor()
      await alice.page.locator('#feed-list li', { hasText: text }).waitFor()
      // The listener ran: the app's own store (what a freshly opened page loads) has the post.
      const stored = await demo.app.inject({ url: '/demo/feed' }).then((r) => r.json<{ items: Array<{ text: string }> }>())
      assert.ok(stored.items.some((p) => p.text === text), `the feed store should hold '${text}'`)
    }))

  it('a like is a model event: PostUpdated on private-App.Models.Post.{id} updates the count on every page', () =>
    step(async () => {
      const text = `like me ${Date.now()}`
      await alice.page.fill('#feed-input', text)
      await alice.page.click('#feed-form button[type="submit"]')
      // Both pages watch the new post's model channel before anyone likes it.
      const atBob = bob.page.locator('#feed-list li[data-watching="true"]', { hasText: text })
      await atBob.waitFor()
      await alice.page.locator('#feed-list li[data-watching="true"]', { hasText: text }).waitFor()
      await atBob.locator('button.like').click()
      await alice.page.locator('#feed-list li', { hasText: text }).locator('button.like', { hasText: '♥ 1' }).waitFor()
      await atBob.locator('button.like', { hasText: '♥ 1' }).waitFor()
    }))

  it('sends a private notification only to its user', () =>
    step(async () => {
      await alice.page.click('#notify-buttons button[data-notify="bob"]')
      await bob.page.locator('#notification-list li', { hasText: 'Alice says hi' }).waitFor()
      // Bob answers; once Alice has his notification, anything meant for Bob would have reached her first.
      await bob.page.click('#notify-buttons button[data-notify="alice"]')
      await alice.page.locator('#notification-list li', { hasText: 'Bob says hi' }).waitFor()
      assert.deepEqual(await texts(alice.page, '#notification-list li .who'), ['Bob'])
      assert.deepEqual(await texts(bob.page, '#notification-list li .who'), ['Alice'])
    }))

  it('visibly refuses a subscription to another user\'s private channel', () =>
    step(async () => {
      await alice.page.click('#spy-button')
      await alice.page.waitForSelector('#spy-result[data-result="refused"]')
      assert.match((await alice.page.textContent('#spy-result')) ?? '', /403/)
      // The refusal costs nothing else: Alice's own private channel still works.
      await bob.page.click('#notify-buttons button[data-notify="alice"]')
      await alice.page.locator('#notification-list li').nth(1).waitFor()
      assert.deepEqual(await texts(alice.page, '#notification-list li .who'), ['Bob', 'Bob'])
    }))

  it('shows the typing whisper on the other page', () =>
    step(async () => {
      await bob.page.fill('#chat-input', 'typing something')
      await alice.page.locator('#typing', { hasText: 'Bob is typing' }).waitFor()
    }))

  it('shows a chat message to the others but never echoes it back to its sender (toOthers)', () =>
    step(async () => {
      const fromAlice = `chat from Alice ${Date.now()}`
      await alice.page.fill('#chat-input', fromAlice)
      await alice.page.click('#chat-form button[type="submit"]')
      await bob.page.locator('#chat-list li[data-origin="remote"]', { hasText: fromAlice }).waitFor()
      // Bob replies after he got Alice's message; on Alice's socket an echo of hers would come before his.
      const fromBob = `chat from Bob ${Date.now()}`
      await bob.page.fill('#chat-input', fromBob)
      await bob.page.click('#chat-form button[type="submit"]')
      await alice.page.locator('#chat-list li[data-origin="remote"]', { hasText: fromBob }).waitFor()
      assert.equal(await alice.page.locator('#chat-list li', { hasText: fromAlice }).count(), 1, 'Alice sees her message once')
      assert.equal(await alice.page.locator('#chat-list li[data-origin="local"]', { hasText: fromAlice }).count(), 1, 'shown optimistically')
      assert.equal(await bob.page.locator('#chat-list li', { hasText: fromBob }).count(), 1, 'Bob sees his message once')
    }))

  it('trusts only signed tokens: forged or unknown users get 401 and 404, bad input 400', () =>
    step(async () => {
      const login = await demo.app.inject({ method: 'POST', url: '/demo/login', payload: { username: 'alice' } })
      const { token } = login.json<{ token: string }>()
      const [id, signature] = token.split('.')
      assert.equal(id, '1')
      // Claiming to be Bob with Alice's signature, or with no signature, proves nothing.
      for (const forged of [`2.${signature}`, '2', 'Bob']) {
        const me = await demo.app.inject({ url: '/demo/me', headers: { authorization: `Bearer ${forged}` } })
        assert.equal(me.statusCode, 401, `token ${forged}`)
        const auth = await demo.app.inject({
          method: 'POST', url: '/broadcasting/auth', headers: { authorization: `Bearer ${forged}` },
          payload: { socket_id: '123.456', channel_name: 'private-user.2' },
        })
        assert.equal(auth.statusCode, 401, `/broadcasting/auth with token ${forged}`)
      }
      assert.equal((await demo.app.inject({ method: 'POST', url: '/demo/login', payload: { username: 'mallory' } })).statusCode, 404)
      const empty = await demo.app.inject({ method: 'POST', url: '/demo/feed', headers: { authorization: `Bearer ${token}` }, payload: { text: '' } })
      assert.equal(empty.statusCode, 400)
      assert.match(empty.json<{ message: string }>().message, /text/)
    }))

  it('saves a screenshot for humans', () =>
    step(async () => {
      await screenshot(alice.page, 'demo-alice.png')
      await screenshot(bob.page, 'demo-bob.png')
    }))

  it('removes a user from the room when their page closes', () =>
    step(async () => {
      await bob.context.close()
      await alice.page.locator('#member-list li[data-member="bob"]').waitFor({ state: 'detached' })
      assert.equal(await alice.page.textContent('#member-count'), '1')
    }))

  it('shows that it is reconnecting, and that requests fail, when the server goes away', () =>
    step(async () => {
      // Not awaited here: the close finishes once the page stops reconnecting (the browser closes in after()).
      closing = demo.app.close()
      // The plugin's shutdown sends 4200 ("reconnect now"); pusher-js retries and the badge says so.
      await alice.page.locator('#connection', { hasText: /Reconnecting|unreachable/ }).waitFor()
      assert.notEqual(await alice.page.getAttribute('#connection', 'data-state'), 'connected')
      // A request that cannot reach the server says so instead of failing silently.
      await alice.page.fill('#feed-input', 'into the void')
      await alice.page.click('#feed-form button[type="submit"]')
      await alice.page.locator('#error-bar', { hasText: 'Something went wrong' }).waitFor()
    }))
})
