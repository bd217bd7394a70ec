import type { ScheduleTimer } from '../../../src/domain/lifecycle/lifecycle-timer.js'

/** A {@link ScheduleTimer} run by hand: `advance(ms)` fires what is due, in order. */
export class ManualTimers {
  now = 0
  readonly #timers: { at: number; run: () => void; cancelled: boolean }[] = []

  readonly schedule: ScheduleTimer = (run, ms) => {
    const timer = { at: this.now + ms, run, cancelled: false }
    this.#timers.push(timer)
    return () => {
      timer.cancelled = true
    }
  }

  /** Timers scheduled and not yet fired or cancelled. */
  get active(): number {
    return this.#timers.filter((t) => !t.cancelled).length
  }

  advance(ms: number): void {
    this.now += ms
    for (;;) {
      const due = this.#timers.filter((t) => !t.cancelled && t.at <= this.now).sort((a, b) => a.at - b.at)[0]
      if (due === undefined) return
      due.cancelled = true
      due.run()
    }
  }
}
