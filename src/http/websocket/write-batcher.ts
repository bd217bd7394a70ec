/**
 * Write coalescing for the sockets of one server (one instance per {@link ConnectionHandler}, never shared).
 *
 * On loopback and in a LAN most of a fan-out delivery's cost is the kernel's work per write syscall (and the
 * wake-up of the reader it causes), so frames that leave a socket together cost far less than frames that leave
 * one by one, for the server and for its clients. The rules, from lightest load to heaviest:
 * - A socket's first frame in a turn is written at once, so a lone event on an idle server gets no added latency.
 * - A socket's second frame in the same turn corks it: the rest of that turn's frames leave in one `writev`.
 * - A release in which some socket let go of more than one frame was worth it. A turn that starts right after
 *   such a release, before the loop went idle (the events had queued up behind the fan-out), is a turn under load:
 *   sockets cork from their first frame and the release waits {@link HoldMs} past the end of the turn, so the
 *   frames of the next turns leave in the same syscall. A hold that gathered one frame per socket ends the load:
 *   two events that happen to arrive together on a lightly loaded server cost at most one held event.
 * - In a turn under load that has given no socket a second frame (yet), sockets corked more than
 *   {@link SliceAfterMs} ago are released every few sends, in the order they were corked: in a very long fan-out
 *   the first sockets leave while the loop still writes to the last, instead of after the whole loop and the
 *   hold. Once a socket gets a second frame in the turn, the turn's sockets wait for its end: the events had
 *   queued up, and leaving together is what makes a saturated server cheap.
 * One shared `setImmediate` per turn and one timer per hold: nothing per socket.
 */

/** Something holding corked writes until its release (a subscriber and its socket). */
export interface Batched {
  /** Lets the corked frames go. Called once per {@link WriteBatcher.add}, perhaps after the socket closed. */
  flush(): void
}

/**
 * Under load, corked frames are held this long past the end of the turn that corked them. Measured with
 * `npm run bench` (fan-out and cluster): 2 ms roughly halves the syscalls per delivery of a saturated server,
 * while publish→receive latency near saturation stays the same or improves (less CPU per event means shorter
 * queues, at the server and at its clients). An idle server never holds.
 */
export const HoldMs = 2

/**
 * In a turn under load that gave no socket a second frame, a socket corked this long ago is released at once
 * (checked every {@link CHECK_EVERY} sends), so no socket waits for the whole of a very long fan-out. Measured with
 * `npm run bench` (fan-out, N=5000, clients sharing a core): releasing after 1 ms or 5 ms cost the coalescing that
 * the clients depend on (2.5× and 1.7× the server CPU per delivery, a third of the deliveries/s), so this bound is
 * set above the corked loop of a few thousand sockets (1–3 ms) and only cuts loops far longer than that.
 */
export const SliceAfterMs = 20

/** The clock is read every this many sends while sockets are corked (a power of two). */
const CHECK_EVERY = 64
/** Released entries at the front of the queue are dropped once there are this many and they are most of it. */
const COMPACT_AFTER = 1024

export interface WriteBatcherOptions {
  /** Milliseconds, monotonic, for the progressive release (tests pass a fake). */
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
  /** Since the last release, some socket got a frame while it already held one. */
  #gathered = false
  /** The same, in the current turn. */
  #gatheredThisTurn = false
  /** The last release let go of gathered frames and the loop has not been idle since. */
  #loaded = false
  #turnStartedLoaded = false
  #hold: NodeJS.Timeout | undefined
  #sends = 0
  readonly #endOfTurn = (): void => this.#onEndOfTurn()
  readonly #release = (): void => this.#releaseAll()
  readonly #settle = (): void => {
    this.#loaded = false
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
      this.#turnStartedLoaded = this.holding
      setImmediate(this.#endOfTurn)
    }
    return this.#turn
  }

  /** True when sockets should cork from their first frame: the server is under load (see the module comment). */
  get holding(): boolean {
    return this.#loaded || this.#hold !== undefined
  }

  /** Notes that a socket got a frame while it held (or was about to hold) another: the release is worth it. */
  noteGathered(): void {
    this.#gathered = true
    this.#gatheredThisTurn = true
  }

  /** Queues a socket that was just corked; `item.flush()` is called when its batch is released. */
  add(item: Batched): void {
    this.currentTurn()
    this.#queue.push(item)
    this.#queuedAt.push(this.#now())
  }

  /** Called after each send: now and then, releases the sockets corked longest ago (see the module comment). */
  afterSend(): void {
    if ((++this.#sends & (CHECK_EVERY - 1)) === 0 && !this.#gatheredThisTurn && this.#head < this.#queue.length) {
      this.#releaseCorkedBefore(this.#now() - SliceAfterMs)
    }
  }

  #onEndOfTurn(): void {
    this.#scheduled = false
    this.#turn++
    this.#gatheredThisTurn = false
    if (this.#hold !== undefined) return
    if (this.#turnStartedLoaded && this.#head < this.#queue.length) this.#hold = setTimeout(this.#release, HoldMs)
    else this.#releaseAll()
  }

  #releaseAll(): void {
    if (this.#hold !== undefined) {
      clearTimeout(this.#hold)
      this.#hold = undefined
    }
    const worthIt = this.#gathered
    this.#gathered = false
    this.#releaseCorkedBefore(Number.POSITIVE_INFINITY)
    if (worthIt && !this.#loaded) {
      this.#loaded = true
      // Runs in the next iteration's check phase: a turn whose I/O arrives before it is a turn under load.
      setImmediate(this.#settle)
    }
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
