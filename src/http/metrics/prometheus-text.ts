/** One metric family in the Prometheus text exposition format (version 0.0.4). */
export interface MetricFamily {
  readonly name: string
  readonly help: string
  readonly type: 'counter' | 'gauge'
  readonly samples: readonly MetricSample[]
}

/** One sample: labels (may be empty) and a value. */
export interface MetricSample {
  readonly labels?: Readonly<Record<string, string>>
  readonly value: number
}

/** The content type Prometheus expects for this format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

// Label values escape backslash, double quote and newline; HELP text escapes backslash and newline.
const escapeLabel = (v: string): string => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')
const escapeHelp = (v: string): string => v.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')

function formatValue(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf'
  if (v === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(v)
}

function sampleLine(name: string, sample: MetricSample): string {
  const labels = Object.entries(sample.labels ?? {})
  const rendered = labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`
  return `${name}${rendered} ${formatValue(sample.value)}`
}

/** Renders families as Prometheus text: `# HELP`, `# TYPE`, then one line per sample. */
export function renderPrometheusText(families: readonly MetricFamily[]): string {
  const lines: string[] = []
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`)
    for (const sample of f.samples) lines.push(sampleLine(f.name, sample))
  }
  return `${lines.join('\n')}\n`
}
