/**
 * Write coalescing for the sockets of one server (one instance per {@link ConnectionHandler}, never shared).
 *
 * On loopback and in a LAN most of a fan-out delivery's cost is the kernel's work per write syscall, so frames
 * that leave a socket together cost far less than frames that leave one by one. But a frame held back is latency,
 * so frames are held only on evidence that more events are queued behind them (a backlog):
 * - A turn of the event loop that begins after the loop sat idle writes each socket's first frame at once: a lone
 *   event, and the first event after an idle gap, get no added latency however many sockets it goes to.
 * - Every turn that wrote is followed by one loop iteration that does not block (an immediate is pending), so it
 *   brings only I/O that was already waiting: events that queued up behind the fan-out. A turn started there is a
 *   backlog turn, and its sockets cork from their first frame.
 * - A socket's second frame in one turn corks it too (two events were read in one turn: they had queued up).
 * - Corked sockets stay corked while backlog turns follow each other, so the queued events leave in one write
 *   per socket, and leave at the end of the first turn that brings no more. Within a turn that gave no socket a
 *   second frame, sockets corked more than {@link SliceAfterMs} ago are released every few sends, in the order
 *   they were corked, so in a fan-out to thousands the first sockets leave while the loop still writes to the
 *   last. Across turns, no socket stays corked past {@link MaxHoldMs}.
 * One shared `setImmediate` per turn: no timer or closure per socket.
 */

/** Something holding corked writes until its release (a subscriber and its socket). */
export interface Batched {
  /** Lets the corked frames go. Called once per {@link WriteBatcher.add}, perhaps after the socket closed. */
  flush(): void
}

/**
 * A socket corked longer than this is released at the end of the turn, even while events keep queuing. Measured
 * with `npm run bench` (fan-out, latency 1000 × 200 ev/s): it bounds the latency a batch adds, and a saturated
 * server still writes several events per syscall.
 */
export const MaxHoldMs = 2

/**
 * In a turn that corks from the first frame but gives no socket a second one (yet), a socket corked this long
 * ago is released at once (checked every {@link CHECK_EVERY} sends): no socket waits for the whole of a long fan-out.
 */
export const SliceAfterMs = 1

/** The clock is read every this many sends while sockets are corked (a power of two). */
const CHECK_EVERY = 64
/** Released entries at the front of the queue are dropped once there are this many and they are most of it. */
const COMPACT_AFTER = 1024

export interface WriteBatcherOptions {
  /** Milliseconds, monotonic (tests pass a fake). */
  readonly now?: () => number
}

export class WriteBatcher {
  readonly #now: () => number
  #turn = 1
  #scheduled = false
  /** Corked sockets in the order they were corked, from #head on, with when each was corked. */
  #queue: Batched[] = []
  #queuedAt: number[] = []
  #head = 0
  /** In this turn, a socket got a frame while it held (or was about to hold) another. */
  #gathered = false
  /** The loop has not blocked since the last turn that wrote: a turn starting now had its I/O queued. */
  #watching = false
  /** This turn's I/O was queued behind the previous one: sockets cork from their first frame. */
  #backlog = false
  /** Releases a batch that nothing joined any more, {@link MaxHoldMs} after its first cork. */
  #hold: NodeJS.Timeout | undefined
  #sends = 0
  readonly #endOfTurn = (): void => this.#onEndOfTurn()
  readonly #endOfWatch = (): void => this.#onEndOfWatch()
  readonly #endOfHold = (): void => {
    this.#hold = undefined
    this.#releaseCorkedBefore(Number.POSITIVE_INFINITY)
  }

  constructor(options: WriteBatcherOptions = {}) {
    this.#now = options.now ?? (() => performance.now())
  }

  /**
   * The number of the current turn (a turn in which this is called gets a new number after it). A socket that
   * sends twice with the same number is sending twice in one turn.
   */
  currentTurn(): number {
    if (!this.#scheduled) {
      this.#scheduled = true
      this.#backlog = this.#watching
      setImmediate(this.#endOfTurn)
    }
    return this.#turn
  }

  /** True in a turn whose events queued up behind the previous fan-out: a socket should cork from its first frame. */
  get holding(): boolean {
    return this.#backlog || this.#hold !== undefined
  }

  /** Notes that a socket got a frame while it held (or was about to hold) another: evidence of a backlog. */
  noteGathered(): void {
    this.#gathered = true
  }

  /** Queues a socket that was just corked; `item.flush()` is called when the batch is released. */
  add(item: Batched): void {
    this.currentTurn()
    this.#queue.push(item)
    this.#queuedAt.push(this.#now())
  }

  /** Called after each send: now and then, releases the sockets corked longest ago (see the module comment). */
  afterSend(): void {
    if ((++this.#sends & (CHECK_EVERY - 1)) === 0 && !this.#gathered && this.#head < this.#queue.length) {
      this.#releaseCorkedBefore(this.#now() - SliceAfterMs)
    }
  }

  #onEndOfTurn(): void {
    this.#scheduled = false
    this.#turn++
    const continued = this.#backlog || this.#gathered
    this.#gathered = false
    this.#backlog = false
    // The next iteration's poll does not block while this immediate is pending: what it brings was queued already.
    this.#watching = true
    setImmediate(this.#endOfWatch)
    if (this.#head === this.#queue.length) return
    // Hold on while turns follow each other with queued events; a turn that brought none ends the batch.
    this.#releaseCorkedBefore(continued ? this.#now() - MaxHoldMs : Number.POSITIVE_INFINITY)
  }

  #onEndOfWatch(): void {
    this.#watching = false
    // A turn started in the iteration after the last one (its end handles the batch), or the batch is empty.
    if (this.#scheduled || this.#head === this.#queue.length || this.#hold !== undefined) return
    // Nothing was queued: the loop is idle. The batch waits for events arriving soon after, until its oldest
    // socket was corked MaxHoldMs ago.
    const wait = (this.#queuedAt[this.#head] as number) + MaxHoldMs - this.#now()
    if (wait > 0) this.#hold = setTimeout(this.#endOfHold, wait)
    else this.#releaseCorkedBefore(Number.POSITIVE_INFINITY)
  }

  #releaseCorkedBefore(time: number): void {
    const queue = this.#queue
    const at = this.#queuedAt
    let i = this.#head
    while (i < queue.length && (at[i] as number) <= time) (queue[i++] as Batched).flush()
    if (i === queue.length) {
      this.#queue = []
      this.#queuedAt = []
      this.#head = 0
      if (this.#hold !== undefined) {
        clearTimeout(this.#hold)
        this.#hold = undefined
      }
    } else if (i > COMPACT_AFTER && i * 2 > queue.length) {
      // A long fan-out released in slices must not keep every socket it released.
      this.#queue = queue.slice(i)
      this.#queuedAt = at.slice(i)
      this.#head = 0
    } else {
      this.#head = i
    }
  }
}
