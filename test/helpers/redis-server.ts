import { spawn, type ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { freePort } from './free-port.js'

/** A Redis server a test file can use, and (when private) stop, restart or kill. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>` (or the `REDIS_URL` override). */
  readonly url: string
  readonly port: number
  /** Stops the server (SIGTERM, waits for exit). Idempotent. */
  stop(): Promise<void>
  /** Starts the server again on the same port (after `stop`/`kill`, or stops it first). */
  restart(): Promise<void>
  /** SIGKILLs the server, as a crash would. */
  kill(): Promise<void>
}

export interface StartRedisOptions {
  /**
   * Fault tests (which stop, restart or kill Redis) pass `true`: they always get a private server,
   * whatever `REDIS_URL` says. Otherwise `REDIS_URL`, when set, overrides the private server.
   */
  readonly private?: boolean
  /** How long to wait for the server to accept connections. */
  readonly startTimeoutMs?: number
}

/**
 * Starts a private `redis-server` on a free loopback port, without persistence, and resolves once it
 * answers PING. Rejects with a clear message when `redis-server` is missing or does not start:
 * a Redis test must fail, never skip silently.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<TestRedis> {
  const override = process.env['REDIS_URL']
  if (override !== undefined && override !== '' && options.private !== true) return externalRedis(override)

  const port = await freePort()
  const timeoutMs = options.startTimeoutMs ?? 10_000
  let child: ChildProcess | undefined = await spawnRedis(port, timeoutMs)

  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child
    child = undefined
    if (current === undefined || current.exitCode !== null || current.signalCode !== null) return
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()))
    // The child is unref'd while it runs; ref it so the wait for its exit keeps the loop alive.
    current.ref()
    current.kill(signal)
    await exited
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
    async restart() {
      await stopWith('SIGTERM')
      child = await spawnRedis(port, timeoutMs)
    },
  }
}

function externalRedis(url: string): TestRedis {
  const port = Number(new URL(url).port || 6379)
  const refuse = async (): Promise<void> => {
    throw new Error(`startRedis: REDIS_URL=${url} is an external server; a fault test must call startRedis({ private: true })`)
  }
  return { url, port, stop: async () => {}, restart: refuse, kill: refuse }
}

async function spawnRedis(port: number, timeoutMs: number): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no']
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const collect = (chunk: Buffer): void => {
    if (output.length < 4000) output += chunk.toString()
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)

  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'ENOENT' ? ' (redis-server is not installed or not on PATH; install it, e.g. `apt-get install redis-server`)' : ''
      reject(new Error(`startRedis: cannot spawn redis-server${hint}: ${err.message}`))
    })
    child.once('exit', (code, signal) => {
      reject(new Error(`startRedis: redis-server on port ${port} exited during start-up (code ${code}, signal ${signal}):\n${output}`))
    })
  })
  // Don't let a dead child's rejection go unhandled after start-up succeeded.
  failed.catch(() => {})

  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ready = await Promise.race([ping(port), failed])
    if (ready) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`startRedis: redis-server on port ${port} did not answer PING within ${timeoutMs} ms:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  child.removeAllListeners('exit')
  child.stdout?.removeListener('data', collect)
  child.stderr?.removeListener('data', collect)
  child.stdout?.resume()
  child.stderr?.resume()
  // Unref'd so a test process whose tests are done can exit; `process.on('exit')` below kills it.
  child.unref()
  ;(child.stdout as unknown as { unref?: () => void } | null)?.unref?.()
  ;(child.stderr as unknown as { unref?: () => void } | null)?.unref?.()
  // The test process must never leave a redis-server behind, even when a test forgets `stop()`.
  process.once('exit', () => child.kill('SIGKILL'))
  return child
}

/** True when something on `port` answers `PING` with `+PONG`. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    let reply = ''
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => {
      reply += chunk.toString()
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'))
    })
  })
}
