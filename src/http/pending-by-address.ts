/**
 * Counts unfinished work (HTTP requests not yet answered, WebSocket upgrades not yet accepted) per client
 * address and refuses past a cap, so one address cannot hold an unbounded share of the server's sockets
 * and buffers before anything of it is authenticated.
 */
export class PendingByAddress {
  readonly #max: number
  readonly #pending = new Map<string, number>()
  #total = 0
  #refused = 0

  /** @param max most unfinished items per address; 0 for no cap (items are still counted). */
  constructor(max: number) {
    this.#max = max
  }

  /** Unfinished items across all addresses. */
  get pending(): number {
    return this.#total
  }

  /** Items refused because their address was at the cap. */
  get refused(): number {
    return this.#refused
  }

  /** True when `address` is at the cap: {@link tryAcquire} would refuse it (nothing is counted). */
  atCap(address: string): boolean {
    return this.#max > 0 && (this.#pending.get(address) ?? 0) >= this.#max
  }

  /** Counts one more item for `address`, or returns false (and counts a refusal) when it is at the cap. */
  tryAcquire(address: string): boolean {
    const current = this.#pending.get(address) ?? 0
    if (this.#max > 0 && current >= this.#max) {
      this.#refused++
      return false
    }
    this.#pending.set(address, current + 1)
    this.#total++
    return true
  }

  /** The item of `address` finished; call once per successful {@link tryAcquire}. */
  release(address: string): void {
    const current = this.#pending.get(address)
    if (current === undefined) return
    // Addresses with nothing pending are forgotten, so the map holds only addresses with live work.
    if (current <= 1) this.#pending.delete(address)
    else this.#pending.set(address, current - 1)
    this.#total--
  }
}
