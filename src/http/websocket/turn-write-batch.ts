/**
 * Per-event-loop-turn write batching shared by every socket of the process.
 *
 * On loopback most of a fan-out delivery's cost is the kernel's work in one `writev` per frame. When a
 * socket gets a second frame in the same turn (events published together, a reply after a broadcast),
 * corking it lets all of that turn's frames leave in one syscall. Every socket corked in a turn is
 * uncorked by the same `setImmediate`: one shared list, no timer or closure per socket.
 */

/** Something holding corked writes until the end of the turn (a subscriber and its socket). */
export interface EndOfTurn {
  /** Releases what was held this turn. Called once per deferral, after the turn's I/O callbacks. */
  endTurn(): void
}

let turn = 1
let scheduled = false
let deferred: EndOfTurn[] = []

function endOfTurn(): void {
  scheduled = false
  turn++
  const due = deferred
  deferred = []
  for (const item of due) item.endTurn()
}

/**
 * The number of the current turn (any turn in which this is called gets a new number after it). A socket
 * that sends twice with the same number is sending twice in one turn.
 */
export function currentTurn(): number {
  if (!scheduled) {
    scheduled = true
    setImmediate(endOfTurn)
  }
  return turn
}

/** Calls `item.endTurn()` once this turn is over (same `setImmediate` as every other socket's). */
export function deferToEndOfTurn(item: EndOfTurn): void {
  currentTurn()
  deferred.push(item)
}
