import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'

const run = promisify(execFile)
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url))

// Imported in a fresh process, so what this test file itself loads cannot hide a leak.
const probe = `
const herald = await import(${JSON.stringify(entry)})
const { createRequire } = await import('node:module')
const loaded = Object.keys(createRequire(import.meta.url).cache)
console.log(JSON.stringify({ exports: Object.keys(herald), loaded, reflect: typeof Reflect.getMetadata }))
`

test("the 'herald' entry exports the core, drivers and config, and loads no SDK, Fastify or tsyringe", { timeout: 60_000 }, async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { timeout: 60_000 })
  const { exports, loaded, reflect } = JSON.parse(stdout) as { exports: string[]; loaded: string[]; reflect: string }
  for (const name of [
    'Broadcasting',
    'BroadcastEvent',
    'EventDispatcher',
    'PrivateChannel',
    'ChannelAuthorizer',
    'LogBroadcaster',
    'NullBroadcaster',
    'LocalBroadcaster',
    'RedisBroadcaster',
    'PusherBroadcaster',
    'AblyBroadcaster',
    'driverFactories',
    'createBroadcasting',
    'loadConfig',
    'HeraldConfigSchema',
    'resolveDefaultConnection',
  ]) {
    assert.ok(exports.includes(name), `herald exports ${name}`)
  }
  const heavy = loaded.filter((path) => /node_modules[\\/](ioredis|ably|pusher|fastify|@fastify|tsyringe|reflect-metadata)[\\/]/.test(path))
  assert.deepEqual(heavy, [], 'SDKs load lazily, on first use of their driver')
  assert.equal(reflect, 'undefined', 'reflect-metadata is not loaded (it patches the global Reflect)')
})
