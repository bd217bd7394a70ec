import WebSocket from 'ws'
import { waitFor } from '../../helpers/wait-for.js'

export interface Frame {
  event: string
  channel?: string
  data?: unknown
  user_id?: string
}

/** A bare `ws` client that records every frame, for protocol details pusher-js hides. */
export class RawClient {
  readonly ws: WebSocket
  readonly frames: Frame[] = []
  closed: { code: number; reason: string } | undefined

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers })
    this.ws.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as Frame))
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() }
    })
    this.ws.on('error', () => {})
  }

  static async connect(port: number, path = '/app/app-key?protocol=7&client=js&version=8.6.0', headers?: Record<string, string>): Promise<RawClient> {
    const client = new RawClient(`ws://127.0.0.1:${port}${path}`, headers)
    await client.next((f) => f.event === 'pusher:connection_established' || f.event === 'pusher:error', 'the handshake frame')
    return client
  }

  get socketId(): string {
    const established = this.frames.find((f) => f.event === 'pusher:connection_established')
    return (JSON.parse(String(established?.data)) as { socket_id: string }).socket_id
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** Waits for a frame (from index `from`) matching `predicate`. */
  async next(predicate: (f: Frame) => boolean, what: string, from = 0): Promise<Frame> {
    return waitFor(() => this.frames.slice(from).find(predicate), { what })
  }

  async waitClosed(what = 'the socket to close'): Promise<{ code: number; reason: string }> {
    return waitFor(() => this.closed, { what })
  }

  /** Data of a frame, parsed from its JSON string. */
  static data(f: Frame): Record<string, unknown> {
    return (typeof f.data === 'string' ? JSON.parse(f.data) : f.data) as Record<string, unknown>
  }

  close(): void {
    this.ws.close()
  }
}
