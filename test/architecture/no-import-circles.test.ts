// No two source files may import each other, even through others and even for types only: a circle
// means neither file can be understood, tested or replaced alone (a port that imports its own
// implementation was one). The finder is also run on a bad sample, so the test can fail.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findImportReferences } from './scan-imports.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : []
  })
}

/** Each file's relative imports, resolved to `.ts` paths. */
function graphOf(files: readonly string[], read: (file: string) => string): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const targets = findImportReferences(read(file))
      .map((r) => r.specifier)
      .filter((s): s is string => s !== null && s.startsWith('.'))
      .map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'))
    graph.set(file, targets)
  }
  return graph
}

/** One circle per strongly connected group of files (Tarjan), each as its files, sorted. */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string): void => {
    index.set(v, index.size)
    low.set(v, index.get(v)!)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) !== index.get(v)) return
    const group: string[] = []
    let w: string | undefined
    do {
      w = stack.pop()!
      onStack.delete(w)
      group.push(relative(root, w))
    } while (w !== v)
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(group.sort())
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return found
}

test('no import circles among the files of src', () => {
  const files = sources(join(root, 'src'))
  assert.ok(files.length > 50, `expected the sources under src, found ${files.length}`)
  assert.deepEqual(circles(graphOf(files, (f) => readFileSync(f, 'utf8'))), [])
})

test('a port importing its implementation is reported as a circle', () => {
  const port = join(root, 'src/domain/realtime/sample-port.ts')
  const impl = join(root, 'src/domain/realtime/sample-impl.ts')
  const other = join(root, 'src/domain/realtime/sample-other.ts')
  const text = new Map([
    [port, "import type { Thing } from './sample-impl.js'\n"],
    [impl, "import type { Port } from './sample-port.js'\nimport { x } from './sample-other.js'\n"],
    [other, "export const x = 1\n"],
  ])
  const found = circles(graphOf([port, impl, other], (f) => text.get(f) ?? ''))
  assert.deepEqual(found, [['src/domain/realtime/sample-impl.ts', 'src/domain/realtime/sample-port.ts']])
})
