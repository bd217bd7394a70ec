/**
 * Write coalescing shared by every socket of the process, by event-loop turn.
 *
 * On loopback most of a fan-out delivery's cost is the kernel's work per write syscall (and the wake-up of the
 * reader it causes), so frames that leave a socket together cost far less than frames that leave one by one.
 * The rules, from lightest load to heaviest:
 * - A socket's first frame in a turn is written at once, so a lone event on an idle server gets no added latency.
 * - A socket's second frame in the same turn corks it: the rest of that turn's frames leave in one `writev`.
 * - Under load, that is when a turn starts right after a turn that released corked frames (the loop never went
 *   idle), every socket is corked from its first frame and the release waits up to {@link LoadedHoldMs} so the
 *   next turns' frames join the same syscall. A lone event never waits: the loop was idle before it.
 * Every corked socket is released by one shared `setImmediate` or timer: no timer or closure per socket.
 */

/** Something holding corked writes until its release (a subscriber and its socket). */
export interface EndOfTurn {
  /** Releases what was held. Called once per deferral, after the turn's I/O callbacks (later under load). */
  endTurn(): void
}

/**
 * Under load, corked frames are held this long past the end of the turn that corked them. Measured with
 * `npm run bench` (fan-out and cluster): 2 ms roughly halves the syscalls per delivery of a saturated server,
 * while publish→receive latency near saturation stays the same or improves (less CPU per event means shorter
 * queues). An idle server never holds.
 */
export const LoadedHoldMs = 2

let turn = 1
let scheduled = false
let corked: EndOfTurn[] = []
/** Frames were released by the previous turn and the loop has not been idle since. */
let loaded = false
let turnStartedLoaded = false
let hold: NodeJS.Timeout | undefined

function endOfTurn(): void {
  scheduled = false
  turn++
  if (hold !== undefined) return
  if (turnStartedLoaded && corked.length > 0) hold = setTimeout(release, LoadedHoldMs)
  else release()
}

function release(): void {
  if (hold !== undefined) {
    clearTimeout(hold)
    hold = undefined
  }
  const due = corked
  corked = []
  for (const item of due) item.endTurn()
  if (due.length > 0 && !loaded) {
    loaded = true
    // Runs in the next iteration's check phase: a turn whose I/O arrives before it is a turn under load.
    setImmediate(settle)
  }
}

function settle(): void {
  loaded = false
}

/**
 * The number of the current turn (any turn in which this is called gets a new number after it). A socket
 * that sends twice with the same number is sending twice in one turn.
 */
export function currentTurn(): number {
  if (!scheduled) {
    scheduled = true
    turnStartedLoaded = loaded || hold !== undefined
    setImmediate(endOfTurn)
  }
  return turn
}

/** True when sockets should cork from their first frame: the process is under load (see the module comment). */
export function isUnderLoad(): boolean {
  return loaded || hold !== undefined
}

/** Calls `item.endTurn()` once this turn is over, or after the hold under load (the same release for every socket). */
export function deferToEndOfTurn(item: EndOfTurn): void {
  currentTurn()
  corked.push(item)
}
