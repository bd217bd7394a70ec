// The developer's first hour, as a user gets it: Herald packed and installed into a fresh project, then
// `npx herald install` and `make:*` from the installed bin, the project's compiler (strict, no unused code)
// over what they wrote, and the generated test run with node:test.
import assert from 'node:assert/strict'
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { packHerald, REPO, run, TSC, type PackedHerald, type RunResult } from '../packaging/packed-herald.js'

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noImplicitOverride: true,
    types: ['node'],
    noEmit: true,
    skipLibCheck: true,
  },
  include: ['src'],
}

// Written by hand after the generators ran: the app code a developer adds, using every generated file
// and typing the client's view of the event from the class alone.
const WIRING_TEST = `import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Broadcasting, ChannelAuthorizer, EventDispatcher, NullBroadcaster, loadConfig, type EventPayload } from 'herald'
import { BroadcasterFake } from 'herald/testing'
import { registerChannels, type BroadcastUser } from './channels.js'
import { OrderChannel } from './channels/order-channel.js'
import { broadcastingConfig } from './config.js'
import { OrderShipped } from './events/order-shipped.js'
import { sendShipmentEmail } from './listeners/send-shipment-email.js'

test('the generated event, listener, channel class and config work together', async () => {
  assert.equal(loadConfig(broadcastingConfig, {}).connections['log']?.driver, 'log')
  const broadcasting = new Broadcasting({ default: 'main', connections: { main: new NullBroadcaster() } })
  const fake = BroadcasterFake.install(broadcasting)
  const events = new EventDispatcher(broadcasting)
  events.listen(OrderShipped, sendShipmentEmail)
  await events.dispatch(new OrderShipped('42'))
  fake.assertBroadcastedOn('private-orders.42', 'OrderShipped')
  const payload: EventPayload<typeof OrderShipped> = { orderId: '42' }
  fake.assertBroadcasted(OrderShipped, (event) => assert.deepEqual(event.broadcastWith(), payload) === undefined)

  const channels = registerChannels(new ChannelAuthorizer<BroadcastUser>({ key: 'k', secret: 's' })).channel(OrderChannel.pattern, new OrderChannel())
  const denied = await channels.authorize({ id: 1 }, 'private-orders.42', '1.1')
  assert.equal(denied.allowed, false, 'a generated channel class denies until its rule is written')
})
`

/** The stdout of a command that must succeed; a failure quotes its output. */
async function ok(result: Promise<RunResult>): Promise<string> {
  const r = await result
  assert.equal(r.code, 0, `exit ${r.code ?? r.signal}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
  return r.stdout
}

describe('generators in a fresh project', { timeout: 240_000 }, () => {
  let pkg: PackedHerald
  let cwd: string
  const herald = (...args: string[]): Promise<RunResult> => run(process.execPath, [join(pkg.installed, 'bin', 'herald.js'), ...args], { cwd, timeoutMs: 30_000 })

  before(async () => {
    pkg = await packHerald()
    cwd = pkg.consumer
    await writeFile(join(cwd, 'package.json'), JSON.stringify({ name: 'my-app', private: true, type: 'module' }))
    await writeFile(join(cwd, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2))
    // The project's own dev dependency for running TypeScript tests, as an app would have it.
    await symlink(join(REPO, 'node_modules', 'tsx'), join(cwd, 'node_modules', 'tsx'), 'dir')
    await mkdir(join(cwd, 'src'))
  })
  after(() => pkg?.dispose())

  it('install and make:* from the installed bin write the files and say what they did', async () => {
    assert.match(await ok(herald('install')), /created {5}src\/broadcasting\/channels\.ts[\s\S]*Next:/)
    assert.match(await ok(herald('make:event', 'OrderShipped', '--private', '--channel', 'orders.{orderId}')), /created {5}src\/broadcasting\/events\/order-shipped\.ts/)
    assert.match(await ok(herald('make:event', 'UserJoined', '--presence', '--channel', 'rooms.{roomId}')), /user-joined\.ts/)
    assert.match(await ok(herald('make:event', 'NewsPublished')), /news-published\.ts/)
    assert.match(await ok(herald('make:channel', 'OrderChannel', '--channel', 'orders.{orderId}')), /channels\/order-channel\.ts/)
    assert.match(await ok(herald('make:listener', 'SendShipmentEmail', '--event', 'OrderShipped')), /listeners\/send-shipment-email\.ts/)
  })

  it('refuses a bad name and an existing file from the installed bin, changing nothing', async () => {
    const original = await readFile(join(cwd, 'src/broadcasting/events/order-shipped.ts'), 'utf8')
    const bad = await herald('make:event', '123')
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /make:event "123": a name must be a PascalCase class name/)
    const again = await herald('make:event', 'OrderShipped', '--presence')
    assert.equal(again.code, 1)
    assert.match(again.stderr, /order-shipped\.ts already exists; nothing was written \(--force overwrites\)/)
    assert.equal(await readFile(join(cwd, 'src/broadcasting/events/order-shipped.ts'), 'utf8'), original)
  })

  it("type-checks as generated with the project's compiler (strict, no unused locals or parameters)", async () => {
    await writeFile(join(cwd, 'src/broadcasting/wiring.test.ts'), WIRING_TEST)
    const result = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd, timeoutMs: 90_000 })
    assert.equal(result.code, 0, `tsc failed on the generated project:\n${result.stdout}${result.stderr}`)
  })

  it('the generated test (and the wiring test beside it) pass under node:test', async () => {
    // Without the runner's NODE_TEST_CONTEXT, which would make the inner `node --test` report to this runner instead of printing.
    const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env
    const files = ['src/broadcasting/broadcasting.test.ts', 'src/broadcasting/wiring.test.ts']
    const result = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files], { cwd, timeoutMs: 60_000, env })
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`)
    assert.match(result.stdout, /^# pass 3$/m)
    assert.match(result.stdout, /^# fail 0$/m)
    assert.match(result.stdout, /SendShipmentEmail: handling OrderShipped/, 'the generated listener ran')
  })
})
