import { Counter, type Registry } from 'prom-client'

/**
 * A Prometheus counter whose running total another part owns (the hub, the webhook sender): `read` is called at
 * each scrape and the value copied (reset + inc of a total that only grows is exact), so the owner keeps a plain
 * field increment on its own path and pays nothing for metrics.
 */
export function copiedCounter(registry: Registry, name: string, help: string, read: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset()
      this.inc(read())
    },
  })
}
