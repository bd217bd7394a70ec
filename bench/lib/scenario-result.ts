import type { HistogramData } from './histogram.js'
import type { Summary } from './stats.js'

/** A table column: `ratio` adds a "÷ ws-baseline" column right after it. */
export interface Column {
  key: string
  title: string
  digits: number
  ratio?: boolean
}

/** One table row: a target in a group (e.g. "N=1000"), medians of its runs. */
export interface Row {
  group: string
  target: string
  metrics: Record<string, Summary>
  /** Why the row has no numbers, or a caveat (lost deliveries, closed sockets). */
  note?: string
}

export interface ScenarioResult {
  id: string
  title: string
  description: string
  columns: Column[]
  rows: Row[]
  notes: string[]
  /** Merged latency distributions to plot, keyed "group · target". */
  distributions?: Record<string, HistogramData>
}

/** Options every scenario receives. */
export interface ScenarioContext {
  targets: readonly string[]
  runs: number
  log: (line: string) => void
}
