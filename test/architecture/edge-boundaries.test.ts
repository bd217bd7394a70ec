// The edge rules of STYLE §6.3 that belong to config, composition and testing, checked by scanning imports
// (the domain's own rule is domain-purity.test.ts). Each rule is also run on a bad sample, so it can fail.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { COMPUTED_IMPORT_ALLOWED, findImportReferences } from './scan-imports.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : []
  })
}

/** `file: specifier` for every import in `files` that `allowed` rejects. */
function violations(files: readonly string[], allowed: (specifier: string, file: string) => boolean, read = (f: string) => readFileSync(f, 'utf8')): string[] {
  return files.flatMap((file) =>
    findImportReferences(read(file))
      .filter((r) => (r.specifier === null ? !COMPUTED_IMPORT_ALLOWED.has(relative(root, file)) : !allowed(r.specifier, file)))
      .map((r) => `${relative(root, file)}:${r.line}: ${r.specifier ?? '(computed)'}`),
  )
}

// src/testing: only the domain and node:assert, so `herald/testing` works under any runner and pulls in no driver.
function testingAllows(specifier: string, file: string): boolean {
  if (specifier === 'node:assert') return true
  if (!specifier.startsWith('.')) return false
  const target = resolve(dirname(file), specifier)
  return target.startsWith(join(root, 'src/domain')) || target.startsWith(join(root, 'src/testing'))
}

test('src/testing imports only the domain and node:assert', () => {
  assert.deepEqual(violations(sources(join(root, 'src/testing')), testingAllows), [])
  const bad = join(root, 'src/testing/bad-sample.ts')
  assert.deepEqual(
    violations([bad], testingAllows, () => "import { LogBroadcaster } from '../adapters/log/log-broadcaster.js'\nimport test from 'node:test'\n"),
    ['src/testing/bad-sample.ts:1: ../adapters/log/log-broadcaster.js', 'src/testing/bad-sample.ts:2: node:test'],
  )
})

test('tsyringe and reflect-metadata are imported only by src/composition/container.ts', () => {
  const container = join(root, 'src/composition/container.ts')
  const allows = (specifier: string, file: string) => !/^(tsyringe|reflect-metadata)$/.test(specifier) || file === container
  assert.deepEqual(violations(sources(join(root, 'src')), allows), [])
  assert.deepEqual(violations([join(root, 'src/http/x.ts')], allows, () => "import 'reflect-metadata'\n"), ['src/http/x.ts:1: reflect-metadata'])
})

test("TypeBox's value and compile API is called only from src/config/validate.ts", () => {
  const validate = join(root, 'src/config/validate.ts')
  const allows = (specifier: string, file: string) => !/^typebox\/(value|compile)$/.test(specifier) || file === validate || file.includes((join(root, 'src/http')))
  // src/http compiles its frame and request validators once at load (STYLE §6.7); every other folder goes through validate.ts.
  assert.deepEqual(violations(sources(join(root, 'src')), allows), [])
  assert.deepEqual(violations([join(root, 'src/config/load-config.ts')], allows, () => "import { Value } from 'typebox/value'\n"), [
    'src/config/load-config.ts:1: typebox/value',
  ])
})
