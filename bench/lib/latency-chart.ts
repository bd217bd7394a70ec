import { cdfPoints, type HistogramData } from './histogram.js'

const palette = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf']

function axisLabel(ms: number): string {
  if (ms >= 1000) return `${ms / 1000} s`
  return ms >= 1 ? `${ms} ms` : `${ms.toFixed(Math.ceil(-Math.log10(ms)))} ms`
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

/**
 * Hand-written SVG: one panel per group (e.g. "50 ev/s"), each a latency CDF per server on a log-scaled x axis,
 * the y axis stretched towards the tail ("nines": 0, 90, 99, 99.9 %) where servers differ.
 */
export function latencyChartSvg(distributions: Record<string, HistogramData>, title: string): string {
  const groups = new Map<string, Array<[string, HistogramData]>>()
  for (const [key, h] of Object.entries(distributions)) {
    const [group = key, target = key] = key.split(' · ')
    if (!groups.has(group)) groups.set(group, [])
    groups.get(group)?.push([target, h])
  }
  const panelW = 520
  const panelH = 320
  const margin = { left: 60, right: 150, top: 40, bottom: 45 }
  const width = groups.size * (panelW + margin.left + margin.right)
  const height = panelH + margin.top + margin.bottom + 30
  const all = [...groups.values()].flat().filter(([, h]) => h.total > 0)
  const minMs = Math.max(0.01, Math.min(...all.map(([, h]) => cdfPoints(h)[0]?.[0] ?? 1)))
  const maxMs = Math.max(...all.map(([, h]) => h.maxMicros / 1000), minMs * 10)
  const lo = Math.floor(Math.log10(minMs))
  const hi = Math.ceil(Math.log10(maxMs))
  const nines = (f: number): number => Math.min(4, -Math.log10(Math.max(1e-4, 1 - f)))
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
  ]
  let panel = 0
  for (const [group, series] of groups) {
    const ox = panel++ * (panelW + margin.left + margin.right) + margin.left
    const oy = margin.top + 10
    const x = (ms: number): number => ox + ((Math.log10(Math.max(ms, 10 ** lo)) - lo) / (hi - lo)) * panelW
    const y = (f: number): number => oy + panelH - (nines(f) / 4) * panelH
    out.push(`<text x="${ox + panelW / 2}" y="${oy - 8}" text-anchor="middle" font-weight="bold">${escapeXml(group)}</text>`)
    out.push(`<rect x="${ox}" y="${oy}" width="${panelW}" height="${panelH}" fill="none" stroke="#999"/>`)
    for (let e = lo; e <= hi; e++) {
      const px = x(10 ** e)
      out.push(`<line x1="${px}" y1="${oy}" x2="${px}" y2="${oy + panelH}" stroke="#eee"/><text x="${px}" y="${oy + panelH + 16}" text-anchor="middle">${axisLabel(10 ** e)}</text>`)
    }
    for (const [f, label] of [[0, '0 %'], [0.5, '50 %'], [0.9, '90 %'], [0.99, '99 %'], [0.999, '99.9 %'], [0.9999, '99.99 %']] as const) {
      out.push(`<line x1="${ox}" y1="${y(f)}" x2="${ox + panelW}" y2="${y(f)}" stroke="#eee"/><text x="${ox - 6}" y="${y(f) + 4}" text-anchor="end">${label}</text>`)
    }
    out.push(`<text x="${ox + panelW / 2}" y="${oy + panelH + 34}" text-anchor="middle">publish → receive latency (log scale)</text>`)
    series.forEach(([target, h], i) => {
      const color = palette[i % palette.length] ?? '#000'
      const pts = cdfPoints(h).map(([ms, f]) => `${x(ms).toFixed(1)},${y(f).toFixed(1)}`)
      if (pts.length > 0) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>`)
      const ly = oy + 14 + i * 18
      out.push(`<line x1="${ox + panelW + 10}" y1="${ly - 4}" x2="${ox + panelW + 30}" y2="${ly - 4}" stroke="${color}" stroke-width="3"/><text x="${ox + panelW + 34}" y="${ly}">${escapeXml(target)}</text>`)
    })
  }
  out.push('</svg>')
  return out.join('\n')
}
