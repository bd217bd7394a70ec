import { BenchChannel } from '../lib/bench-config.js'
import { createHistogram, mergeHistograms, quantileMs, type HistogramData } from '../lib/histogram.js'
import { measureWindow, type Window } from '../lib/measure.js'
import type { Row, ScenarioContext, ScenarioResult } from '../lib/scenario-result.js'
import { summarize } from '../lib/stats.js'
import type { LatencyLoad } from '../lib/options.js'
import { unavailableReason, type TargetName } from '../lib/targets.js'
import { errorLine, withRig } from '../lib/with-deployment.js'
import { windowFigures } from './fan-out.js'

export interface LatencyOptions {
  loads: LatencyLoad[]
  seconds: number
}

/** A saturated target gets this long to deliver its backlog after a window; what it delivered by then is what counts. */
const SaturatedDrainMs = 5000

function groupOf(load: LatencyLoad): string {
  return `${load.subscribers} subs × ${load.rate} ev/s`
}

/**
 * Latency: subscribers on one channel, events at fixed rates (open loop: the publisher does not wait for the
 * server), publish→receive time from the timestamp in the payload (CLOCK_MONOTONIC, comparable across processes).
 * Targets take turns run by run (a fresh server per target, subscriber count and run; loads of the same size share
 * its connections), in reverse order every other run: on a shared machine the load drifts over minutes, and a
 * target measured only while it was high would look slower than the rest for no fault of its own.
 * "ev/s delivered" below the offered rate means the target is saturated.
 */
export async function runLatency(ctx: ScenarioContext, options: LatencyOptions): Promise<ScenarioResult> {
  const rows: Row[] = []
  const distributions: Record<string, HistogramData> = {}
  const sizes = [...new Set(options.loads.map((l) => l.subscribers))]
  const windows = new Map<string, Window[]>()
  const failures = new Map<string, string>()
  const targets = ctx.targets as TargetName[]
  for (const subscribers of sizes) {
    const loads = options.loads.filter((l) => l.subscribers === subscribers)
    for (let run = 0; run < ctx.runs; run++) {
      for (const target of run % 2 === 0 ? targets : targets.toReversed()) {
        const reason = unavailableReason(target)
        if (reason !== undefined) {
          failures.set(`${subscribers}|${target}`, `unavailable: ${reason}`)
          continue
        }
        if (failures.has(`${subscribers}|${target}`)) continue
        try {
          await withRig(target, 1, async ({ deployment, pool, publisher }) => {
            const connected = await pool.connect(deployment.servers[0]!.url, BenchChannel, subscribers)
            if (connected.failed > 0) throw new Error(`${connected.failed} of ${subscribers} subscribers could not connect (${connected.firstError})`)
            await measureWindow({ servers: deployment.servers, pool, publisher, subscribers, durationMs: 500, ratePerSec: 20 })
            for (const load of loads) {
              ctx.log(`latency ${groupOf(load)} ${target} (run ${run + 1} of ${ctx.runs})`)
              const window = await measureWindow({ servers: deployment.servers, pool, publisher, subscribers, durationMs: options.seconds * 1000, ratePerSec: load.rate, drainTimeoutMs: SaturatedDrainMs })
              const key = `${groupOf(load)}|${target}`
              windows.set(key, [...(windows.get(key) ?? []), window])
            }
          })
        } catch (err) {
          failures.set(`${subscribers}|${target}`, `failed: ${errorLine(err)}`)
        }
      }
    }
  }
  // Rows in the order of --latency, targets together within a load.
  for (const load of options.loads) {
    for (const target of targets) {
      const key = `${groupOf(load)}|${target}`
      const failure = failures.get(`${load.subscribers}|${target}`)
      const measured = windows.get(key)
      if (failure !== undefined || measured === undefined) {
        rows.push({ group: groupOf(load), target, metrics: {}, note: failure ?? 'failed: no window measured' })
        continue
      }
      const merged = createHistogram()
      for (const w of measured) mergeHistograms(merged, w.report.latency)
      distributions[`${groupOf(load)} · ${target}`] = merged
      rows.push(latencyRow(groupOf(load), target, load.subscribers, measured))
    }
  }
  return {
    id: 'latency',
    title: 'Latency',
    description: `Subscribers on one channel, events at a fixed rate (open loop) for ${options.seconds} s per run, targets taking turns run by run (a fresh server each); publish→receive in ms at every subscriber (publisher timestamp taken just before the HTTP request). Percentiles are medians over runs; "server CPU %" is one core; "ev/s delivered" is events that reached every subscriber per second of the window, drain included (below the offered rate: saturated).`,
    columns: [
      { key: 'p50', title: 'p50 ms', digits: 2 },
      { key: 'p90', title: 'p90 ms', digits: 2 },
      { key: 'p99', title: 'p99 ms', digits: 2, ratio: true },
      { key: 'max', title: 'max ms', digits: 1 },
      { key: 'cpuPercent', title: 'server CPU %', digits: 0 },
      { key: 'delivered', title: 'ev/s delivered', digits: 0 },
    ],
    rows,
    notes: [],
    distributions,
  }
}

function latencyRow(group: string, target: string, subscribers: number, windows: Window[]): Row {
  const problem = windows.map(windowFigures).find((f) => f.problem !== undefined)?.problem
  const q = (p: number): number[] => windows.map((w) => quantileMs(w.report.latency, p))
  return {
    group,
    target,
    metrics: {
      p50: summarize(q(0.5)),
      p90: summarize(q(0.9)),
      p99: summarize(q(0.99)),
      max: summarize(windows.map((w) => w.report.latency.maxMicros / 1000)),
      cpuPercent: summarize(windows.map((w) => (w.serverCpuMicros / (w.seconds * 1e6)) * 100)),
      delivered: summarize(windows.map((w) => w.report.deliveries / subscribers / w.seconds)),
    },
    ...(problem === undefined ? {} : { note: problem }),
  }
}
