import { parseArgs } from 'node:util'
import { DefaultTargets, TargetNames, type TargetName } from './targets.js'

export const ScenarioIds = ['fanout', 'latency', 'memory', 'cluster', 'presence'] as const
export type ScenarioId = (typeof ScenarioIds)[number]

/** Everything `npm run bench -- …` accepts, validated up front. */
export interface BenchOptions {
  quick: boolean
  runs: number
  scenarios: ScenarioId[]
  targets: TargetName[]
  fanoutSizes: number[]
  fanoutSeconds: number
  /** Deliveries/s offered by the open-loop fan-out rows (events/s = this ÷ N); 0 leaves them out. */
  fanoutOffered: number
  /** Latency rows: subscribers × events/s each. */
  latencyLoads: LatencyLoad[]
  latencySeconds: number
  memoryConnections: number
  clusterSubscribers: number
  clusterSeconds: number
  presenceMembers: number[]
  presenceRate: number
  presenceSeconds: number
  presenceHoldMs: number
  out: string
  /** Servers on their own CPU, clients on the others (when there are two or more). */
  pin: boolean
}

/** One latency row: this many subscribers on one channel, this many events per second. */
export interface LatencyLoad {
  subscribers: number
  rate: number
}

export const usage = `npm run bench -- [flags]
  --quick                      short fan-out (N=1000) + latency (1000 × 50 and 1000 × 200 ev/s) against herald and the ws baselines (~2 min)
  --runs=3                     runs per measurement (median, min–max)
  --scenarios=${ScenarioIds.join(',')}
  --targets=${DefaultTargets.join(',')}   (also: ws-baseline-batch, pre-framed + corked per event-loop turn;
                               herald-ref, herald serve from the checkout at BENCH_HERALD_REF, for before/after)
  --fanout-sizes=1000,5000     --fanout-seconds=2
  --fanout-offered=800000      deliveries/s offered by the open-loop fan-out rows (events/s = this ÷ N); 0: closed loop only
  --latency=1000x50,5000x10,100x20,1000x200   subscribers × events/s per latency row   --latency-seconds=3
  --memory-connections=5000
  --cluster-subscribers=2000   --cluster-seconds=2
  --presence-members=10,40     --presence-rate=100     --presence-seconds=3   --presence-hold-ms=50
  --pin=auto                   auto: with ≥ 2 CPUs, servers on the last CPU and clients + publisher on the others (taskset); off
  --out=bench/results          where latest.md, latest.json and latency.svg go (--quick: bench/results/raw/quick)
  BENCH_VERBOSE=1              echo every child process's output`

function list<T extends string>(flag: string, raw: string, allowed: readonly T[]): T[] {
  const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
  for (const item of items) if (!allowed.includes(item as T)) throw new Error(`--${flag}: unknown '${item}'; expected some of: ${allowed.join(', ')}`)
  return items as T[]
}

function positive(flag: string, raw: string, integer = true): number {
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`--${flag}: expected a positive ${integer ? 'integer' : 'number'}, got '${raw}'`)
  return n
}

function nonNegative(flag: string, raw: string): number {
  return raw.trim() === '0' ? 0 : positive(flag, raw)
}

function loads(raw: string): LatencyLoad[] {
  return raw.split(',').map((item) => {
    const match = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/.exec(item)
    if (match === null) throw new Error(`--latency: expected subscribers×rate pairs like 1000x50, got '${item}'`)
    return { subscribers: positive('latency', match[1] as string), rate: positive('latency', match[2] as string) }
  })
}

function numbers(flag: string, raw: string): number[] {
  return raw.split(',').map((s) => positive(flag, s.trim()))
}

function pinFlag(raw: string): boolean {
  if (raw !== 'auto' && raw !== 'off') throw new Error(`--pin: expected auto or off, got '${raw}'`)
  return raw === 'auto'
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const flags = ['runs', 'scenarios', 'targets', 'fanout-sizes', 'fanout-seconds', 'fanout-offered', 'latency', 'latency-seconds', 'memory-connections', 'cluster-subscribers', 'cluster-seconds', 'presence-members', 'presence-rate', 'presence-seconds', 'presence-hold-ms', 'out', 'pin'] as const
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { quick: { type: 'boolean' }, help: { type: 'boolean' }, ...Object.fromEntries(flags.map((f) => [f, { type: 'string' as const }])) },
  })
  if (values.help === true) return 'help'
  const quick = values.quick === true
  const v = (flag: (typeof flags)[number], fallback: string, quickFallback = fallback): string => {
    const given = (values as Record<string, unknown>)[flag]
    return typeof given === 'string' ? given : quick ? quickFallback : fallback
  }
  return {
    quick,
    runs: positive('runs', v('runs', '3')),
    scenarios: list('scenarios', v('scenarios', ScenarioIds.join(','), 'fanout,latency'), ScenarioIds),
    targets: list('targets', v('targets', DefaultTargets.join(','), 'herald,ws-baseline,ws-baseline-prefr'), TargetNames),
    fanoutSizes: numbers('fanout-sizes', v('fanout-sizes', '1000,5000', '1000')),
    fanoutSeconds: positive('fanout-seconds', v('fanout-seconds', '2', '2'), false),
    fanoutOffered: nonNegative('fanout-offered', v('fanout-offered', '800000', '0')),
    latencyLoads: loads(v('latency', '1000x50,5000x10,100x20,1000x200', '1000x50,1000x200')),
    latencySeconds: positive('latency-seconds', v('latency-seconds', '3', '3'), false),
    memoryConnections: positive('memory-connections', v('memory-connections', '5000')),
    clusterSubscribers: positive('cluster-subscribers', v('cluster-subscribers', '2000')),
    clusterSeconds: positive('cluster-seconds', v('cluster-seconds', '2'), false),
    presenceMembers: numbers('presence-members', v('presence-members', '10,40')),
    presenceRate: positive('presence-rate', v('presence-rate', '100')),
    presenceSeconds: positive('presence-seconds', v('presence-seconds', '3'), false),
    presenceHoldMs: positive('presence-hold-ms', v('presence-hold-ms', '50')),
    // Quick regression checks go to the git-ignored raw/ folder, so they never overwrite the committed results.
    out: v('out', 'bench/results', 'bench/results/raw/quick'),
    pin: pinFlag(v('pin', 'auto')),
  }
}
