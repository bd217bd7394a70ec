/**
 * `npm run bench`: Herald against a raw `ws` ceiling (plain and pre-framed) and socket.io (with and without the
 * Redis adapter) on the same scenarios, clients in separate processes, loopback only. Prints one Markdown table per
 * scenario and writes bench/results/latest.{md,json} and latency.svg. `--help` lists the flags.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { pinCpus } from './lib/cpu-pinning.js'
import { latencyChartSvg } from './lib/latency-chart.js'
import { scenarioMarkdown } from './lib/markdown.js'
import { parseOptions, usage, type BenchOptions } from './lib/options.js'
import type { ScenarioContext, ScenarioResult } from './lib/scenario-result.js'
import { runCluster } from './scenarios/cluster.js'
import { runFanOut } from './scenarios/fan-out.js'
import { runLatency } from './scenarios/latency.js'
import { runMemory } from './scenarios/memory.js'
import { runPresence } from './scenarios/presence.js'

/** Histogram buckets are mostly empty: the JSON keeps only the non-zero ones, as { bucketIndex: count }. */
function sparseCounts(key: string, value: unknown): unknown {
  if (key !== 'counts' || !Array.isArray(value)) return value
  return Object.fromEntries(value.flatMap((count: number, i) => (count === 0 ? [] : [[i, count]])))
}

function machine(): string {
  const cpu = cpus()
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}; load average at start ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`
}

async function runScenario(id: BenchOptions['scenarios'][number], ctx: ScenarioContext, o: BenchOptions): Promise<ScenarioResult> {
  switch (id) {
    case 'fanout':
      return runFanOut(ctx, { sizes: o.fanoutSizes, seconds: o.fanoutSeconds, offered: o.fanoutOffered })
    case 'latency':
      return runLatency(ctx, { loads: o.latencyLoads, seconds: o.latencySeconds })
    case 'memory':
      return runMemory(ctx, { connections: o.memoryConnections })
    case 'cluster':
      return runCluster(ctx, { subscribers: o.clusterSubscribers, seconds: o.clusterSeconds })
    case 'presence':
      return runPresence(ctx, { members: o.presenceMembers, ratePerSec: o.presenceRate, seconds: o.presenceSeconds, holdMs: o.presenceHoldMs })
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  if (options === 'help') return console.log(usage)
  const started = Date.now()
  const ctx: ScenarioContext = {
    targets: options.targets,
    runs: options.runs,
    log: (line) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`),
  }
  const pinning = pinCpus(options.pin)
  const host = `${machine()}. ${pinning.description}`
  console.error(`bench: ${host}`)
  const results: ScenarioResult[] = []
  const sections: string[] = []
  for (const id of options.scenarios) {
    const result = await runScenario(id, ctx, options)
    results.push(result)
    const markdown = scenarioMarkdown(result, options.runs)
    sections.push(markdown)
    console.log(`\n${markdown}\n`)
  }
  const minutes = ((Date.now() - started) / 60_000).toFixed(1)
  const args = process.argv.slice(2)
  const command = args.length === 0 ? 'npm run bench' : `npm run bench -- ${args.join(' ')}`
  const loadAtEnd = loadavg().map((l) => l.toFixed(2)).join(' / ')
  const header = `## Benchmark results\n\n\`${command}\` on ${new Date(started).toISOString()} (${minutes} min)\n\nMachine: ${host}; at the end ${loadAtEnd}\n`
  mkdirSync(options.out, { recursive: true })
  writeFileSync(join(options.out, 'latest.md'), `${header}\n${sections.join('\n\n')}\n`)
  writeFileSync(join(options.out, 'latest.json'), JSON.stringify({ command, started: new Date(started).toISOString(), machine: host, options, results }, sparseCounts, 1))
  const latency = results.find((r) => r.distributions !== undefined)
  if (latency?.distributions !== undefined && Object.keys(latency.distributions).length > 0) {
    writeFileSync(join(options.out, 'latency.svg'), latencyChartSvg(latency.distributions, 'Publish → receive latency, cumulative (tail stretched)'))
  }
  console.error(`bench: done in ${minutes} min; wrote ${join(options.out, 'latest.md')}, latest.json${latency ? ', latency.svg' : ''}`)
  process.exit(0)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exit(1)
})
