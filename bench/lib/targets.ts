import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../test/helpers/free-port.js'
import { BenchApp } from './bench-config.js'
import type { ClientKind } from './client-pool.js'
import { pinned, serverCpus } from './cpu-pinning.js'
import { spawnTracked, tsNodeArgs, type TrackedProcess } from './processes.js'
import { startRedis, waitForPort, type PrivateRedis } from './redis.js'

/** The servers a scenario can run against. */
export const TargetNames = ['herald', 'herald-socketio', 'ws-baseline', 'ws-baseline-prefr', 'socketio', 'socketio-redis', 'ws-baseline-batch', 'herald-ref'] as const

/** What runs when --targets is not given (ws-baseline-batch and herald-ref are opt-in). */
export const DefaultTargets: TargetName[] = ['herald', 'herald-socketio', 'ws-baseline', 'ws-baseline-prefr', 'socketio', 'socketio-redis']
export type TargetName = (typeof TargetNames)[number]

/** The reference every ratio column divides by. */
export const ReferenceTarget: TargetName = 'ws-baseline'

const root = fileURLToPath(new URL('../../', import.meta.url))
const agent = fileURLToPath(new URL('../servers/bench-agent.ts', import.meta.url))
const heraldCli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
/** `herald-ref`: Herald from another checkout (e.g. a copy of main), to compare before/after in one run. */
const referenceRoot = process.env['BENCH_HERALD_REF']
// The CLI moved from src/http/cli.ts to src/cli/main.ts; a reference checkout may have either.
const referenceCli = referenceRoot === undefined ? '' : [`src/cli/main.ts`, `src/http/cli.ts`].map((p) => `${referenceRoot.replace(/\/$/, '')}/${p}`).find((p) => existsSync(p)) ?? `${referenceRoot}/src/cli/main.ts`

interface TargetSpec {
  client: ClientKind
  /** Extra modules preloaded after the bench agent. */
  preload?: string[]
  script: string
  args: string[]
  env: Record<string, string>
  /** How this target forms a cluster over Redis (undefined: it cannot). */
  clusterEnv?: (redisUrl: string) => Record<string, string>
  /** Needs its own Redis even as a single server. */
  needsRedis?: boolean
}

const heraldSpec: TargetSpec = {
  client: 'pusher',
  script: heraldCli,
  args: ['serve'],
  env: { BROADCAST_APP_ID: BenchApp.id, BROADCAST_APP_KEY: BenchApp.key, BROADCAST_APP_SECRET: BenchApp.secret, LOG_LEVEL: 'warn' },
  clusterEnv: (url) => ({ BROADCAST_CONNECTION: 'redis', REDIS_URL: url }),
}

const specs: Record<TargetName, TargetSpec> = {
  herald: heraldSpec,
  // The same server with its Socket.IO endpoint on, measured with socket.io-client 4 speaking Echo's protocol.
  'herald-socketio': { ...heraldSpec, client: 'socketio-echo', env: { ...heraldSpec.env, HERALD_SOCKETIO: 'true' } },
  'herald-ref': { ...heraldSpec, script: referenceCli },
  'ws-baseline': { client: 'pusher', script: fileURLToPath(new URL('../servers/ws-baseline.ts', import.meta.url)), args: [], env: {} },
  'ws-baseline-prefr': { client: 'pusher', script: fileURLToPath(new URL('../servers/ws-baseline.ts', import.meta.url)), args: [], env: { BENCH_PREFRAMED: '1' } },
  'ws-baseline-batch': { client: 'pusher', script: fileURLToPath(new URL('../servers/ws-baseline.ts', import.meta.url)), args: [], env: { BENCH_BATCH: '1' } },
  socketio: { client: 'socketio', script: fileURLToPath(new URL('../servers/socketio.ts', import.meta.url)), args: [], env: {} },
  'socketio-redis': {
    client: 'socketio',
    script: fileURLToPath(new URL('../servers/socketio.ts', import.meta.url)),
    args: [],
    env: {},
    needsRedis: true,
    clusterEnv: (url) => ({ REDIS_URL: url }),
  },
}

export function clientKindOf(target: TargetName): ClientKind {
  return specs[target].client
}

