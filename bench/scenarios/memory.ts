import { BenchChannel } from '../lib/bench-config.js'
import { delay } from '../lib/processes.js'
import type { Row, ScenarioContext, ScenarioResult } from '../lib/scenario-result.js'
import { summarize } from '../lib/stats.js'
import { unavailableReason, type TargetName } from '../lib/targets.js'
import { errorLine, withRig } from '../lib/with-deployment.js'

export interface MemoryOptions {
  connections: number
}

interface MemoryRun {
  rssKiB: number
  heapKiB: number
  connsPerSec: number
}

/**
 * Memory and connect: `connections` idle subscribed connections on a fresh server per run; RSS and heap growth per
 * connection after a forced GC, and subscribed connections per second while they connect (50 in flight per client
 * process).
 */
export async function runMemory(ctx: ScenarioContext, options: MemoryOptions): Promise<ScenarioResult> {
  const rows: Row[] = []
  const group = `${options.connections} conns`
  for (const target of ctx.targets as TargetName[]) {
    const reason = unavailableReason(target)
    if (reason !== undefined) {
      rows.push({ group, target, metrics: {}, note: `unavailable: ${reason}` })
      continue
    }
    ctx.log(`memory ${group} ${target}`)
    const runs: MemoryRun[] = []
    let note: string | undefined
    for (let run = 0; run < ctx.runs && note === undefined; run++) {
      try {
        runs.push(await memoryRun(target, options.connections))
      } catch (err) {
        note = `failed: ${errorLine(err)}`
      }
    }
    rows.push({
      group,
      target,
      metrics: {
        rssKiB: summarize(runs.map((r) => r.rssKiB)),
        heapKiB: summarize(runs.map((r) => r.heapKiB)),
        connsPerSec: summarize(runs.map((r) => r.connsPerSec)),
      },
      ...(note === undefined ? {} : { note }),
    })
  }
  return {
    id: 'memory',
    title: 'Memory and connect',
    description: `${options.connections} idle connections, each subscribed to one public channel; growth of the server's RSS (and V8 heap) after a forced GC, divided by the connections. conns/s = subscribed connections per second (handshake + subscribe + subscription_succeeded).`,
    columns: [
      { key: 'rssKiB', title: 'RSS KiB/conn', digits: 1, ratio: true },
      { key: 'heapKiB', title: 'heap KiB/conn', digits: 1 },
      { key: 'connsPerSec', title: 'conns/s', digits: 0 },
    ],
    rows,
    notes: [],
  }
}

async function memoryRun(target: TargetName, connections: number): Promise<MemoryRun> {
  return withRig(target, 1, async ({ deployment, pool }) => {
    const server = deployment.servers[0]!
    const before = await server.gc()
    const connected = await pool.connect(server.url, BenchChannel, connections)
    if (connected.failed > 0) throw new Error(`${connected.failed} of ${connections} could not connect (${connected.firstError})`)
    // Let buffers from the connect burst be released before measuring.
    await delay(1000)
    const after = await server.gc()
    return {
      rssKiB: (after.rss - before.rss) / 1024 / connections,
      heapKiB: (after.heapUsed - before.heapUsed) / 1024 / connections,
      connsPerSec: connected.ok / (connected.ms / 1000),
    }
  })
}
