/**
 * A log-bucketed latency histogram (2 % resolution, 10 µs … ~100 s) that merges across processes by summing counts,
 * so client processes never ship raw samples.
 */
const Base = 1.02
const MinMicros = 10
const BucketCount = 820
const logBase = Math.log(Base)

export interface HistogramData {
  counts: number[]
  total: number
  maxMicros: number
}

export function createHistogram(): HistogramData {
  return { counts: Array.from<number>({ length: BucketCount }).fill(0), total: 0, maxMicros: 0 }
}

export function recordMicros(h: HistogramData, micros: number): void {
  const v = micros < MinMicros ? MinMicros : micros
  let i = Math.floor(Math.log(v / MinMicros) / logBase)
  if (i >= BucketCount) i = BucketCount - 1
  h.counts[i] = (h.counts[i] ?? 0) + 1
  h.total++
  if (micros > h.maxMicros) h.maxMicros = micros
}

export function mergeHistograms(target: HistogramData, source: HistogramData): void {
  for (let i = 0; i < BucketCount; i++) target.counts[i] = (target.counts[i] ?? 0) + (source.counts[i] ?? 0)
  target.total += source.total
  target.maxMicros = Math.max(target.maxMicros, source.maxMicros)
}

/** Upper edge of a bucket in microseconds. */
export function bucketUpperMicros(i: number): number {
  return MinMicros * Base ** (i + 1)
}

/** The `q` quantile (0..1) in milliseconds; the bucket's upper edge, capped by the exact maximum. */
export function quantileMs(h: HistogramData, q: number): number {
  if (h.total === 0) return Number.NaN
  const rank = Math.ceil(q * h.total)
  let seen = 0
  for (let i = 0; i < BucketCount; i++) {
    seen += h.counts[i] ?? 0
    if (seen >= rank) return Math.min(bucketUpperMicros(i), h.maxMicros) / 1000
  }
  return h.maxMicros / 1000
}

/** Points of the cumulative distribution for plotting: [latency ms, fraction ≤]. */
export function cdfPoints(h: HistogramData): Array<[number, number]> {
  const points: Array<[number, number]> = []
  let seen = 0
  for (let i = 0; i < BucketCount; i++) {
    const c = h.counts[i] ?? 0
    if (c === 0) continue
    seen += c
    points.push([Math.min(bucketUpperMicros(i), h.maxMicros) / 1000, seen / h.total])
  }
  return points
}
