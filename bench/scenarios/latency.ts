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
 * One server per (target, subscriber count), loads of the same size share its connections; each load runs `runs`
 * windows. "ev/s delivered" below the offered rate means the target is saturated.
 */
export async function runLatency(ctx: ScenarioContext, options: LatencyOptions): Promise<ScenarioResult> {
  const rows: Row[] = []
  const distributions: Record<string, HistogramData> = {}
  const sizes = [...new Set(options.loads.map((l) => l.subscribers))]
  const results = new Map<string, Row>()
  for (const target of ctx.targets as TargetName[]) {
    const reason = unavailableReason(target)
    for (const subscribers of sizes) {
      const loads = options.loads.filter((l) => l.subscribers === subscribers)
      if (reason !== undefined) {
        for (const load of loads) results.set(`${groupOf(load)}|${target}`, { group: groupOf(load), target, metrics: {}, note: `unavailable: ${reason}` })
        continue
      }
      try {
        await withRig(target, 1, async ({ deployment, pool, publisher }) => {
          const connected = await pool.connect(deployment.servers[0]!.url, BenchChannel, subscribers)
          if (connected.failed > 0) throw new Error(`${connected.failed} of ${subscribers} subscribers could not connect (${connected.firstError})`)
          await measureWindow({ servers: deployment.servers, pool, publisher, subscribers, durationMs: 500, ratePerSec: 20 })
          for (const load of loads) {
            ctx.log(`latency ${groupOf(load)} ${target}`)
            const windows: Window[] = []
            for (let run = 0; run < ctx.runs; run++) {
              windows.push(await measureWindow({ servers: deployment.servers, pool, publisher, subscribers, durationMs: options.seconds * 1000, ratePerSec: load.rate, drainTimeoutMs: SaturatedDrainMs }))
            }
            const merged = createHistogram()
            for (const w of windows) mergeHistograms(merged, w.report.latency)
            distributions[`${groupOf(load)} · ${target}`] = merged
            results.set(`${groupOf(load)}|${target}`, latencyRow(groupOf(load), target, subscribers, windows))
          }
        })
      } catch (err) {
        for (const load of loads) {
          if (!results.has(`${groupOf(load)}|${target}`)) results.set(`${groupOf(load)}|${target}`, { group: groupOf(load), target, metrics: {}, note: `failed: ${errorLine(err)}` })
        }
      }
    }
  }
  // Rows in the order of --latency, targets together within a load.
  for (const load of options.loads) {
    for (const target of ctx.targets) {
      const row = results.get(`${groupOf(load)}|${target}`)
      if (row !== undefined) rows.push(row)
    }
  }
  return {
    id: 'latency',
    title: 'Latency',
    description: `Subscribers on one channel, events at a fixed rate (open loop) for ${options.seconds} s per run; publish→receive in ms at every subscriber (publisher timestamp taken just before the HTTP request). Percentiles are medians over runs; "server CPU %" is one core; "ev/s delivered" is events that reached every subscriber per second of the window, drain included (below the offered rate: saturated).`,
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
