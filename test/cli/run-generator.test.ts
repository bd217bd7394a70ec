// The generator commands in-process against a temp folder: what they write, what they refuse, and that
// an existing file is never overwritten without --force. (generated-project.test.ts type-checks and runs the output.)
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { HeraldError } from '../../src/domain/errors.js'
import { runGenerator } from '../../src/cli/run-generator.js'
import type { GeneratorCommand } from '../../src/cli/parse-command.js'

const BIN = fileURLToPath(new URL('../../bin/herald.js', import.meta.url))

/** Asserts that a command rejects with an InvalidCommandError whose message matches. */
const refuses = (promise: Promise<unknown>, message: RegExp) =>
  assert.rejects(promise, (err: unknown) => {
    assert.ok(HeraldError.is(err, 'HERALD_ERR_INVALID_COMMAND'), String(err))
    assert.match(err.message, message)
    return true
  })

describe('herald install and make:*', () => {
  let cwd: string
  let printed: string[]
  const run = (command: GeneratorCommand, ...argv: string[]) => runGenerator(command, argv, { cwd, print: (line) => printed.push(line) })
  const read = (path: string) => readFile(join(cwd, path), 'utf8')

  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'herald-gen-'))
    printed = []
  })
  afterEach(() => rm(cwd, { recursive: true, force: true }))

  it('install writes the channels file, config, events folder and a test, and says what to do next', async () => {
    assert.equal(await run('install'), 0)
    for (const path of ['channels.ts', 'config.ts', 'events/.gitkeep', 'broadcasting.test.ts']) assert.ok(existsSync(join(cwd, 'src/broadcasting', path)), path)
    assert.match(await read('src/broadcasting/channels.ts'), /channels\.channel\('users\.\{userId\}'/)
    assert.match(await read('src/broadcasting/broadcasting.test.ts'), /BroadcasterFake\.install/)
    assert.ok(printed.includes('created     src/broadcasting/channels.ts'), printed.join('\n'))
    assert.ok(printed.some((l) => l.includes('node --import tsx --test src/broadcasting/broadcasting.test.ts')), printed.join('\n'))
  })

  it('install keeps files that exist, and --force overwrites them', async () => {
    await run('install')
    await writeFile(join(cwd, 'src/broadcasting/channels.ts'), '// mine\n')
    printed = []
    assert.equal(await run('install'), 0)
    assert.equal(await read('src/broadcasting/channels.ts'), '// mine\n')
    assert.ok(printed.includes('kept        src/broadcasting/channels.ts  (exists; --force overwrites)'), printed.join('\n'))
    await run('install', '--force')
    assert.match(await read('src/broadcasting/channels.ts'), /registerChannels/)
    assert.ok(printed.includes('overwritten src/broadcasting/channels.ts'), printed.join('\n'))
  })

  it('make:event writes a typed event for the channel pattern, and refuses to overwrite it', async () => {
    await run('make:event', 'OrderShipped', '--presence', '--channel', 'orders.{orderId}.items.{itemId}')
    const event = await read('src/broadcasting/events/order-shipped.ts')
    assert.match(event, /import \{ BroadcastEvent, PresenceChannel \} from 'herald'/)
    assert.match(event, /constructor\(orderId: string, itemId: string\)/)
    assert.match(event, /new PresenceChannel\(`orders\.\$\{this\.orderId\}\.items\.\$\{this\.itemId\}`\)/)
    assert.match(event, /return \{ orderId: this\.orderId, itemId: this\.itemId \}/)
    await writeFile(join(cwd, 'src/broadcasting/events/order-shipped.ts'), '// edited\n')
    await refuses(run('make:event', 'OrderShipped'), /^src\/broadcasting\/events\/order-shipped\.ts already exists; nothing was written \(--force overwrites\)$/)
    assert.equal(await read('src/broadcasting/events/order-shipped.ts'), '// edited\n')
    await run('make:event', 'OrderShipped', '--force')
    assert.match(await read('src/broadcasting/events/order-shipped.ts'), /new Channel\('order\.shipped'\)/)
  })

  it('--dir moves every file', async () => {
    await run('install', '--dir', 'app/realtime')
    await run('make:event', 'Ping', '--dir=app/realtime', '--private')
    await run('make:channel', 'RoomChannel', '--dir', 'app/realtime')
    await run('make:listener', 'LogPing', '--event', 'Ping', '--dir', 'app/realtime')
    for (const path of ['channels.ts', 'events/ping.ts', 'channels/room-channel.ts', 'listeners/log-ping.ts']) assert.ok(existsSync(join(cwd, 'app/realtime', path)), path)
    assert.equal(existsSync(join(cwd, 'src')), false)
    assert.match(await read('app/realtime/channels/room-channel.ts'), /static readonly pattern = 'room\.\{id\}'/)
  })

  it('refuses bad input with an error naming it, writing nothing', async () => {
    await refuses(run('make:event', '123'), /make:event "123": a name must be a PascalCase class name/)
    await refuses(run('make:event'), /make:event needs a name/)
    await refuses(run('make:event', 'A', 'B'), /make:event: unexpected argument "B"/)
    await refuses(run('install', 'extra'), /install: unexpected argument "extra"/)
    await refuses(run('make:event', 'Ping', '--bogus'), /make:event: Unknown option '--bogus'/)
    await refuses(run('make:event', 'Ping', '--private', '--presence'), /choose one of --private and --presence/)
    await refuses(run('make:event', 'Ping', '--channel', 'private-x'), /make:event --channel: .*without the private-/)
    await refuses(run('make:event', 'Ping', '--channel'), /make:event: Option '--channel <value>' argument missing/)
    await refuses(run('make:channel', 'OrderChannel'), /make:channel: src\/broadcasting\/channels\.ts does not exist; .*npx herald install/)
    await refuses(run('make:listener', 'SendMail'), /make:listener --event needs a name/)
    await refuses(run('make:listener', 'SendMail', '--event', 'OrderShipped'), /src\/broadcasting\/events\/order-shipped\.ts does not exist; run `npx herald make:event OrderShipped` first/)
    await refuses(run('install', '--dir', ' '), /--dir needs a folder/)
    assert.equal(existsSync(join(cwd, 'src')), false, 'nothing was written')
  })

  it('the herald bin dispatches the generator commands and reports bad input on stderr with exit code 1', () => {
    const bad = spawnSync(process.execPath, [BIN, 'make:event', '123'], { cwd, encoding: 'utf8', timeout: 60_000 })
    assert.equal(bad.status, 1, bad.stderr)
    assert.match(bad.stderr, /make:event "123": a name must be a PascalCase class name/)
    const ok = spawnSync(process.execPath, [BIN, 'make:event', 'OrderShipped'], { cwd, encoding: 'utf8', timeout: 60_000 })
    assert.equal(ok.status, 0, ok.stderr)
    assert.match(ok.stdout, /created {5}src\/broadcasting\/events\/order-shipped\.ts/)
    const unknown = spawnSync(process.execPath, [BIN, 'make:thing'], { cwd, encoding: 'utf8', timeout: 60_000 })
    assert.equal(unknown.status, 2)
    assert.match(unknown.stderr, /Unknown command "make:thing"[\s\S]*herald make:event Name/)
  })
})