/** Why a target cannot run here, or undefined when it can. */
export function unavailableReason(target: TargetName): string | undefined {
  if (target === 'herald-ref') {
    if (referenceRoot === undefined) return 'set BENCH_HERALD_REF to the root of the Herald checkout to compare with'
    if (!existsSync(referenceCli)) return `${referenceCli} does not exist`
  }
  if (target.startsWith('herald') && !existsSync(heraldCli)) return 'src/cli/main.ts (herald serve) does not exist yet'
  return undefined
}

export function canCluster(target: TargetName): boolean {
  return specs[target].clusterEnv !== undefined
}

/** A running server process (plus the bench agent inside it). */
export interface ServerHandle {
  readonly name: string
  readonly port: number
  readonly url: string
  readonly proc: TrackedProcess
  stats(): Promise<AgentStats>
  gc(): Promise<AgentStats>
  profileStart(): Promise<void>
  profileStop(file: string): Promise<void>
  /** Writes a V8 heap snapshot of the server (for "what does a connection retain?"). */
  heapSnapshot(file: string): Promise<void>
}

/** What the bench agent reports about its process. */
export interface AgentStats {
  cpuMicros: number
  /** Write-like syscalls so far (Linux /proc/self/io syscw); -1 where unknown. */
  writeSyscalls: number
  rss: number
  heapUsed: number
  external: number
  arrayBuffers: number
}

/** A group of servers started together (one, or a cluster) with their private Redis if any. */
export interface Deployment {
  readonly servers: ServerHandle[]
  stop(): Promise<void>
}

async function agentCall<T>(agentPort: number, path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${agentPort}/__bench/${path}`)
  const body = (await res.json()) as T & { error?: string }
  if (!res.ok) throw new Error(`bench agent ${path}: ${body.error ?? res.status}`)
  return body
}

async function startServer(target: TargetName, label: string, extraEnv: Record<string, string>, nodeFlags: string[]): Promise<ServerHandle> {
  const spec = specs[target]
  const [port, agentPort] = [await freePort(), await freePort()]
  const env = { ...process.env, ...spec.env, ...extraEnv, HOST: '127.0.0.1', PORT: String(port), BENCH_AGENT_PORT: String(agentPort), NODE_ENV: 'production' }
  const preloads = [agent, ...(spec.preload ?? [])].flatMap((file) => ['--import', file])
  const [command, args] = pinned(serverCpus(), process.execPath, [...tsNodeArgs(['--expose-gc', ...nodeFlags, ...preloads]), spec.script, ...spec.args])
  const proc = spawnTracked(command, args, { label, env, cwd: root })
  await waitForPort(port, proc, 30_000)
  await waitForPort(agentPort, proc, 5_000)
  return {
    name: label,
    port,
    url: `ws://127.0.0.1:${port}`,
    proc,
    stats: () => agentCall<AgentStats>(agentPort, 'stats'),
    gc: () => agentCall<AgentStats>(agentPort, 'gc'),
    profileStart: async () => void (await agentCall(agentPort, 'profile/start')),
    profileStop: async (file) => void (await agentCall(agentPort, `profile/stop?file=${encodeURIComponent(file)}`)),
    heapSnapshot: async (file) => void (await agentCall(agentPort, `heap-snapshot?file=${encodeURIComponent(file)}`)),
  }
}

/** Starts `count` servers of `target`; more than one (or a target that needs it) gets a private Redis. */
export async function deploy(target: TargetName, count = 1, nodeFlags: string[] = []): Promise<Deployment> {
  const spec = specs[target]
  let redis: PrivateRedis | undefined
  const servers: ServerHandle[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.proc.stop()))
    await redis?.stop()
  }
  try {
    let env: Record<string, string> = {}
    if (count > 1 || spec.needsRedis === true) {
      if (spec.clusterEnv === undefined) throw new Error(`${target} has no cluster mode`)
      redis = await startRedis()
      env = spec.clusterEnv(redis.url)
    }
    for (let i = 0; i < count; i++) servers.push(await startServer(target, count > 1 ? `${target}#${i + 1}` : target, env, nodeFlags))
    return { servers, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
