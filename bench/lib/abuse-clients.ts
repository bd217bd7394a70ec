import { createHash, createHmac, randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'

/**
 * Raw TCP clients for the three hostile patterns of issue 11: a WebSocket that declares a large frame and
 * stalls in it, an HTTP request whose body stalls, and an unsigned request with a large body. Each reports
 * when the server closed it (or what it answered), so a caller can tell "refused as it arrived" from "held".
 */
export interface AttackSocket {
  readonly socket: Socket
  /** Everything the server sent. */
  received(): Buffer
  /** ms since the attack's last byte was written at which the server closed or ended the socket; undefined while open. */
  closedAfterMs(): number | undefined
  /** The close code of the first WebSocket close frame the server sent, if any. */
  wsCloseCode(): number | undefined
  /** The HTTP status line's code, if the server answered. */
  httpStatus(): number | undefined
  destroy(): void
}

/** One payload chunk shared by every attacker, so the attacking side's memory does not blur the server's. */
const PAYLOAD_CHUNK = Buffer.alloc(64 * 1024, 'x'.charCodeAt(0))
const BODY_CHUNK = Buffer.alloc(64 * 1024, 'x'.charCodeAt(0))

function track(socket: Socket, wroteAt: () => number): AttackSocket {
  const chunks: Buffer[] = []
  let closedAt: number | undefined
  socket.on('data', (c: Buffer) => chunks.push(c))
  socket.on('error', () => {
    // A reset by the server is one way of being closed; `close` records it.
  })
  const onGone = () => {
    closedAt ??= Date.now()
  }
  socket.on('end', onGone)
  socket.on('close', onGone)
  const received = () => Buffer.concat(chunks)
  return {
    socket,
    received,
    closedAfterMs: () => (closedAt === undefined ? undefined : closedAt - wroteAt()),
    wsCloseCode: () => wsCloseCodeIn(received()),
    httpStatus: () => {
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received().subarray(0, 16).toString('latin1'))
      return match === null ? undefined : Number(match[1])
    },
    destroy: () => socket.destroy(),
  }
}

async function open(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1' })
  socket.setNoDelay(true)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  return socket
}

async function write(socket: Socket, data: Buffer | string): Promise<void> {
  if (socket.destroyed) return
  await new Promise<void>((resolve) => {
    socket.write(data, () => resolve())
  })
}

/**
 * The header of a masked client text frame declaring `length` payload bytes (RFC 6455 §5.2). The mask key is
 * zero, which is legal and leaves the payload as sent, so ASCII payloads stay valid UTF-8.
 */
export function maskedTextFrameHeader(length: number, fin = true): Buffer {
  const extended = length <= 125 ? 0 : length <= 0xffff ? 2 : 8
  const header = Buffer.alloc(2 + extended + 4)
  header[0] = (fin ? 0x80 : 0) | 0x01
  if (extended === 0) header[1] = 0x80 | length
  else if (extended === 2) {
    header[1] = 0x80 | 126
    header.writeUInt16BE(length, 2)
  } else {
    header[1] = 0x80 | 127
    header.writeBigUInt64BE(BigInt(length), 2)
  }
  return header
}

/** The code of the first server close frame (opcode 8) found after the HTTP response in `bytes`. */
function wsCloseCodeIn(bytes: Buffer): number | undefined {
  const headEnd = bytes.indexOf('\r\n\r\n')
  if (headEnd === -1) return undefined
  let i = headEnd + 4
  while (i + 2 <= bytes.length) {
    const opcode = (bytes[i] ?? 0) & 0x0f
    let length = (bytes[i + 1] ?? 0) & 0x7f
    let start = i + 2
    if (length === 126) {
      length = bytes.readUInt16BE(start)
      start += 2
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(start))
      start += 8
    }
    if (opcode === 0x08) return length >= 2 ? bytes.readUInt16BE(start) : 1005
    i = start + length
  }
  return undefined
}

/**
 * Opens a WebSocket to `/app/:key`, waits for the handshake, declares a text frame of `declared` bytes and
 * sends `sent` of them (random payload), then stops.
 */
export async function stalledFrame(port: number, options: { key: string; declared: number; sent: number; path?: string }): Promise<AttackSocket> {
  const socket = await open(port)
  let wroteAt = Date.now()
  const attack = track(socket, () => wroteAt)
  const path = `${options.path ?? ''}/app/${options.key}?protocol=7&client=js&version=8.4.0`
  await write(socket, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`)
  await waitUntil(() => attack.received().includes('connection_established') || attack.closedAfterMs() !== undefined)
  await write(socket, maskedTextFrameHeader(options.declared))
  const chunk = PAYLOAD_CHUNK
  for (let left = options.sent; left > 0 && !socket.destroyed; left -= chunk.length) await write(socket, left >= chunk.length ? chunk : chunk.subarray(0, left))
  wroteAt = Date.now()
  return attack
}

/** Sends a request's headers declaring `contentLength` body bytes, then `sent` of them, then stops. */
export async function stalledBody(port: number, options: { path: string; contentLength: number; sent: number; contentType?: string }): Promise<AttackSocket> {
  const socket = await open(port)
  let wroteAt = Date.now()
  const attack = track(socket, () => wroteAt)
  await write(socket, `POST ${options.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${options.contentType ?? 'application/json'}\r\nContent-Length: ${options.contentLength}\r\n\r\n`)
  const chunk = BODY_CHUNK
  for (let left = options.sent; left > 0 && !socket.destroyed && attack.closedAfterMs() === undefined; left -= chunk.length) {
    await write(socket, left >= chunk.length ? chunk : chunk.subarray(0, left))
  }
  wroteAt = Date.now()
  return attack
}

async function waitUntil(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('abuse client: the server did not answer the handshake in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** A Pusher API path with its signed query, as the SDKs build it (`body_md5` of `body` when given). */
export function signedApiPath(options: { appId: string; key: string; secret: string; route: string; body?: string; method?: string }): string {
  const path = `/apps/${options.appId}/${options.route}`
  const params: Record<string, string> = { auth_key: options.key, auth_timestamp: String(Math.floor(Date.now() / 1000)), auth_version: '1.0' }
  if (options.body !== undefined) params['body_md5'] = createHash('md5').update(options.body).digest('hex')
  const query = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('&')
  const signature = createHmac('sha256', options.secret).update(`${options.method ?? 'POST'}\n${path}\n${query}`).digest('hex')
  return `${path}?${query}&auth_signature=${signature}`
}

/** Sends the first `sent` bytes of a request's headers, then stops (slowloris). */
export async function stalledHeaders(port: number, options: { path: string; sent?: number }): Promise<AttackSocket> {
  const socket = await open(port)
  const head = `POST ${options.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Padding: `
  await write(socket, head.slice(0, options.sent ?? head.length))
  const wroteAt = Date.now()
  return track(socket, () => wroteAt)
}
