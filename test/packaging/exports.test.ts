// The package as a user gets it: built with tsconfig.build.json, packed by `npm pack`, unpacked into
// a consumer's node_modules and loaded with plain `node` (no tsx), from ESM and from CommonJS.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { once } from 'node:events'
import { packHerald, run, TSC, type PackedHerald, type RunResult } from './packed-herald.js'

/** Runtime exports of `herald` that the issue and the README promise, with their `typeof`. */
const CORE_API = {
  Broadcasting: 'function',
  BroadcastEvent: 'function',
  Channel: 'function',
  PrivateChannel: 'function',
  PresenceChannel: 'function',
  EncryptedPrivateChannel: 'function',
  ChannelAuthorizer: 'function',
  ChannelPattern: 'function',
  EventDispatcher: 'function',
  PendingBroadcast: 'function',
  AnonymousBroadcast: 'function',
  HeraldError: 'function',
  InvalidConfigError: 'function',
  isShouldBroadcast: 'function',
  signChannelAuth: 'function',
  verifyChannelAuth: 'function',
  LogBroadcaster: 'function',
  NullBroadcaster: 'function',
  LocalBroadcaster: 'function',
  RedisBroadcaster: 'function',
  PusherBroadcaster: 'function',
  AblyBroadcaster: 'function',
  createDriver: 'function',
  driverFactories: 'object',
  createBroadcasting: 'function',
  loadConfig: 'function',
  HeraldConfigSchema: 'object',
  DRIVER_NAMES: 'object',
} as const

const FASTIFY_API = { default: 'function', herald: 'function', startServer: 'function', createRealtimeHub: 'function', StaticAppLookup: 'function' } as const
const TESTING_API = { BroadcasterFake: 'function' } as const
const REACT_API = { useBroadcastEvents: 'function', echoEventName: 'function' } as const

// Driver SDKs, queue and ORM libraries, and herald/react's peers: none may load unless its entry point is imported.
const SDK_PATTERN = String.raw`/node_modules/(ioredis|ably|pusher|bullmq|typeorm|react|@laravel/echo-react)/`

/** Shared by both probes: the `typeof` of each expected name, and a broadcast through the fake. */
const PROBE_BODY = `
const api = (mod, names) => Object.fromEntries(Object.keys(names).map((n) => [n, typeof mod[n]]))
async function smoke(herald, testing) {
  const fake = new testing.BroadcasterFake()
  const broadcasting = new herald.Broadcasting({ default: 'main', connections: { main: fake } })
  await broadcasting.private('user.1').broadcast('Notified', { text: 'hi' })
  fake.assertBroadcastedOn('private-user.1', 'Notified')
  return new herald.PrivateChannel('orders.1').toString()
}
const NAMES = ${JSON.stringify({ core: CORE_API, fastify: FASTIFY_API, testing: TESTING_API, react: REACT_API })}
`

// Runs in the module-hooks thread: logs every URL the ESM loader resolves, including `import()`.
const LOAD_HOOKS = `import { appendFileSync } from 'node:fs'
let log
export function initialize(data) { log = data.log }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  appendFileSync(log, result.url + '\\n')
  return result
}
`
const RECORD_LOADS = `import { register } from 'node:module'
register('./load-hooks.mjs', import.meta.url, { data: { log: process.env.HERALD_LOAD_LOG } })
`

const ESM_PROBE = `import { readFileSync } from 'node:fs'
${PROBE_BODY}
const sdks = () => [...new Set(readFileSync(process.env.HERALD_LOAD_LOG, 'utf8').split('\\n').map((u) => new RegExp(${JSON.stringify(SDK_PATTERN)}).exec(u)?.[1]).filter(Boolean))].sort()
const herald = await import('herald')
const testing = await import('herald/testing')
const afterCore = sdks()
const fastify = await import('herald/fastify')
const afterFastify = sdks()
const wireName = await smoke(herald, testing)
// Control: proves the recorder sees a driver SDK when one really is loaded (resolved from herald's
// folder, where the dependency lives).
const { createRequire } = await import('node:module')
const { pathToFileURL } = await import('node:url')
await import(pathToFileURL(createRequire(import.meta.resolve('herald')).resolve('ioredis')).href)
const afterControl = sdks()
const react = await import('herald/react')
const afterReact = sdks()
console.log(JSON.stringify({ core: api(herald, NAMES.core), fastify: api(fastify, NAMES.fastify), testing: api(testing, NAMES.testing), react: api(react, NAMES.react), wireName, afterCore, afterFastify, afterControl, afterReact }))
`

