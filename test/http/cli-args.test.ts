import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, test } from 'node:test'
import { ENV_TABLE } from '../../src/config/env.js'
import { CliUsageError, parseServeArgs, serveHelp } from '../../src/http/cli-args.js'
import { RawClient } from '../e2e/support/raw-client.js'
import { waitFor } from '../helpers/wait-for.js'

describe('herald serve flags', () => {
  test('--flag value and --flag=value; switches; nothing given', () => {
    assert.deepEqual(parseServeArgs(['--config', 'a.json', '--host=127.0.0.1', '--port', '0', '--debug']), {
      help: false, version: false, debug: true, config: 'a.json', host: '127.0.0.1', port: 0,
    })
    assert.deepEqual(parseServeArgs([]), { help: false, version: false, debug: false, config: undefined, host: undefined, port: undefined })
    assert.equal(parseServeArgs(['-h']).help, true)
    assert.equal(parseServeArgs(['--version']).version, true)
  })

  test('unknown flags, missing values and bad ports are errors naming the flag', () => {
    const cases: [string[], RegExp][] = [
      [['--prot', '80'], /unknown flag "--prot"/],
      [['serve2'], /unknown argument "serve2"/],
      [['--config'], /--config needs a value/],
      [['--port', '--debug'], /--port needs a value/],
      [['--port', '65536'], /--port expects 0-65535 \(got "65536"\)/],
      [['--port=abc'], /--port expects 0-65535/],
      [['--debug=yes'], /unknown flag "--debug=yes"/],
    ]
    for (const [argv, message] of cases) assert.throws(() => parseServeArgs(argv), (e: unknown) => e instanceof CliUsageError && message.test(e.message), argv.join(' '))
  })

  test('--help lists every flag and every environment variable', () => {
    const help = serveHelp()
    for (const flag of ['--config', '--host', '--port', '--debug', '--help', '--version']) assert.ok(help.includes(flag), flag)
    for (const { env } of ENV_TABLE) assert.ok(help.includes(env), env)
  })
})

function run(t: { after(fn: () => void): void }, args: string[], env: Record<string, string> = {}, cwd = process.cwd()) {
  // The CLI itself, not bin/herald.js: its tsx grandchild would outlive a SIGKILL of the wrapper.
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), resolve('src/cli/main.ts'), 'serve', ...args], { cwd, env: { ...process.env, NODE_ENV: 'test', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  return { child, output: () => out }
}

describe('herald serve (the CLI)', { timeout: 60_000 }, () => {
  test('--version prints package.json version; an unknown flag exits non-zero naming it', async (t) => {
    const version = run(t, ['--version'])
    assert.equal((await once(version.child, 'exit'))[0], 0)
    assert.equal(version.output().trim(), (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version)
    const bad = run(t, ['--prot', '80'])
    assert.notEqual((await once(bad.child, 'exit'))[0], 0)
    assert.match(bad.output(), /unknown flag "--prot"/)
  })

  test('serves the apps of herald.config.json in the working directory; --host/--port win; a bad file stops start-up', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    writeFileSync(join(dir, 'herald.config.json'), JSON.stringify({ apps: [{ id: 'cli-app', key: 'cli-key', secret: 's' }], server: { host: '0.0.0.0', port: 1 } }))
    const served = run(t, ['--host', '127.0.0.1', '--port', '0', '--debug'], { PORT: '2' }, dir)
    const line = await waitFor(() => served.output().split('\n').find((l) => l.includes('Herald listening')), { what: 'the "Herald listening" line', timeoutMs: 30_000 })
    const { port, host, appKey, level } = JSON.parse(line) as { port: number; host: string; appKey: string; level: number }
    assert.equal(host, '127.0.0.1')
    assert.equal(appKey, 'cli-key')
    assert.ok(port > 2)
    assert.equal(level, 30)
    const raw = await RawClient.connect(port, '/app/cli-key?protocol=7')
    assert.equal(raw.frames[0]?.event, 'pusher:connection_established')
    raw.close()
    assert.equal((await fetch(`http://127.0.0.1:${port}/up`)).status, 200)
    // Per-request lines are debug: they show only because of --debug.
    await waitFor(() => /"level":20/.test(served.output()), { what: 'a debug line (--debug)' })
    served.child.kill('SIGTERM')
    await once(served.child, 'exit')

    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ apps: [{ id: 'x' }] }))
    const bad = run(t, ['--config', 'bad.json'], {}, dir)
    assert.notEqual((await once(bad.child, 'exit'))[0], 0)
    assert.match(bad.output(), /Invalid Herald configuration in .*bad\.json \(2 problems\)/)
    assert.match(bad.output(), /apps\.0\.key: is required/)
    assert.match(bad.output(), /apps\.0\.secret: is required/)
  })
})
