import { spawn, type ChildProcess } from 'node:child_process'
import { freePort } from '../../helpers/free-port.js'
import { waitFor } from '../../helpers/wait-for.js'
import { APP } from './cluster-client.js'

/** A `herald serve` process in cluster mode. */
export interface HeraldProcess {
  readonly port: number
  readonly pid: number
  /** Log lines (pino JSON) written so far. */
  readonly logs: string[]
  /** `GET /up`'s body, or undefined when the server does not answer. */
  up(): Promise<{ status: string; cluster?: { connected: boolean; subscribed: boolean; serverId: string } } | undefined>
  /** SIGKILL: the server dies without deregistering, as in a crash. */
  kill(): Promise<void>
  /** SIGTERM and wait for exit. Idempotent. */
  stop(): Promise<void>
}

/**
 * Spawns `node --import tsx src/cli/main.ts serve` with `BROADCAST_CONNECTION=redis` on a free
 * loopback port and waits until `GET /up` says it joined the cluster.
 */
export async function spawnHerald(redisUrl: string, env: Record<string, string> = {}): Promise<HeraldProcess> {
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      BROADCAST_CONNECTION: 'redis',
      REDIS_URL: redisUrl,
      BROADCAST_APP_ID: APP.id,
      BROADCAST_APP_KEY: APP.key,
      BROADCAST_APP_SECRET: APP.secret,
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: string[] = []
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n')) if (line !== '' && logs.length < 5000) logs.push(line)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let dead = false
  void exited.then(() => {
    dead = true
  })

  const up: HeraldProcess['up'] = async () => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/up`, { signal: AbortSignal.timeout(2000) })
      return (await res.json()) as Awaited<ReturnType<HeraldProcess['up']>>
    } catch {
      return undefined
    }
  }
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    if (dead) return
    child.kill(sig)
    await exited
  }
  try {
    await waitFor(
      async () => {
        if (dead) throw new Error(`herald serve exited during start-up:\n${logs.join('\n')}`)
        return (await up())?.status === 'ok'
      },
      // tsx compiles on start; on a loaded machine that takes a while.
      { what: `herald serve on :${port} to join the cluster`, timeoutMs: 60_000, intervalMs: 100 },
    )
  } catch (err) {
    await signal('SIGKILL')
    const reason = err instanceof Error ? err.message : String(err)
    throw new Error(`${reason}\n--- last lines of its log ---\n${logs.slice(-15).join('\n')}`, { cause: err })
  }
  return { port, pid: child.pid ?? -1, logs, up, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') }
}
