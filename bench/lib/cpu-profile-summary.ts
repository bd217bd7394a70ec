import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) this summary reads. */
export interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

export interface SelfTimeEntry {
  name: string
  location: string
  selfMs: number
  percent: number
}

const root = fileURLToPath(new URL('../../', import.meta.url))

/** A short location: repo-relative path or package name, plus line. */
function where(url: string, line: number): string {
  if (url === '') return '(native)'
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  const nm = path.lastIndexOf('node_modules/')
  const short = nm >= 0 ? path.slice(nm + 'node_modules/'.length) : path.startsWith(root) ? relative(root, path) : path
  return `${short}:${line + 1}`
}

/** Self time per function (summed over identical name+location), and per file/package, highest first. */
export function summarizeProfile(profile: CpuProfile): { functions: SelfTimeEntry[]; files: SelfTimeEntry[]; totalMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const selfMicros = new Map<number, number>()
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const total = [...selfMicros.values()].reduce((a, b) => a + b, 0)
  const functions = new Map<string, SelfTimeEntry>()
  const files = new Map<string, SelfTimeEntry>()
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id)
    if (node === undefined) continue
    const name = node.callFrame.functionName || '(anonymous)'
    const location = where(node.callFrame.url, node.callFrame.lineNumber)
    const fn = functions.get(`${name}@${location}`) ?? { name, location, selfMs: 0, percent: 0 }
    fn.selfMs += micros / 1000
    functions.set(`${name}@${location}`, fn)
    const file = location.replace(/:\d+$/, '')
    const byFile = files.get(file) ?? { name: file, location: '', selfMs: 0, percent: 0 }
    byFile.selfMs += micros / 1000
    files.set(file, byFile)
  }
  const finish = (m: Map<string, SelfTimeEntry>): SelfTimeEntry[] =>
    [...m.values()].map((e) => ({ ...e, percent: total > 0 ? (e.selfMs * 1000 * 100) / total : 0 })).sort((a, b) => b.selfMs - a.selfMs)
  return { functions: finish(functions), files: finish(files), totalMs: total / 1000 }
}

export function profileMarkdown(title: string, summary: ReturnType<typeof summarizeProfile>, top: number): string {
  const lines = [`### ${title}`, '', `Sampled ${summary.totalMs.toFixed(0)} ms of CPU (main thread). Self time, highest first.`, '', '| self ms | % | function | where |', '| ---: | ---: | --- | --- |']
  for (const f of summary.functions.slice(0, top)) lines.push(`| ${f.selfMs.toFixed(1)} | ${f.percent.toFixed(1)} | \`${f.name}\` | ${f.location} |`)
  lines.push('', '| self ms | % | file / package |', '| ---: | ---: | --- |')
  for (const f of summary.files.slice(0, 15)) lines.push(`| ${f.selfMs.toFixed(1)} | ${f.percent.toFixed(1)} | ${f.name} |`)
  return lines.join('\n')
}
