import { existsSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'

/** Debian's `chromium` package; `.ci/run` installs it when absent. */
export const CHROMIUM_PATH = '/usr/bin/chromium'

/** Flags for a quiet, sandbox-less headless run inside a container, with no calls home. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** How long any single browser wait may take before the test fails. */
export const BROWSER_TIMEOUT_MS = 15_000

/**
 * Launches headless Chromium. A missing browser is a failure, not a skip: the demo's browser test
 * is part of `npm test`.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with 'apt-get install -y chromium' (.ci/run does this)`)
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: BROWSER_TIMEOUT_MS })
}

/**
 * Records what a page logs and throws into `lines`, so a failing browser test can say what the page saw.
 */
export function recordPageLog(page: Page, label: string, lines: string[]): void {
  page.on('console', (message) => lines.push(`[${label}] console.${message.type()}: ${message.text()}`))
  page.on('pageerror', (error) => lines.push(`[${label}] page error: ${error.message}`))
  page.on('response', (response) => {
    if (response.status() >= 400) lines.push(`[${label}] HTTP ${response.status()} ${response.request().method()} ${response.url()}`)
  })
  page.on('requestfailed', (request) => lines.push(`[${label}] request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`))
}