const CJS_PROBE = `${PROBE_BODY}
const herald = require('herald')
const testing = require('herald/testing')
const fastify = require('herald/fastify')
const sdks = Object.keys(require.cache).map((p) => new RegExp(${JSON.stringify(SDK_PATTERN)}).exec(p)?.[1]).filter(Boolean)
smoke(herald, testing).then((wireName) => {
  console.log(JSON.stringify({ core: api(herald, NAMES.core), fastify: api(fastify, NAMES.fastify), testing: api(testing, NAMES.testing), wireName, sdks: [...new Set(sdks)] }))
})
`

// A TypeScript app compiled against the shipped declarations, resolved through the exports map.
const CONSUMER_TS = `import { Broadcasting, PrivateChannel, loadConfig, type BroadcasterPort, type HeraldConfig } from 'herald'
import herald, { startServer, type HeraldPluginOptions } from 'herald/fastify'
import { BroadcasterFake } from 'herald/testing'

const fake: BroadcasterPort = new BroadcasterFake()
const broadcasting: Broadcasting = new Broadcasting({ default: 'main', connections: { main: fake } })
export async function send(): Promise<void> {
  await broadcasting.private('user.1').broadcast('Notified', { text: 'hi' })
}
export const wire: string = new PrivateChannel('orders.1').toString()
export const config: Readonly<HeraldConfig> = loadConfig({})
export const plugin: typeof herald = herald
export const start: typeof startServer = startServer
export type Options = HeraldPluginOptions
// Fails to compile if the declarations were missing and everything were \`any\`.
// @ts-expect-error a channel name is a string
new PrivateChannel(42)
`
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    types: ['node'],
    noEmit: true,
    skipLibCheck: true,
  },
  files: ['consumer.ts'],
}

function parseLastLine(result: RunResult): unknown {
  const line = result.stdout.trim().split('\n').at(-1) ?? ''
  try {
    return JSON.parse(line)
  } catch {
    throw new Error(`probe printed no JSON (exit ${result.code ?? result.signal})\nstdout: ${result.stdout}\nstderr: ${result.stderr}`)
  }
}

