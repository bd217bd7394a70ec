// The layer arrows of docs/architecture.md, checked by scanning imports: http never reaches an adapter (it
// resolves them from the composition root), adapters depend on the domain only, config reaches adapters only
// for their option schemas, and the WebSocket code keeps no module-level mutable state (state is per server).
// Each rule also runs on a bad sample, so it can fail.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { COMPUTED_IMPORT_ALLOWED, findImportReferences } from './scan-imports.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const src = (layer: string) => join(root, 'src', layer)

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : []
  })
}

/** The src layer a relative import of `file` lands in (`domain`, `adapters`, …), or null for a package. */
function targetLayer(specifier: string, file: string): string | null {
  if (!specifier.startsWith('.')) return null
  const target = relative(join(root, 'src'), resolve(dirname(file), specifier))
  return target.startsWith('..') ? '(outside src)' : (target.split('/')[0] ?? null)
}

/** `file:line: specifier` for each relative import landing in a layer that `allowed` rejects. */
function violations(files: readonly string[], allowed: (layer: string, specifier: string) => boolean, read = (f: string) => readFileSync(f, 'utf8')): string[] {
  return files.flatMap((file) =>
    findImportReferences(read(file)).flatMap((r) => {
      if (r.specifier === null) return COMPUTED_IMPORT_ALLOWED.has(relative(root, file)) ? [] : [`${relative(root, file)}:${r.line}: (computed import)`]
      const layer = targetLayer(r.specifier, file)
      return layer === null || allowed(layer, r.specifier) ? [] : [`${relative(root, file)}:${r.line}: ${r.specifier}`]
    }),
  )
}

const httpAllows = (layer: string) => ['http', 'domain', 'config', 'composition'].includes(layer)
const adaptersAllows = (layer: string) => ['adapters', 'domain'].includes(layer)
// Only the adapters' option schemas (`*-options.ts`): the config validates them, the adapters never see the config.
const configAllows = (layer: string, specifier: string) => ['config', 'domain'].includes(layer) || (layer === 'adapters' && specifier.endsWith('-options.js'))

test('src/http imports only src/domain, src/config and src/composition (never an adapter)', () => {
  assert.deepEqual(violations(sources(src('http')), httpAllows), [])
  const bad = join(src('http'), 'routes/bad-sample.ts')
  assert.deepEqual(violations([bad], httpAllows, () => "import type { AblyTokenOptions } from '../../adapters/ably/ably-token-authorizer.js'\n"), [
    'src/http/routes/bad-sample.ts:1: ../../adapters/ably/ably-token-authorizer.js',
  ])
})

test('src/adapters imports only src/domain (not config, http or composition)', () => {
  assert.deepEqual(violations(sources(src('adapters')), adaptersAllows), [])
  const bad = join(src('adapters'), 'redis/bad-sample.ts')
  assert.deepEqual(violations([bad], adaptersAllows, () => "import type { HeraldConfig } from '../../config/schema.js'\nimport { x } from '../../http/y.js'\n"), [
    'src/adapters/redis/bad-sample.ts:1: ../../config/schema.js',
    'src/adapters/redis/bad-sample.ts:2: ../../http/y.js',
  ])
})

test('src/config reaches src/adapters only for option schemas, and never http or composition', () => {
  assert.deepEqual(violations(sources(src('config')), configAllows), [])
  const bad = join(src('config'), 'bad-sample.ts')
  assert.deepEqual(
    violations([bad], configAllows, () => "import { RedisOptionsSchema } from '../adapters/redis/redis-options.js'\nimport { createDriver } from '../composition/driver-registry.js'\nimport { RedisBroadcaster } from '../adapters/redis/redis-broadcaster.js'\n"),
    ['src/config/bad-sample.ts:2: ../composition/driver-registry.js', 'src/config/bad-sample.ts:3: ../adapters/redis/redis-broadcaster.js'],
  )
})

/** Lines declaring a module-level `let` (top-level: no indentation), `file:line: text`. */
function moduleLets(files: readonly string[], read = (f: string) => readFileSync(f, 'utf8')): string[] {
  return files.flatMap((file) =>
    read(file)
      .split('\n')
      .flatMap((line, i) => (/^(export\s+)?(let|var)\s/.test(line) ? [`${relative(root, file)}:${i + 1}: ${line.trim()}`] : [])),
  )
}

test('src/http/websocket keeps no module-level mutable state (no top-level let/var): state is per server', () => {
  assert.deepEqual(moduleLets(sources(join(src('http'), 'websocket'))), [])
  const bad = join(src('http'), 'websocket/bad-sample.ts')
  assert.deepEqual(moduleLets([bad], () => 'const ok = 1\nexport let held = 0\nfunction f() {\n  let local = 0\n}\n'), ['src/http/websocket/bad-sample.ts:2: export let held = 0'])
})
