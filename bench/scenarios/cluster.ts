import { BenchChannel } from '../lib/bench-config.js'
import { measureWindow, type Window } from '../lib/measure.js'
import { delay } from '../lib/processes.js'
import type { Row, ScenarioContext, ScenarioResult } from '../lib/scenario-result.js'
import { canCluster, unavailableReason, type TargetName } from '../lib/targets.js'
import { errorLine, withRig, type Rig } from '../lib/with-deployment.js'
import { fanOutMetrics } from './fan-out.js'

export interface ClusterOptions {
  subscribers: number
  seconds: number
}

/**
 * Cluster: the fan-out scenario with subscribers split evenly over two servers sharing one private Redis, publishes
 * alternating between them, against one server of the same target. Every delivery must arrive exactly once.
 */
export async function runCluster(ctx: ScenarioContext, options: ClusterOptions): Promise<ScenarioResult> {
  const rows: Row[] = []
  for (const target of ctx.targets as TargetName[]) {
    for (const servers of [1, 2]) {
      if (servers === 2 && !canCluster(target)) continue
      const group = servers === 1 ? '1 server' : '2 servers + Redis'
      const reason = unavailableReason(target)
      if (reason !== undefined) {
        rows.push({ group, target, metrics: {}, note: `unavailable: ${reason}` })
        continue
      }
      ctx.log(`cluster ${group} ${target}`)
      try {
        rows.push(await withRig(target, servers, (rig) => clusterRow(ctx, rig, target, group, options)))
      } catch (err) {
        // A target that cannot start or run clustered yet is reported as unavailable, not as a crash of the bench.
        const message = errorLine(err)
        const prefix = message.startsWith('unavailable') ? '' : servers > 1 ? 'unavailable: ' : 'failed: '
        rows.push({ group, target, metrics: {}, note: `${prefix}${message}` })
      }
    }
  }
  return {
    id: 'cluster',
    title: 'Cluster',
    description: `${options.subscribers} subscribers on one channel, split evenly over the servers by the same client processes; publishes alternate between the servers; otherwise as fan-out (${options.seconds} s per run). µs/delivery sums the CPU of every server process (not Redis).`,
    columns: [
      { key: 'deliveriesPerSec', title: 'deliveries/s', digits: 0, ratio: true },
      { key: 'cpuPerDelivery', title: 'server CPU µs/delivery', digits: 2, ratio: true },
      { key: 'events', title: 'events/run', digits: 0 },
    ],
    rows,
    notes: ['Ratios in this table compare with ws-baseline on one server. The cluster target is 2-server deliveries/s ≥ 0.8× the same target on 1 server.'],
  }
}

async function clusterRow(ctx: ScenarioContext, rig: Rig, target: string, group: string, options: ClusterOptions): Promise<Row> {
  const { deployment, pool, publisher } = rig
  const servers = deployment.servers
  // The same client processes either way; in the cluster each splits its sockets evenly over the servers.
  const subscribers = options.subscribers
  const connected = await pool.connect(servers.map((s) => s.url), BenchChannel, subscribers)
  if (connected.failed > 0) throw new Error(`${connected.failed} of ${subscribers} subscribers could not connect to ${servers.map((s) => s.name).join(', ')} (${connected.firstError})`)
  if (servers.length > 1) await probeCluster(rig, subscribers)
  await measureWindow({ servers, pool, publisher, subscribers, durationMs: 500 })
  const windows: Window[] = []
  for (let run = 0; run < ctx.runs; run++) windows.push(await measureWindow({ servers, pool, publisher, subscribers, durationMs: options.seconds * 1000 }))
  return fanOutMetrics(group, target, windows)
}

/** One event through each server must reach every subscriber of both, or the target cannot run clustered yet. */
async function probeCluster(rig: Rig, subscribers: number): Promise<void> {
  await rig.pool.reset()
  const count = rig.deployment.servers.length
  for (let i = 0; i < count; i++) await rig.publisher.publishNext()
  const deadline = performance.now() + 3000
  while (rig.pool.deliveries < subscribers * count && performance.now() < deadline) await delay(10)
  const got = rig.pool.deliveries
  if (got < subscribers * count) {
    throw new Error(`unavailable: ${count} events published across ${count} servers reached ${got} of ${subscribers * count} expected deliveries within 3 s (events do not cross servers over Redis)`)
  }
}
