/**
 * What an idle subscribed connection keeps alive in a server's V8 heap:
 * `node --import tsx bench/heap.ts [--target=herald] [--connections=1000] [--top=30]`. Takes a heap snapshot
 * (after forced GC) before and after connecting, and prints the per-connection growth by object type; the
 * snapshots stay in bench/results/raw/ for DevTools' retainer view.
 */
import { mkdirSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { BenchChannel } from './lib/bench-config.js'
import { heapGrowthMarkdown, summarizeHeapSnapshot } from './lib/heap-snapshot-summary.js'
import { delay } from './lib/processes.js'
import { clientKindOf, TargetNames, type TargetName } from './lib/targets.js'
import { withRig } from './lib/with-deployment.js'

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { target: { type: 'string', default: 'herald' }, connections: { type: 'string', default: '1000' }, top: { type: 'string', default: '30' } } })
  const target = values.target as TargetName
  if (!TargetNames.includes(target) || clientKindOf(target) !== 'pusher') throw new Error(`--target: expected a Pusher-protocol target (${TargetNames.filter((t) => clientKindOf(t) === 'pusher').join(', ')}), got '${target}'`)
  const connections = Number(values.connections)
  mkdirSync('bench/results/raw', { recursive: true })
  const file = (n: number): string => `${process.cwd()}/bench/results/raw/${target}-heap-${n}.heapsnapshot`
  await withRig(target, 1, async ({ deployment, pool }) => {
    const server = deployment.servers[0]!
    await server.gc()
    await server.heapSnapshot(file(0))
    const connected = await pool.connect(server.url, BenchChannel, connections)
    if (connected.failed > 0) throw new Error(`${connected.failed} connections failed: ${connected.firstError}`)
    await delay(1000)
    await server.gc()
    await server.heapSnapshot(file(1))
  })
  console.log(`### ${target}: heap growth per idle subscribed connection (${connections} connections)\n`)
  console.log(heapGrowthMarkdown(summarizeHeapSnapshot(file(0)), summarizeHeapSnapshot(file(1)), connections, Number(values.top)))
  console.log(`\nsnapshots: ${file(0)}, ${file(1)}`)
  process.exit(0)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exit(1)
})
