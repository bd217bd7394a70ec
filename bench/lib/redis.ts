import { connect } from 'node:net'
import { freePort } from '../../test/helpers/free-port.js'
import { delay, spawnTracked, type TrackedProcess } from './processes.js'

/** A private, persistence-free redis-server on a free loopback port, stopped with the bench. */
export interface PrivateRedis {
  readonly url: string
  readonly proc: TrackedProcess
  stop(): Promise<void>
}

export async function startRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  const proc = spawnTracked('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    label: `redis-${port}`,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  proc.child.once('error', () => undefined) // ENOENT surfaces through waitForPort's message below
  await waitForPort(port, proc, 10_000)
  return { url: `redis://127.0.0.1:${port}`, proc, stop: () => proc.stop() }
}

/** Resolves once something accepts TCP connections on `port`; fails early if `proc` dies. */
export async function waitForPort(port: number, proc: TrackedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (!proc.alive) throw new Error(`${proc.label} exited before listening on ${port}:\n${proc.recentOutput()}`)
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    if (Date.now() > deadline) throw new Error(`${proc.label} did not listen on ${port} within ${timeoutMs} ms:\n${proc.recentOutput()}`)
    await delay(50)
  }
}
