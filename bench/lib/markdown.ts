import type { ScenarioResult, Row } from './scenario-result.js'
import { ReferenceTarget } from './targets.js'

function fmt(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '–'
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

function cell(row: Row, key: string, digits: number): string {
  const s = row.metrics[key]
  if (s === undefined || s.runs.length === 0) return '–'
  if (s.runs.length === 1) return fmt(s.median, digits)
  return `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`
}

function ratio(row: Row, reference: Row | undefined, key: string): string {
  const a = row.metrics[key]?.median
  const b = reference?.metrics[key]?.median
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '–'
  return `${(a / b).toFixed(2)}×`
}

/** One Markdown table per scenario: median (min–max) per metric and a ratio to ws-baseline beside the key ones. */
export function scenarioMarkdown(result: ScenarioResult, runs: number): string {
  const header = ['', 'server']
  for (const c of result.columns) {
    header.push(c.title)
    if (c.ratio === true) header.push(`÷ ${ReferenceTarget}`)
  }
  header.push('note')
  const lines = [`### ${result.title}`, '', result.description, `Median of ${runs} runs (min–max).`, '', `| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 2 || i === header.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`]
  for (const row of result.rows) {
    const reference = result.rows.find((r) => r.group === row.group && r.target === ReferenceTarget) ?? result.rows.find((r) => r.target === ReferenceTarget)
    const cells = [row.group, row.target]
    for (const c of result.columns) {
      cells.push(cell(row, c.key, c.digits))
      if (c.ratio === true) cells.push(ratio(row, reference, c.key))
    }
    cells.push(row.note ?? '')
    lines.push(`| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`)
  }
  for (const note of result.notes) lines.push('', note)
  return lines.join('\n')
}
