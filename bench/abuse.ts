/**
 * Repro of issue 11's three hostile patterns against `herald serve`, 300 connections each, printing the
 * server's RSS growth and how long the server took to close the attacking sockets.
 *
 *   node --import tsx bench/abuse.ts                       # this working tree's server
 *   node --import tsx bench/abuse.ts --root=/path/to/tree  # another checkout's CLI (src/cli/main.ts, or src/http/cli.ts before it moved)
 *   --connections=300 --window-s=15 --request-window-s=40  # how long each attack is watched
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { signedApiPath, stalledBody, stalledFrame, type AttackSocket } from './lib/abuse-clients.js'
import { BenchApp } from './lib/bench-config.js'
import { delay, spawnTracked, tsNodeArgs } from './lib/processes.js'
import { waitForPort } from './lib/redis.js'
import { freePort } from '../test/helpers/free-port.js'

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: fileURLToPath(new URL('../', import.meta.url)) },
    connections: { type: 'string', default: '300' },
    'window-s': { type: 'string', default: '15' },
    'request-window-s': { type: 'string', default: '40' },
  },
})
const connections = Number(values.connections)
const windowMs = Number(values['window-s']) * 1000
const requestWindowMs = Number(values['request-window-s']) * 1000
const MIB = 1024 * 1024
const DECLARED = 1_048_000
const SENT = 1_047_999

function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match === null ? 0 : Number(match[1]) * 1024
}

interface Outcome {
  readonly attack: string
  readonly growthMiB: number
  readonly closed: number
  readonly p50Ms: number | undefined
  readonly maxMs: number | undefined
  readonly answers: string
}

async function run(attack: string, pid: number, watchMs: number, start: () => Promise<AttackSocket>): Promise<Outcome> {
  const before = rssOf(pid)
  let peak = before
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssOf(pid))
  }, 100)
  const sockets = await Promise.all(Array.from({ length: connections }, start))
  const deadline = Date.now() + watchMs
  while (Date.now() < deadline && sockets.some((s) => s.closedAfterMs() === undefined)) await delay(100)
  clearInterval(sampler)
  peak = Math.max(peak, rssOf(pid))
  const times = sockets.map((s) => s.closedAfterMs()).filter((t): t is number => t !== undefined).map((t) => Math.max(0, t)).sort((a, b) => a - b)
  const answers = new Map<string, number>()
  for (const s of sockets) {
    const answer = s.wsCloseCode() !== undefined ? `ws ${s.wsCloseCode()}` : s.httpStatus() !== undefined ? `http ${s.httpStatus()}` : 'none'
    answers.set(answer, (answers.get(answer) ?? 0) + 1)
  }
  for (const s of sockets) s.destroy()
  return {
    attack,
    growthMiB: (peak - before) / MIB,
    closed: times.length,
    p50Ms: times[Math.floor(times.length / 2)],
    maxMs: times.length === connections ? times[times.length - 1] : undefined,
    answers: [...answers].map(([k, n]) => `${k} ×${n}`).join(', '),
  }
}

interface Attack {
  readonly name: string
  readonly watchMs: number
  start(port: number): Promise<AttackSocket>
}

const body = JSON.stringify({ name: 'E', channel: 'news', data: 'x'.repeat(900) })
const attacks: Attack[] = [
  // Not an attack: what 300 open WebSockets cost at all, to read the others against.
  { name: '0. reference: 300 open WebSockets, one small frame each', watchMs: 2000, start: (port) => stalledFrame(port, { key: BenchApp.key, declared: 2, sent: 2 }) },
  { name: '1. stalled 1 MB WebSocket frames', watchMs: windowMs, start: (port) => stalledFrame(port, { key: BenchApp.key, declared: DECLARED, sent: SENT }) },
  {
    name: '2. stalled bodies (signed POST, 20 B sent)',
    watchMs: requestWindowMs,
    start: (port) => stalledBody(port, { path: signedApiPath({ appId: BenchApp.id, key: BenchApp.key, secret: BenchApp.secret, route: 'events', body }), contentLength: body.length, sent: 20 }),
  },
  { name: '3. unsigned 1 MB POST bodies', watchMs: windowMs, start: (port) => stalledBody(port, { path: `/apps/${BenchApp.id}/events`, contentLength: DECLARED, sent: SENT }) },
]

/** One attack against a fresh server, so memory one attack left behind does not hide the next one's. */
async function runFresh(root: string, attack: Attack): Promise<Outcome> {
  const port = await freePort()
  const server = spawnTracked(process.execPath, [...tsNodeArgs(), [resolve(root, 'src/cli/main.ts'), resolve(root, 'src/http/cli.ts')].find((p) => existsSync(p)) ?? resolve(root, 'src/cli/main.ts'), 'serve'], {
    label: 'herald',
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', BROADCAST_APP_ID: BenchApp.id, BROADCAST_APP_KEY: BenchApp.key, BROADCAST_APP_SECRET: BenchApp.secret },
  })
  try {
    await waitForPort(port, server, 30_000)
    // Let start-up settle so its allocations are not counted as the attack's.
    await delay(1000)
    return await run(attack.name, server.pid, attack.watchMs, () => attack.start(port))
  } finally {
    await server.stop()
  }
}

async function main(): Promise<void> {
  const root = resolve(values.root)
  console.log(`herald serve from ${root}, ${connections} connections per attack, a fresh server for each`)
  const outcomes: Outcome[] = []
  for (const attack of attacks) outcomes.push(await runFresh(root, attack))
  console.log('\n| attack | RSS growth (peak) | closed by the server | time to close after the last byte, p50 / max | answers |\n| --- | --- | --- | --- | --- |')
  const fmt = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`)
  for (const [i, o] of outcomes.entries()) {
    const watched = (attacks[i]?.watchMs ?? 0) / 1000
    console.log(`| ${o.attack} | ${o.growthMiB.toFixed(0)} MiB | ${o.closed}/${connections} within ${watched} s | ${fmt(o.p50Ms)} / ${fmt(o.maxMs)} | ${o.answers} |`)
  }
}

await main()
