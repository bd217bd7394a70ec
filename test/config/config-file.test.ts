import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { CONFIG_FILE_NAMES, findConfigFile, loadConfigFile } from '../../src/config/config-file.js'
import { HeraldErrorCode, InvalidConfigError } from '../../src/domain/errors.js'

const HERALD = pathToFileURL(resolve('src/index.ts')).href

function tempDir(t: { after(fn: () => void): void }, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-config-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

const APPS = "apps: [{ id: 'from-file', key: 'file-key', secret: 'file-secret', maxMessageSize: 2048 }]"

describe('config files', () => {
  const formats: Record<(typeof CONFIG_FILE_NAMES)[number], string> = {
    'herald.config.ts': `import { defineConfig } from '${HERALD}'\nconst port: number = 7001\nexport default defineConfig({ ${APPS}, server: { port } })\n`,
    'herald.config.mjs': `export default { ${APPS}, server: { port: 7001 } }\n`,
    'herald.config.js': `export default () => ({ ${APPS}, server: { port: 7001 } })\n`,
    'herald.config.json': JSON.stringify({ apps: [{ id: 'from-file', key: 'file-key', secret: 'file-secret', maxMessageSize: 2048 }], server: { port: 7001 } }),
  }
  for (const [name, text] of Object.entries(formats)) {
    test(`${name} in the working directory is found and loaded`, async (t) => {
      const dir = tempDir(t, { [name]: text, 'package.json': '{"type":"module"}' })
      assert.equal(findConfigFile(dir), join(dir, name))
      const { config, file } = await loadConfigFile({ cwd: dir, env: {} })
      assert.equal(file, join(dir, name))
      assert.equal(config.apps[0]?.id, 'from-file')
      assert.equal(config.apps[0]?.maxMessageSize, 2048)
      assert.equal(config.server.port, 7001)
    })
  }

  test('the first name in order wins; --config picks any file; none found means env and defaults', async (t) => {
    const dir = tempDir(t, { 'herald.config.mjs': 'export default { server: { port: 1 } }', 'herald.config.json': '{"server":{"port":2}}', 'other.json': '{"server":{"port":3}}' })
    assert.equal((await loadConfigFile({ cwd: dir, env: {} })).config.server.port, 1)
    assert.equal((await loadConfigFile({ cwd: dir, file: 'other.json', env: {} })).config.server.port, 3)
    const empty = tempDir(t, {})
    const none = await loadConfigFile({ cwd: empty, env: { PORT: '4' } })
    assert.equal(none.file, undefined)
    assert.equal(none.config.server.port, 4)
  })

  test('precedence per key: the file, then the environment, then defaults (nested keys too)', async (t) => {
    const dir = tempDir(t, {
      'herald.config.json': JSON.stringify({ apps: [{ id: 'f', key: 'k', secret: 's', activityTimeout: 60 }], server: { port: 7001, tls: { cert: 'file.pem' } } }),
    })
    const env = {
      PORT: '9999', HOST: '127.0.0.2', BROADCAST_APP_ACTIVITY_TIMEOUT: '5', BROADCAST_APP_MAX_MESSAGE_SIZE: '3000',
      BROADCAST_APP_ALLOWED_ORIGINS: 'https://a.example, https://b.example', HERALD_TLS_CERT: 'env.pem', HERALD_TLS_KEY: 'env-key.pem',
    }
    const { config } = await loadConfigFile({ cwd: dir, env })
    assert.equal(config.server.port, 7001, 'file over env')
    assert.equal(config.server.host, '127.0.0.2', 'env where the file is silent')
    assert.equal(config.apps[0]?.activityTimeout, 60, 'file over env')
    assert.equal(config.apps[0]?.maxMessageSize, 3000, 'env where the file is silent')
    assert.deepEqual(config.apps[0]?.allowedOrigins, ['https://a.example', 'https://b.example'], 'comma-separated env list')
    assert.equal(config.apps[0]?.maxEventPayloadSize, 10240, 'default where both are silent')
    assert.deepEqual(config.server.tls, { cert: 'file.pem', key: 'env-key.pem' }, 'per key inside server.tls')
    // The CLI's --port sits over the file.
    assert.equal((await loadConfigFile({ cwd: dir, env, server: { port: 0 } })).config.server.port, 0)
  })

  test('a bad file: one InvalidConfigError naming the file and listing every bad key', async (t) => {
    const dir = tempDir(t, {
      'herald.config.json': JSON.stringify({ apps: [{ id: 'a', key: 'k', secret: 's', maxMessageSize: 'big', colour: 'red' }], server: { port: 70000 }, extra: true }),
    })
    const err = await loadConfigFile({ cwd: dir, env: {} }).then(() => undefined, (e: unknown) => e)
    assert.ok(err instanceof InvalidConfigError)
    assert.equal(err.code, HeraldErrorCode.InvalidConfig)
    assert.equal(err.source, join(dir, 'herald.config.json'))
    assert.match(err.message, new RegExp(`in ${join(dir, 'herald.config.json').replaceAll('.', '\\.')} \\(4 problems\\)`))
    assert.deepEqual(err.issues.map((i) => i.path).sort(), ['apps.0.colour', 'apps.0.maxMessageSize', 'extra', 'server.port'])
  })

  test('a file that is missing, unparsable or exports no object is named in the error', async (t) => {
    const dir = tempDir(t, { 'broken.json': '{ nope', 'empty.mjs': 'export const x = 1', 'config.yaml': 'a: 1', 'throws.mjs': "throw new Error('boom')" })
    const cases: [string, RegExp][] = [
      ['missing.json', /missing\.json.*file not found/s],
      ['broken.json', /broken\.json.*could not be loaded/s],
      ['empty.mjs', /empty\.mjs.*expected a default export of defineConfig/s],
      ['config.yaml', /config\.yaml.*unsupported extension '\.yaml'/s],
      ['throws.mjs', /throws\.mjs.*could not be loaded: boom/s],
    ]
    for (const [file, pattern] of cases) {
      await assert.rejects(loadConfigFile({ cwd: dir, file, env: {} }), (e: InvalidConfigError) => e.code === HeraldErrorCode.InvalidConfig && pattern.test(e.message), file)
    }
  })
})

test("the README's annotated examples/herald.config.ts is a valid config file", async () => {
  process.env.SHOP_SECRET = 'shop-secret'
  process.env.BACK_OFFICE_SECRET = 'back-office-secret'
  const { config } = await loadConfigFile({ file: 'examples/herald.config.ts', env: {} })
  assert.deepEqual(config.apps.map((a) => a.id), ['shop', 'back-office'])
  assert.equal(config.apps[0]?.maxConnectionsPerIpPerSecond, 20)
  assert.equal(config.apps[1]?.maxClientEventsPerSecond, 10, 'defaults fill what the file leaves out')
  assert.equal(config.default, 'redis')
})

test('every per-app setting has an environment variable for the single-app case', async () => {
  const { AppSchema } = await import('../../src/config/schema.js')
  const { ENV_TABLE } = await import('../../src/config/env.js')
  const covered = new Set(ENV_TABLE.filter((e) => e.path[0] === 'apps').map((e) => e.path[2]))
  const missing = Object.keys(AppSchema.properties).filter((key) => !covered.has(key as never))
  assert.deepEqual(missing, [])
})
