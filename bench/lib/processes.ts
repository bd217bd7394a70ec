import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'

/**
 * Every process the bench starts is registered here and killed on exit, Ctrl-C, SIGTERM or a crash,
 * so an interrupted run leaves nothing listening. Children that talk IPC also exit when this process disappears.
 */
const children = new Set<ChildProcess>()
let installed = false

function killAll(signal: NodeJS.Signals): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }
}

function installCleanup(): void {
  if (installed) return
  installed = true
  process.on('exit', () => killAll('SIGKILL'))
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      console.error(`\nbench: ${signal} received, stopping ${children.size} child process(es)`)
      killAll('SIGKILL')
      process.exit(130)
    })
  }
}

/** Spawns a tracked child. stdout/stderr are kept in a short ring buffer for error messages. */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions & { label: string }): TrackedProcess {
  installCleanup()
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], ...options })
  children.add(child)
  const tracked = new TrackedProcess(child, options.label)
  child.once('exit', () => children.delete(child))
  return tracked
}

/** A child process with its recent output, for "server X died: <last lines>" errors. */
export class TrackedProcess {
  readonly child: ChildProcess
  readonly label: string
  #output: string[] = []
  readonly exited: Promise<number | null>

  constructor(child: ChildProcess, label: string) {
    this.child = child
    this.label = label
    const keep = (chunk: Buffer): void => {
      this.#output.push(chunk.toString())
      if (this.#output.length > 40) this.#output.shift()
      if (process.env['BENCH_VERBOSE'] === '1') process.stderr.write(`[${label}] ${chunk.toString()}`)
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.label}: process has no pid (spawn failed)`)
    return this.child.pid
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  recentOutput(): string {
    return this.#output.join('').split('\n').slice(-15).join('\n')
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    if (!this.alive) return
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    await this.exited
    clearTimeout(timer)
  }
}

/** Node flags every TypeScript child runs with. */
export function tsNodeArgs(extra: readonly string[] = []): string[] {
  return ['--import', 'tsx', ...extra]
}

/** Rejects after `ms` with a message naming what did not happen in time. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
