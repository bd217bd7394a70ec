import { BenchChannel } from '../lib/bench-config.js'
import { createHistogram, mergeHistograms, quantileMs, type HistogramData } from '../lib/histogram.js'
import { measureWindow, type Window } from '../lib/measure.js'
import type { Row, ScenarioContext, ScenarioResult } from '../lib/scenario-result.js'
import { summarize } from '../lib/stats.js'
import { unavailableReason, type TargetName } from '../lib/targets.js'
import { errorLine, withRig } from '../lib/with-deployment.js'
import { windowFigures } from './fan-out.js'

export interface LatencyOptions {
  subscribers: number
  rates: number[]
  seconds: number
}

/**
 * Latency: `subscribers` on one channel, events at fixed rates, publish→receive time from the timestamp in the
 * payload (CLOCK_MONOTONIC, comparable across processes). One server per target; each rate runs `runs` windows.
 */
export async function runLatency(ctx: ScenarioContext, options: LatencyOptions): Promise<ScenarioResult> {
  const rows: Row[] = []
  const distributions: Record<string, HistogramData> = {}
  for (const target of ctx.targets as TargetName[]) {
    const reason = unavailableReason(target)
    if (reason !== undefined) {
      for (const rate of options.rates) rows.push({ group: `${rate} ev/s`, target, metrics: {}, note: `unavailable: ${reason}` })
      continue
    }
    try {
      await withRig(target, 1, async ({ deployment, pool, publisher }) => {
        const connected = await pool.connect(deployment.servers[0]!.url, BenchChannel, options.subscribers)
        if (connected.failed > 0) throw new Error(`${connected.failed} of ${options.subscribers} subscribers could not connect (${connected.firstError})`)
        await measureWindow({ servers: deployment.servers, pool, publisher, subscribers: options.subscribers, durationMs: 500, ratePerSec: 20 })
        for (const rate of options.rates) {
          ctx.log(`latency ${rate} ev/s ${target}`)
          const windows: Window[] = []
          for (let run = 0; run < ctx.runs; run++) {
            windows.push(await measureWindow({ servers: deployment.servers, pool, publisher, subscribers: options.subscribers, durationMs: options.seconds * 1000, ratePerSec: rate }))
          }
          const merged = createHistogram()
          for (const w of windows) mergeHistograms(merged, w.report.latency)
          distributions[`${rate} ev/s · ${target}`] = merged
          rows.push(latencyRow(`${rate} ev/s`, target, windows))
        }
      })
    } catch (err) {
      for (const rate of options.rates) rows.push({ group: `${rate} ev/s`, target, metrics: {}, note: `failed: ${errorLine(err)}` })
    }
  }
  return {
    id: 'latency',
    title: 'Latency',
    description: `${options.subscribers} subscribers on one channel, events at a fixed rate for ${options.seconds} s per run; publish→receive in ms (publisher timestamp taken just before the HTTP request). Percentiles are medians over runs; "server CPU %" is one core.`,
    columns: [
      { key: 'p50', title: 'p50 ms', digits: 2 },
      { key: 'p90', title: 'p90 ms', digits: 2 },
      { key: 'p99', title: 'p99 ms', digits: 2, ratio: true },
      { key: 'max', title: 'max ms', digits: 1 },
      { key: 'cpuPercent', title: 'server CPU %', digits: 0 },
    ],
    rows,
    notes: [],
    distributions,
  }
}

function latencyRow(group: string, target: string, windows: Window[]): Row {
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
    },
    ...(problem === undefined ? {} : { note: problem }),
  }
}
