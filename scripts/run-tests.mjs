#!/usr/bin/env node
// Runs every test file under test/ (or the paths given) with node:test through tsx.
// An explicit file list works the same on Node 20 (paths) and 21+ (globs).
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

function collect(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) collect(path, out)
    else if (name.endsWith('.test.ts')) out.push(path)
  }
  return out
}

const args = process.argv.slice(2)
const LINTED = ['src', 'test', 'bench', 'examples', 'scripts']
const files = args.length > 0 ? args.flatMap((p) => (statSync(p).isDirectory() ? collect(p, []) : [p])) : collect('test', [])
if (files.length === 0) {
  console.error('run-tests: no test files found')
  process.exit(1)
}

// The whole-suite run (npm test, CI) also type-checks; a run of chosen files skips it for speed.
const typecheck = args.length > 0 ? { status: 0 } : spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], { stdio: 'inherit' })
if (typecheck.status !== 0) {
  console.error('run-tests: type check failed')
  process.exit(typecheck.status ?? 1)
}

// ...and lints with type-aware rules (oxlint + oxlint-tsgolint, rules in .oxlintrc.json): zero warnings.
if (args.length === 0) {
  const lint = spawnSync('npx', ['oxlint', '--type-aware', '--deny-warnings', ...LINTED], { stdio: 'inherit' })
  if (lint.status !== 0) {
    console.error('run-tests: lint failed (npm run lint shows the same; rules in .oxlintrc.json)')
    process.exit(lint.status ?? 1)
  }
}

// The whole-suite run also gates src/domain's coverage by its own unit tests (test/domain): the pure core is
// where every branch is cheap to test, so untested domain code fails the build. The other files run after it.
const nodeTest = (concurrency) => ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=240000']
let rest = files
if (args.length === 0) {
  const domain = files.filter((f) => f.startsWith(join('test', 'domain')))
  rest = files.filter((f) => !domain.includes(f))
  const gate = spawnSync(
    'npx',
    ['c8', '--check-coverage', '--lines=98', '--branches=90', '--functions=95', '--include=src/domain/**', '--reporter=text-summary', '--reports-dir=coverage/domain', process.execPath, ...nodeTest('4'), ...domain],
    { stdio: 'inherit' },
  )
  if (gate.status !== 0) {
    console.error('run-tests: the domain unit tests failed, or src/domain coverage is under the gate (lines 98 %, branches 90 %, functions 95 %)')
    process.exit(gate.status ?? 1)
  }
}

// Files are I/O bound (servers, Redis, browsers), so run several at once even on 2 cores.
const result = spawnSync(process.execPath, [...nodeTest(process.env.HERALD_TEST_CONCURRENCY ?? '4'), ...rest], { stdio: 'inherit' })
process.exit(result.status ?? 1)
