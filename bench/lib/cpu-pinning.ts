import { execFileSync } from 'node:child_process'

/**
 * Keeps the server under test and the load generators off each other's cores. On a small machine a server that
 * shares a core with 2 500 client sockets measures the clients as much as itself, and its latency depends on
 * which process the scheduler happened to run. With two or more CPUs in this process's affinity list, servers run
 * on the last one and everything else (this runner and its publisher, the client processes, Redis) on the rest,
 * through `taskset`. One CPU, no `taskset`, or `--pin=off`: nothing is pinned, and the output says why.
 */
export interface CpuPinning {
  /** CPU list for `taskset -c` of server processes, or undefined when nothing is pinned. */
  readonly server: string | undefined
  /** CPU list for everything else. */
  readonly clients: string | undefined
  /** One line for the bench output. */
  readonly description: string
}

/** What {@link pinCpus} decided for this bench process (servers started by targets.ts read it). */
let current: CpuPinning | undefined

/** The CPUs server processes are pinned to, or undefined (not pinned). */
export function serverCpus(): string | undefined {
  return current?.server
}

/** Parses a Linux CPU list ("0,2-3") into CPU numbers. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = []
  for (const part of list.trim().split(',')) {
    const [from, to] = part.split('-').map(Number)
    if (from === undefined || !Number.isInteger(from)) throw new Error(`cpu list: cannot read '${list}'`)
    for (let cpu = from; cpu <= (to ?? from); cpu++) cpus.push(cpu)
  }
  return cpus
}

function affinity(): number[] | string {
  try {
    // "pid 123's current affinity list: 0,1"
    const out = execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    return parseCpuList(out.slice(out.lastIndexOf(':') + 1))
  } catch {
    return 'taskset is not available (util-linux)'
  }
}

/** Decides the pinning and pins this process (the runner and its publisher) to the clients' CPUs. */
export function pinCpus(enabled: boolean): CpuPinning {
  current = decide(enabled)
  // -a: every thread of this process. Children inherit the affinity: clients and Redis land on the clients' CPUs without a wrapper.
  if (current.clients !== undefined) execFileSync('taskset', ['-a', '-pc', current.clients, String(process.pid)], { stdio: 'ignore' })
  return current
}

function decide(enabled: boolean): CpuPinning {
  if (!enabled) return { server: undefined, clients: undefined, description: 'CPU pinning off (--pin=off): servers and clients share every core' }
  const cpus = affinity()
  if (typeof cpus === 'string') return { server: undefined, clients: undefined, description: `CPU pinning off: ${cpus}` }
  if (cpus.length < 2) return { server: undefined, clients: undefined, description: `CPU pinning off: this process may run on ${cpus.length} CPU only` }
  const server = String(cpus[cpus.length - 1])
  const clients = cpus.slice(0, -1).join(',')
  return { server, clients, description: `CPU pinning (taskset): servers on CPU ${server}; clients, publisher and Redis on CPU ${clients}` }
}

/** `command args` run on `cpus` (unchanged when `cpus` is undefined). taskset execs, so the pid is the command's. */
export function pinned(cpus: string | undefined, command: string, args: readonly string[]): [string, string[]] {
  return cpus === undefined ? [command, [...args]] : ['taskset', ['-c', cpus, command, ...args]]
}
