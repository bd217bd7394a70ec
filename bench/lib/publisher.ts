import { Agent, request } from 'node:http'
import { createHash, createHmac } from 'node:crypto'
import { BenchApp } from './bench-config.js'

/**
 * Publishes through the Pusher HTTP API (`POST /apps/:id/events`), signed exactly as the `pusher` SDK signs
 * (auth_key, auth_timestamp, auth_version, body_md5, sorted, HMAC-SHA256) over one keep-alive connection pool.
 * Hand-rolled instead of the SDK so the publisher's own overhead stays small and equal for every target.
 */
export class Publisher {
  readonly #host: string
  readonly #port: number
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 8 })

  constructor(host: string, port: number) {
    this.#host = host
    this.#port = port
  }

  /** Resolves when the server answered 200; rejects with the status and body otherwise. */
  publish(channels: readonly string[], name: string, data: string): Promise<void> {
    const body = JSON.stringify({ name, data, channels })
    const path = `/apps/${BenchApp.id}/events`
    const params = `auth_key=${BenchApp.key}&auth_timestamp=${Math.floor(Date.now() / 1000)}&auth_version=1.0&body_md5=${createHash('md5').update(body).digest('hex')}`
    const signature = createHmac('sha256', BenchApp.secret).update(`POST\n${path}\n${params}`).digest('hex')
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.#host,
          port: this.#port,
          method: 'POST',
          path: `${path}?${params}&auth_signature=${signature}`,
          agent: this.#agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            if (res.statusCode === 200) resolve()
            else reject(new Error(`publish to ${this.#host}:${this.#port} got HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`))
          })
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  }

  close(): void {
    this.#agent.destroy()
  }
}