describe('the packed herald package', { timeout: 150_000 }, () => {
  let pkg: PackedHerald

  before(async () => {
    pkg = await packHerald()
    await writeFile(join(pkg.consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
    await writeFile(join(pkg.consumer, 'load-hooks.mjs'), LOAD_HOOKS)
    await writeFile(join(pkg.consumer, 'record-loads.mjs'), RECORD_LOADS)
    await writeFile(join(pkg.consumer, 'probe.mjs'), ESM_PROBE)
    await writeFile(join(pkg.consumer, 'probe.cjs'), CJS_PROBE)
    await writeFile(join(pkg.consumer, 'consumer.ts'), CONSUMER_TS)
    await writeFile(join(pkg.consumer, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG))
  })
  after(async () => {
    await pkg?.dispose()
  })

  it('ships dist/ and the bin, and nothing from the checkout', () => {
    const stray = pkg.files.filter((p) => !/^(package\.json|README\.md|LICENSE(\.md)?|bin\/herald\.js|dist\/.+\.(js|d\.ts))$/.test(p))
    assert.deepEqual(stray, [], 'only package.json, README, LICENSE, bin/herald.js and dist/*.js|.d.ts belong in the tarball')
    for (const needed of ['bin/herald.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/testing/index.js']) {
      assert.ok(pkg.files.includes(needed), `tarball lacks ${needed}: ${pkg.files.length} files packed`)
    }
  })

  it('declares ESM, sideEffects false, Node >= 20.19, and an exports map of existing {types, default} files', async () => {
    const manifest = JSON.parse(await readFile(join(pkg.installed, 'package.json'), 'utf8')) as {
      name: string
      type: string
      sideEffects: boolean
      engines: { node: string }
      bin: Record<string, string>
      exports: Record<string, Record<string, string>>
    }
    assert.equal(manifest.name, 'herald')
    assert.equal(manifest.type, 'module')
    assert.equal(manifest.sideEffects, false)
    assert.equal(manifest.engines.node, '>=20.19')
    assert.deepEqual(Object.keys(manifest.exports), ['.', './fastify', './testing', './typeorm', './react'])
    for (const [subpath, conditions] of Object.entries(manifest.exports)) {
      // TypeScript picks the first matching condition, so `types` must come before `default`.
      assert.deepEqual(Object.keys(conditions), ['types', 'default'], `exports["${subpath}"] must be { types, default } in that order`)
      for (const target of Object.values(conditions)) {
        assert.ok(existsSync(join(pkg.installed, target)), `exports["${subpath}"] points at ${target}, which the tarball lacks`)
      }
    }
    const bin = manifest.bin.herald
    assert.ok(bin !== undefined && existsSync(join(pkg.installed, bin)), `bin.herald points at ${bin}, which the tarball lacks`)
    assert.match(await readFile(join(pkg.installed, bin), 'utf8'), /^#!\/usr\/bin\/env node\n/)
  })

  it('import() from ESM exposes the documented API and loads no driver SDK', async () => {
    const result = await run(process.execPath, ['--import', './record-loads.mjs', 'probe.mjs'], {
      cwd: pkg.consumer,
      timeoutMs: 30_000,
      env: { ...process.env, HERALD_LOAD_LOG: join(pkg.root, 'loads.log') },
    })
    const probe = parseLastLine(result) as Record<string, unknown>
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(probe.core, CORE_API)
    assert.deepEqual(probe.fastify, FASTIFY_API, 'herald/fastify: the default export is the plugin')
    assert.deepEqual(probe.testing, TESTING_API)
    assert.equal(probe.wireName, 'private-orders.1')
    assert.deepEqual(probe.afterCore, [], "import 'herald' and 'herald/testing' must not load ioredis, ably or pusher (drivers import them lazily)")
    assert.deepEqual(probe.afterFastify, [], "import 'herald/fastify' must not load ioredis, ably or pusher")
    assert.deepEqual(probe.afterControl, ['ioredis'], 'control: the load recorder must see ioredis once it is imported')
    assert.deepEqual(probe.react, REACT_API, 'herald/react exports the hook')
    assert.deepEqual(probe.afterReact, ['@laravel/echo-react', 'ioredis', 'react'], "herald/react loads React and @laravel/echo-react (only it: 'herald' never does)")
  })

  it('require() from CommonJS works (Node >= 20.19 loads ESM synchronously: no top-level await anywhere)', async (t) => {
    // Node 20.19 enabled require(esm) by default; older 20.x needed --experimental-require-module.
    if ((process.features as { require_module?: boolean }).require_module !== true) {
      t.skip(`this Node (${process.version}) has process.features.require_module false: require(esm) unavailable, the engines field excludes it`)
      return
    }
    const result = await run(process.execPath, ['probe.cjs'], { cwd: pkg.consumer, timeoutMs: 30_000 })
    const probe = parseLastLine(result) as Record<string, unknown>
    assert.equal(result.code, 0, result.stderr)
    assert.doesNotMatch(result.stderr, /ERR_REQUIRE/)
    assert.deepEqual(probe.core, CORE_API)
    assert.deepEqual(probe.fastify, FASTIFY_API)
    assert.deepEqual(probe.testing, TESTING_API)
    assert.equal(probe.wireName, 'private-orders.1')
    assert.deepEqual(probe.sdks, [], 'require(herald) must not load ioredis, ably or pusher')
  })

  it('type-checks a TypeScript consumer against the shipped declarations', async () => {
    const result = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: pkg.consumer, timeoutMs: 60_000 })
    assert.equal(result.code, 0, `tsc on the consumer failed:\n${result.stdout}${result.stderr}`)
  })

  it('the herald bin serves from the built output and exits cleanly on SIGTERM', async () => {
    // A minimal environment: nothing from this shell (BROADCAST_*, PORT) leaks into the server.
    const env = { PATH: process.env.PATH ?? '', HOME: pkg.consumer, HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'test' }
    const child = spawn(process.execPath, [join(pkg.installed, 'bin', 'herald.js'), 'serve'], { cwd: pkg.consumer, env, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
    let stdout = ''
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "Herald listening" line within 20 s\nstdout: ${stdout}\nstderr: ${stderr}`)), 20_000)
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk
          const line = stdout.split('\n').find((l) => l.includes('Herald listening'))
          if (line === undefined) return
          clearTimeout(timer)
          const fields = JSON.parse(line) as { port?: unknown }
          if (typeof fields.port === 'number') resolve(fields.port)
          else reject(new Error(`listening line has no port: ${line}`))
        })
        void exited.then(([code, signal]) => {
          clearTimeout(timer)
          reject(new Error(`herald serve exited (${code ?? signal}) before listening\nstdout: ${stdout}\nstderr: ${stderr}`))
        })
      })
      const up = await fetch(`http://127.0.0.1:${port}/up`, { signal: AbortSignal.timeout(5_000) })
      assert.equal(up.status, 200)
      await up.arrayBuffer()
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    }
    const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000)
    const [code, signal] = await exited
    clearTimeout(timeout)
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, `herald serve did not exit cleanly on SIGTERM\nstderr: ${stderr}`)
    assert.doesNotMatch(stderr, /tsx|ERR_/, 'the installed bin must run dist/cli/main.js, not the TypeScript source')
  })
})
