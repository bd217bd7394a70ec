import { PresenceChannel } from '../lib/bench-config.js'
import { quantileMs } from '../lib/histogram.js'
import { delay } from '../lib/processes.js'
import type { Row, ScenarioContext, ScenarioResult } from '../lib/scenario-result.js'
import { summarize } from '../lib/stats.js'
import { clientKindOf, unavailableReason, type TargetName } from '../lib/targets.js'
import { totalCpuMicros } from '../lib/measure.js'
import { errorLine, withRig, type Rig } from '../lib/with-deployment.js'

export interface PresenceOptions {
  members: number[]
  ratePerSec: number
  seconds: number
  holdMs: number
}

interface ChurnRun {
  joinsPerSec: number
  memberEventsPerSec: number
  p50: number
  p99: number
  succeededP99: number
  cpuPerJoin: number
  problem: string | undefined
}

/**
 * Presence churn: M members sit on a presence channel (signed with the pusher SDK); a separate process joins it
 * with a new user at a fixed rate, holds for `holdMs`, and leaves. Measured: member events delivered per second,
 * join→member_added latency at the members, join→subscription_succeeded (the roster) at the joiner, and server CPU
 * per join — which should not grow with M beyond the roster the protocol has to send.
 */
export async function runPresence(ctx: ScenarioContext, options: PresenceOptions): Promise<ScenarioResult> {
  const rows: Row[] = []
  for (const members of options.members) {
    for (const target of ctx.targets as TargetName[]) {
      const group = `${members} members`
      if (clientKindOf(target) !== 'pusher') continue // socket.io has no presence protocol to compare
      const reason = unavailableReason(target)
      if (reason !== undefined) {
        rows.push({ group, target, metrics: {}, note: `unavailable: ${reason}` })
        continue
      }
      ctx.log(`presence ${group} ${target}`)
      try {
        const runs = await withRig(target, 1, (rig) => churnRuns(ctx, rig, members, options))
        const problem = runs.find((r) => r.problem !== undefined)?.problem
        const pick = (key: keyof Omit<ChurnRun, 'problem'>): ReturnType<typeof summarize> => summarize(runs.map((r) => r[key]))
        rows.push({
          group,
          target,
          metrics: { joinsPerSec: pick('joinsPerSec'), memberEventsPerSec: pick('memberEventsPerSec'), p50: pick('p50'), p99: pick('p99'), succeededP99: pick('succeededP99'), cpuPerJoin: pick('cpuPerJoin') },
          ...(problem === undefined ? {} : { note: problem }),
        })
      } catch (err) {
        rows.push({ group, target, metrics: {}, note: `failed: ${errorLine(err)}` })
      }
    }
  }
  return {
    id: 'presence',
    title: 'Presence churn',
    description: `M members on one presence channel; another process joins with a new user ${options.ratePerSec} times/s (hold ${options.holdMs} ms, then unsubscribe) for ${options.seconds} s per run. Member events = member_added + member_removed received by the M members. socket.io has no presence protocol and is not run.`,
    columns: [
      { key: 'joinsPerSec', title: 'joins/s', digits: 0 },
      { key: 'memberEventsPerSec', title: 'member events/s', digits: 0 },
      { key: 'p50', title: 'join→member_added p50 ms', digits: 2 },
      { key: 'p99', title: 'join→member_added p99 ms', digits: 2, ratio: true },
      { key: 'succeededP99', title: 'join→subscribed p99 ms', digits: 2 },
      { key: 'cpuPerJoin', title: 'server CPU µs/join', digits: 0, ratio: true },
    ],
    rows,
    notes: [],
  }
}

/** Enough joiners that a join rarely waits for an idle one, even when a join takes ~0.5 s on a loaded machine. */
function joinerPoolSize(options: PresenceOptions): number {
  return Math.max(20, Math.ceil((options.ratePerSec * (options.holdMs + 500)) / 1000))
}

async function churnRuns(ctx: ScenarioContext, rig: Rig, members: number, options: PresenceOptions): Promise<ChurnRun[]> {
  const server = rig.deployment.servers[0]!
  const connected = await rig.pool.connect(server.url, PresenceChannel, members, { presenceUserPrefix: 'member-', concurrency: 10 })
  if (connected.failed > 0) throw new Error(`${connected.failed} of ${members} members could not join (${connected.firstError})`)
  const runs: ChurnRun[] = []
  for (let run = 0; run < ctx.runs; run++) {
    await rig.pool.reset()
    const cpuBefore = await totalCpuMicros([server])
    const churn = await rig.pool.churn({ url: server.url, channel: PresenceChannel, pool: joinerPoolSize(options), ratePerSec: options.ratePerSec, durationMs: options.seconds * 1000, holdMs: options.holdMs, userPrefix: `joiner-${run}-` })
    // Wait for the last member_removed to reach every member.
    const expected = churn.joins * members
    const deadline = performance.now() + 5000
    let report = await rig.pool.report()
    while ((report.memberAdded < expected || report.memberRemoved < expected) && performance.now() < deadline) {
      await delay(100)
      report = await rig.pool.report()
    }
    const cpu = (await totalCpuMicros([server])) - cpuBefore
    const problems = [
      churn.errors > 0 ? `${churn.errors} joins failed (${churn.firstError})` : '',
      churn.skipped > 0 ? `${churn.skipped} joins skipped (no idle joiner)` : '',
      report.memberAdded < expected ? `${expected - report.memberAdded} of ${expected} member_added missing` : '',
      report.memberRemoved < expected ? `${expected - report.memberRemoved} of ${expected} member_removed missing` : '',
    ].filter((p) => p !== '')
    runs.push({
      joinsPerSec: churn.joins / options.seconds,
      memberEventsPerSec: (report.memberAdded + report.memberRemoved) / options.seconds,
      p50: quantileMs(report.memberAddedLatency, 0.5),
      p99: quantileMs(report.memberAddedLatency, 0.99),
      succeededP99: quantileMs(churn.succeededLatency, 0.99),
      cpuPerJoin: churn.joins > 0 ? cpu / churn.joins : Number.NaN,
      problem: problems.length > 0 ? problems.join('; ') : undefined,
    })
  }
  return runs
}
