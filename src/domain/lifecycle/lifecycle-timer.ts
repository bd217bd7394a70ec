/** Schedules a callback; returns what cancels it. A port so the delay and batching logic is tested without real time. */
export type ScheduleTimer = (run: () => void, ms: number) => () => void

/** `setTimeout` that does not keep the process alive, cancelled with `clearTimeout`. */
export const defaultScheduleTimer: ScheduleTimer = (run, ms) => {
  const handle = setTimeout(run, ms)
  ;(handle as { unref?: () => void }).unref?.()
  return () => clearTimeout(handle)
}
