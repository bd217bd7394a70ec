import { BenchChannel } from '../lib/bench-config.js'
import { measureWindow, type Window } from '../lib/measure.js'
import type { Row, ScenarioContext, ScenarioResult } from '../lib/scenario-result.js'
import { summarize } from '../lib/stats.js'
import { unavailableReason, type TargetName } from '../lib/targets.js'
import { errorLine, withRig } from '../lib/with-deployment.js'

export interface FanOutOptions {
  sizes: number[]
  seconds: number
  /** Deliveries/s offered open loop in a second row per (N, target); 0 for none. */
  offered: number
}

/** An open-loop window's backlog gets this long to arrive; what is missing then shows the target saturated. */
const OpenLoopDrainMs = 5000

/** Numbers of one window, or why it does not count. */
export function windowFigures(w: Window): { deliveriesPerSec: number; cpuPerDelivery: number; deliveriesPerWrite: number; problem: string | undefined } {
  const lost = w.expected - w.report.deliveries
  const problems = [
    w.publishErrors > 0 ? `${w.publishErrors} publish errors (${w.firstPublishError})` : '',
    lost > 0 ? `${lost} of ${w.expected} deliveries missing` : '',
    lost < 0 ? `${-lost} deliveries more than expected` : '',
    w.report.duplicates > 0 ? `${w.report.duplicates} duplicate deliveries` : '',
    w.report.closedByServer > 0 ? `${w.report.closedByServer} sockets closed by the server` : '',
  ].filter((p) => p !== '')
  return {
    deliveriesPerSec: w.report.deliveries / w.seconds,
    cpuPerDelivery: w.report.deliveries > 0 ? w.serverCpuMicros / w.report.deliveries : Number.NaN,
    deliveriesPerWrite: w.serverWriteSyscalls !== undefined && w.serverWriteSyscalls > 0 ? w.report.deliveries / w.serverWriteSyscalls : Number.NaN,
    problem: problems.length > 0 ? problems.join('; ') : undefined,
  }
}

/**
 * Fan-out: N subscribers on one channel, events published through the HTTP API as fast as the system accepts
 * (flow-controlled so nothing piles up), deliveries/s and server CPU µs per delivery. Each run is one window on the
 * same connections of a fresh server per (target, N).
 */
export async function runFanOut(ctx: ScenarioContext, options: FanOutOptions): Promise<ScenarioResult> {
  const rows: Row[] = []
  for (const size of options.sizes) {
    for (const target of ctx.targets as TargetName[]) {
      const group = `N=${size}`
      const reason = unavailableReason(target)
      if (reason !== undefined) {
        rows.push({ group, target, metrics: {}, note: `unavailable: ${reason}` })
        continue
      }
      ctx.log(`fan-out ${group} ${target}`)
      rows.push(...(await fanOutRows(ctx, target, group, size, options)))
    }
  }
  // Closed-loop rows of a size first, then its open-loop rows (each target produced both at once).
  const groups = [...new Set(rows.map((r) => r.group))]
  rows.sort((a, b) => groups.indexOf(a.group) - groups.indexOf(b.group))
  return {
    id: 'fanout',
    title: 'Fan-out',
    description: `N subscribers on one channel; events (≈100 B) published through the HTTP API as fast as the server and clients accept (≤16 undelivered events in flight); ${options.seconds} s per run. ${options.offered > 0 ? `"open loop" rows: on the same connections, events at ${options.offered.toLocaleString('en-US')} deliveries/s offered whatever the clients manage (the publisher of issue 12's harness); "missing" there means the target was saturated (what arrived within ${OpenLoopDrainMs / 1000} s after the window counts). ` : ''} "µs/delivery" = server process CPU time (user+sys) ÷ deliveries; "deliveries per write syscall" = deliveries ÷ the server's write-like syscalls (Linux syscw): above 1, frames of several events left a socket together. "server CPU %" (one core) far below 100 means the clients, not the server, set the pace: µs/delivery then measures a lightly loaded server.`,
    columns: [
      { key: 'deliveriesPerSec', title: 'deliveries/s', digits: 0 },
      { key: 'cpuPerDelivery', title: 'server CPU µs/delivery', digits: 2, ratio: true },
      { key: 'deliveriesPerWrite', title: 'deliveries per write syscall', digits: 2 },
      { key: 'events', title: 'events/run', digits: 0 },
      { key: 'cpuPercent', title: 'server CPU %', digits: 0 },
    ],
    rows,
    notes: [],
  }
}

/**
 * The closed-loop row of (target, N) and, when `options.offered` is set, its open-loop row on the same connections:
 * events at offered ÷ N per second whatever the clients manage (the issue 12 harness's publisher), so a server that
 * coalesces gets events queued per socket as a saturated production server would.
 */
async function fanOutRows(ctx: ScenarioContext, target: TargetName, group: string, size: number, options: FanOutOptions): Promise<Row[]> {
  const openGroup = `${group}, open loop ${Math.round(options.offered / size)} ev/s`
  try {
    return await withRig(target, 1, async ({ deployment, pool, publisher }) => {
      const connected = await pool.connect(deployment.servers[0]!.url, BenchChannel, size)
      if (connected.failed > 0) return [{ group, target, metrics: {}, note: `failed: ${connected.failed} of ${size} subscribers could not connect (${connected.firstError})` }]
      const servers = deployment.servers
      // A short warm-up lets the JIT settle before the measured windows.
      await measureWindow({ servers, pool, publisher, subscribers: size, durationMs: 500 })
      const windows: Window[] = []
      for (let run = 0; run < ctx.runs; run++) windows.push(await measureWindow({ servers, pool, publisher, subscribers: size, durationMs: options.seconds * 1000 }))
      const rows = [fanOutMetrics(group, target, windows)]
      if (options.offered > 0) {
        const open: Window[] = []
        const ratePerSec = options.offered / size
        for (let run = 0; run < ctx.runs; run++) open.push(await measureWindow({ servers, pool, publisher, subscribers: size, durationMs: options.seconds * 1000, ratePerSec, drainTimeoutMs: OpenLoopDrainMs }))
        rows.push(fanOutMetrics(openGroup, target, open))
      }
      return rows
    })
  } catch (err) {
    return [{ group, target, metrics: {}, note: `failed: ${errorLine(err)}` }]
  }
}

/** The fan-out row of a set of windows (also used by the cluster scenario). */
export function fanOutMetrics(group: string, target: string, windows: Window[]): Row {
  const figures = windows.map(windowFigures)
  const problem = figures.find((f) => f.problem !== undefined)?.problem
  return {
    group,
    target,
    metrics: {
      deliveriesPerSec: summarize(figures.map((f) => f.deliveriesPerSec)),
      cpuPerDelivery: summarize(figures.map((f) => f.cpuPerDelivery)),
      deliveriesPerWrite: summarize(figures.map((f) => f.deliveriesPerWrite)),
      events: summarize(windows.map((w) => w.events)),
      cpuPercent: summarize(windows.map((w) => (w.serverCpuMicros / (w.seconds * 1e6)) * 100)),
    },
    ...(problem === undefined ? {} : { note: problem }),
  }
}
