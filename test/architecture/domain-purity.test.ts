import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { blankComments, findDomainViolations, findImportReferences } from './scan-imports.js'

const domainRoot = resolve(fileURLToPath(new URL('../../src/domain', import.meta.url)))

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) sourceFiles(path, out)
    else if (/\.(?:[cm]?ts|[cm]?js|tsx)$/.test(name)) out.push(path)
  }
  return out
}

describe('src/domain imports nothing but itself and node:crypto', () => {
  it('every domain file passes', () => {
    const files = sourceFiles(domainRoot)
    // Guard against a scan that silently sees nothing (wrong root, renamed folder).
    assert.ok(files.length >= 15, `expected the domain's files under ${domainRoot}, found ${files.length}`)
    const violations = files.flatMap((file) => findDomainViolations(readFileSync(file, 'utf8'), file, domainRoot))
    const report = violations.map((v) => `  ${v.file.slice(domainRoot.length - 'src/domain'.length)}:${v.line} imports '${v.specifier}': ${v.reason}`)
    assert.deepEqual(report, [], `forbidden imports in src/domain:\n${report.join('\n')}`)
  })

  it('the scan does see the domain imports (node:crypto, relative)', () => {
    const refs = findImportReferences(readFileSync(join(domainRoot, 'auth/pusher-signature.ts'), 'utf8'))
    assert.deepEqual(
      refs.map((r) => r.specifier),
      ['node:crypto'],
    )
    const barrel = findImportReferences(readFileSync(join(domainRoot, 'index.ts'), 'utf8'))
    assert.ok(barrel.length >= 10 && barrel.every((r) => r.specifier?.startsWith('./')), 'the barrel re-exports relative modules')
  })
})

// A deliberately bad domain file: the scanner must name every forbidden reference and nothing else.
const badSample = `
import { createHmac } from 'node:crypto'
import { Channel } from './channels/channel.js'
import type { LoggerPort } from '../ports/logger-port.js'
import fs from 'fs'
import { connect } from 'node:net'
import type { FastifyInstance } from 'fastify'
import {
  container,
  injectable,
} from 'tsyringe'
import WebSocket from "ws"
import 'reflect-metadata'
export { Redis } from 'ioredis'
export * as Ably from 'ably'
import { createHash } from 'crypto'
import { thing } from '../../adapters/redis/redis-broadcaster.js'
// import banned from 'node:http' -- a comment is not an import
/* import 'node:child_process' */
const CHARS = /['"]\\/\\//g // a regex with quotes and slashes must not derail the scan
const url = 'http://example.com/x' // nor a string with a double slash
export const from = 'node:os'
const Pusher = await import('pusher')
const name = 'node:dgram'
const dynamic = await import(name)
const legacy = require('node:worker_threads')
type Sock = typeof import('node:tls')
`

describe('the import scanner', () => {
  const file = join(domainRoot, 'auth/bad-sample.ts')

  it('names each forbidden import with its line', () => {
    const found = findDomainViolations(badSample, file, domainRoot).map((v) => `${v.line} ${v.specifier}`)
    assert.deepEqual(found, [
      '5 fs',
      '6 node:net',
      '7 fastify',
      '8 tsyringe',
      '12 ws',
      '13 reflect-metadata',
      '14 ioredis',
      '15 ably',
      '16 crypto',
      '17 ../../adapters/redis/redis-broadcaster.js',
      '23 pusher',
      '25 <computed>',
      '26 node:worker_threads',
      '27 node:tls',
    ])
  })

  it('explains why', () => {
    const [escape] = findDomainViolations(`import x from '../../http/plugin.js'`, file, domainRoot)
    assert.equal(escape?.reason, 'relative import leaves src/domain')
    const [sdk] = findDomainViolations(`import Pusher from 'pusher'`, file, domainRoot)
    assert.match(sdk?.reason ?? '', /only itself and node:crypto/)
  })

  it('accepts a clean file', () => {
    assert.deepEqual(findDomainViolations(`import { a } from './a.js'\nexport * from '../b.js'\nimport { randomBytes } from 'node:crypto'\n`, file, domainRoot), [])
  })

  it('blanks comments but keeps line numbers and strings', () => {
    const code = blankComments(`a // x\n/* y\n z */ 'b // c'`)
    assert.equal(code.split('\n').length, 3)
    assert.ok(code.includes(`'b // c'`))
    assert.ok(!code.includes('x') && !code.includes('y'))
  })
})
