/**
 * Write coalescing shared by every socket of the process, by event-loop turn.
 *
 * On loopback most of a fan-out delivery's cost is the kernel's work per write syscall (and the wake-up of the
 * reader it causes), so frames that leave a socket together cost far less than frames that leave one by one.
 * The rules, from lightest load to heaviest:
 * - A socket's first frame in a turn is written at once, so a lone event on an idle server gets no added latency.
 * - A socket's second frame in the same turn corks it: the rest of that turn's frames leave in one `writev`.
 * - A release in which some socket let go of more than one frame was worth it. A turn that starts right after
 *   such a release (the loop never went idle in between) counts as under load: every socket is corked from its
 *   first frame and the release waits up to {@link LoadedHoldMs}, so the frames of the next turns leave in the same
 *   syscall. That is what coalesces events arriving one per turn back to back (a cluster server reading Redis).
 *   A hold that gathered one frame per socket ends the load: two events that happen to arrive together on a
 *   lightly loaded server cost at most one held event, not a chain of them.
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
/** Since the last release, some socket got a frame while it already held one. */
let gathered = false
/** The last release let go of gathered frames and the loop has not been idle since. */
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
  const worthIt = gathered
  corked = []
  gathered = false
  for (const item of due) item.endTurn()
  if (worthIt && !loaded) {
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

/** Notes that a socket got a frame while it held (or was about to hold) another: the release is worth it. */
export function noteGathered(): void {
  gathered = true
}

/** Calls `item.endTurn()` once this turn is over, or after the hold under load (the same release for every socket). */
export function deferToEndOfTurn(item: EndOfTurn): void {
  currentTurn()
  corked.push(item)
}
