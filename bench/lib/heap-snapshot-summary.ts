import { readFileSync } from 'node:fs'

/** Count and self size per "type:name" node of a V8 heap snapshot. */
export type HeapSummary = Map<string, { count: number; size: number }>

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
  nodes: number[]
  strings: string[]
}

export function summarizeHeapSnapshot(file: string): HeapSummary {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot
  const fields = snap.snapshot.meta.node_fields
  const types = snap.snapshot.meta.node_types[0]
  const [width, typeAt, nameAt, sizeAt] = [fields.length, fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')]
  const summary: HeapSummary = new Map()
  for (let i = 0; i < snap.nodes.length; i += width) {
    const key = `${types[snap.nodes[i + typeAt] ?? 0]}:${(snap.strings[snap.nodes[i + nameAt] ?? 0] ?? '').slice(0, 60)}`
    const entry = summary.get(key) ?? { count: 0, size: 0 }
    entry.count++
    entry.size += snap.nodes[i + sizeAt] ?? 0
    summary.set(key, entry)
  }
  return summary
}

/** Markdown table of what grew between two snapshots, per connection, biggest first. */
export function heapGrowthMarkdown(before: HeapSummary, after: HeapSummary, connections: number, top: number): string {
  const rows = [...after]
    .map(([key, v]) => ({ key, count: v.count - (before.get(key)?.count ?? 0), size: v.size - (before.get(key)?.size ?? 0) }))
    .sort((a, b) => b.size - a.size)
    .slice(0, top)
  const lines = ['| bytes/conn | objects/conn | type:name |', '| ---: | ---: | --- |']
  for (const r of rows) lines.push(`| ${(r.size / connections).toFixed(0)} | ${(r.count / connections).toFixed(2)} | \`${r.key.replaceAll('|', '\\|')}\` |`)
  return lines.join('\n')
}
