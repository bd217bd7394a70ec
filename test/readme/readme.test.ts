// Keeps the README true: its code snippets are the files the tests run, and its tables name every
// environment variable and driver the code knows.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { DRIVER_NAMES } from '../../src/config/schema.js'
import { ENV_TABLE } from '../../src/config/env.js'

const root = new URL('../../', import.meta.url)
const readme = readFileSync(new URL('README.md', root), 'utf8')

/** The file as the README shows it: repo-relative imports become the package names their comment gives. */
export function asReadmeSnippet(source: string): string {
  return source.replace(/'[./]+[^']*' \/\/ in your app: from '([^']+)'/g, "'$1'").trimEnd()
}

/** Every `<!-- snippet: path -->` marker with the fenced block that follows it. */
export function snippetsOf(markdown: string): Array<{ path: string; code: string }> {
  const found: Array<{ path: string; code: string }> = []
  const marker = /<!-- snippet: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g
  for (const match of markdown.matchAll(marker)) found.push({ path: match[1]!, code: match[2]!.trimEnd() })
  return found
}

describe('README', () => {
  test('the snippet matcher finds marked blocks and rewrites relative imports (so the checks below can fail)', () => {
    const md = "<!-- snippet: a.ts -->\n```ts\nimport x from 'herald'\n```\n"
    assert.deepEqual(snippetsOf(md), [{ path: 'a.ts', code: "import x from 'herald'" }])
    assert.equal(asReadmeSnippet("import x from '../src/index.js' // in your app: from 'herald'\n"), "import x from 'herald'")
  })

  test('every marked snippet is exactly the tested file it names', () => {
    const snippets = snippetsOf(readme)
    assert.ok(snippets.length >= 4, `expected at least 4 marked snippets, found ${snippets.length}`)
    for (const { path, code } of snippets) {
      const file = asReadmeSnippet(readFileSync(new URL(path, root), 'utf8'))
      assert.equal(code, file, `README snippet for ${path} differs from the file: copy the file into the README again`)
    }
  })

  test('names the two commands, and .ci/run runs the same test command', () => {
    assert.match(readme, /^npm start\b/m)
    assert.match(readme, /^npm test\b/m)
    const ci = readFileSync(new URL('.ci/run', root), 'utf8')
    assert.match(ci, /^npm test$/m)
  })

  test('the config table lists every environment variable Herald reads', () => {
    for (const { env } of ENV_TABLE) assert.ok(readme.includes(`\`${env}\``), `README does not mention ${env}`)
  })

  test('the driver table lists every driver', () => {
    for (const driver of DRIVER_NAMES) assert.match(readme, new RegExp(`^\\| \`${driver}\` \\|`, 'm'), `README's driver table lacks ${driver}`)
  })
})
