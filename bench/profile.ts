/**
 * CPU profile of one server's fan-out: `node --import tsx bench/profile.ts [--target=herald] [--subscribers=1000]
 * [--seconds=5] [--top=30] [--servers=1] [--rate=events/s]`. With `--servers=2` the subscribers are split over two servers sharing a
 * private Redis (the cluster scenario), publishes alternate between them, and the first server is profiled. The V8 sampling profiler (the one behind `node --cpu-prof`) runs inside the server
 * only around the measured window, so start-up and connect do not dilute it. Writes the `.cpuprofile` (open it in
 * Chrome DevTools or speedscope) to bench/results/raw/ and a self-time summary to bench/results/profile-<target>.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { BenchChannel } from './lib/bench-config.js'
import { pinCpus } from './lib/cpu-pinning.js'
import { profileMarkdown, summarizeProfile, type CpuProfile } from './lib/cpu-profile-summary.js'
import { measureWindow } from './lib/measure.js'
import { TargetNames, type TargetName } from './lib/targets.js'
import { withRig } from './lib/with-deployment.js'
import { windowFigures } from './scenarios/fan-out.js'

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { target: { type: 'string', default: 'herald' }, subscribers: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '5' }, top: { type: 'string', default: '30' }, servers: { type: 'string', default: '1' }, rate: { type: 'string' } } })
  const target = values.target as TargetName
  if (!TargetNames.includes(target)) throw new Error(`--target: unknown '${target}'; expected one of ${TargetNames.join(', ')}`)
  const subscribers = Number(values.subscribers)
  const seconds = Number(values.seconds)
  const serverCount = Number(values.servers)
  // A fixed rate profiles the lone-event path (the latency scenario) instead of a saturated server.
  const ratePerSec = values.rate === undefined ? undefined : Number(values.rate)
  if (ratePerSec !== undefined && !(ratePerSec > 0)) throw new Error(`--rate: expected events per second > 0, got '${values.rate}'`)
  if (serverCount !== 1 && serverCount !== 2) throw new Error(`--servers: expected 1 or 2, got '${values.servers}'`)
  console.error(`profile: ${pinCpus(true).description}`)
  mkdirSync('bench/results/raw', { recursive: true })
  const file = `${process.cwd()}/bench/results/raw/${target}-fanout-${serverCount}x-${new Date().toISOString().replaceAll(':', '-')}.cpuprofile`
  const figures = await withRig(target, serverCount, async ({ deployment, pool, publisher }) => {
    const server = deployment.servers[0]!
    const connected = await pool.connect(deployment.servers.map((s) => s.url), BenchChannel, subscribers)
    if (connected.failed > 0) throw new Error(`${connected.failed} subscribers could not connect: ${connected.firstError}`)
    await measureWindow({ servers: deployment.servers, pool, publisher, subscribers, durationMs: 1000 })
    await server.profileStart()
    const window = await measureWindow({ servers: deployment.servers, pool, publisher, subscribers, durationMs: seconds * 1000, ...(ratePerSec === undefined ? {} : { ratePerSec }) })
    await server.profileStop(file)
    return windowFigures(window)
  })
  const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile)
  const where = (serverCount === 1 ? '' : `, first of ${serverCount} servers over Redis`) + (ratePerSec === undefined ? '' : `, ${ratePerSec} events/s`)
  const title = `${target} fan-out profile${where}: ${subscribers} subscribers, ${seconds} s, ${figures.deliveriesPerSec.toFixed(0)} deliveries/s, ${figures.cpuPerDelivery.toFixed(2)} µs/delivery${figures.problem ? ` (${figures.problem})` : ''}`
  const markdown = profileMarkdown(title, summary, Number(values.top))
  const suffix = (serverCount === 1 ? '' : `-${serverCount}x`) + (ratePerSec === undefined ? '' : `-${ratePerSec}evs`)
  writeFileSync(`bench/results/profile-${target}${suffix}.md`, `${markdown}\n\nProfile: ${file}\n`)
  console.log(markdown)
  console.log(`\nprofile written to ${file}`)
  process.exit(0)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exit(1)
})
