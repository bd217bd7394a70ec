import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, get } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import PusherServer from 'pusher'
import { startServer } from '../../src/http/serve.js'
import { waitFor } from '../helpers/wait-for.js'

const APP = { id: 'tls-app', key: 'tls-key', secret: 'tls-secret' }

/** A self-signed certificate for 127.0.0.1, made with openssl for this test only. */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'pipe' })
  return { cert, key }
}

// pusher-js (Node build) takes no CA option; a child process trusts the certificate through
// NODE_EXTRA_CA_CERTS, which Node reads at start-up, so nothing else in this process trusts it.
const CLIENT = `
import Pusher from ${JSON.stringify(import.meta.resolve('pusher-js'))}
const pusher = new Pusher(process.env.KEY, { cluster: 'mt1', wsHost: '127.0.0.1', wssPort: Number(process.env.PORT), forceTLS: true, enabledTransports: ['ws'], disableStats: true })
pusher.connection.bind('state_change', (s) => console.log(JSON.stringify({ state: s.current })))
pusher.subscribe('secure').bind('hello', (data) => { console.log(JSON.stringify({ got: data })); pusher.disconnect() })
pusher.channel('secure').bind('pusher:subscription_succeeded', () => console.log(JSON.stringify({ subscribed: true })))
`

test('server.tls: herald serve speaks https:// and wss://; real pusher-js with forceTLS connects trusting the certificate', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-tls-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const tls = selfSigned(dir)
  const server = await startServer({ env: { HERALD_TLS_KEY: tls.key }, config: { apps: [APP], server: { host: '127.0.0.1', port: 0, tls: { cert: tls.cert } } }, logger: false })
  t.after(() => server.close())
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/)

  const ca = readFileSync(tls.cert)
  const up = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
    get(`${server.url}/up`, { ca }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode, body }))
    }).on('error', reject)
  })
  assert.deepEqual(up, { status: 200, body: '{"status":"ok"}' })
  // Not trusted without the certificate: proves the connection really is TLS with this certificate.
  await assert.rejects(fetch(`${server.url}/up`), /fetch failed/)

  const script = join(dir, 'client.mjs')
  writeFileSync(script, CLIENT)
  const child = spawn(process.execPath, [script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.cert, KEY: APP.key, PORT: String(server.port) }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  await waitFor(() => out.includes('"subscribed":true'), { what: 'pusher-js over wss to subscribe', timeoutMs: 20_000 }).catch((err: Error) => {
    throw new Error(`${err.message}; the client printed: ${out}`)
  })
  assert.match(out, /"state":"connected"/)
  const sdk = new PusherServer({ ...APP, appId: APP.id, host: '127.0.0.1', port: String(server.port), useTLS: true, agent: new Agent({ ca }) })
  await sdk.trigger('secure', 'hello', { over: 'https' })
  await waitFor(() => out.includes('"got":{"over":"https"}'), { what: 'the event over wss' })
})

test('server.tls naming unreadable files fails start-up naming both keys', async () => {
  await assert.rejects(
    startServer({ env: {}, config: { server: { port: 0, tls: { cert: '/nonexistent/cert.pem', key: '/nonexistent/key.pem' } } }, logger: false }),
    (err: Error) => /server\.tls\.cert: cannot read "\/nonexistent\/cert\.pem": ENOENT/.test(err.message) && /server\.tls\.key: cannot read/.test(err.message),
  )
})
