/** Median, min and max of a set of runs; NaN-free (empty → NaN everywhere). */
export interface Summary {
  median: number
  min: number
  max: number
  runs: number[]
}

export function summarize(values: readonly number[]): Summary {
  const runs = values.filter((v) => Number.isFinite(v))
  if (runs.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: [] }
  const sorted = [...runs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, runs }
}
