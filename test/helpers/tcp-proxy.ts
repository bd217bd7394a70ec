import { connect, createServer, type Server, type Socket } from 'node:net'

/** A TCP proxy to a real server that a test can cut (an outage as clients see it) and restore. */
export interface TcpProxy {
  readonly port: number
  /** Closes every proxied connection and refuses new ones. */
  cut(): Promise<void>
  /** Accepts connections again on the same port. */
  restore(): Promise<void>
  close(): Promise<void>
}

/** Starts a proxy on a free loopback port forwarding to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  let server: Server | undefined
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(target.port, target.host)
        for (const socket of [client, upstream]) {
          sockets.add(socket)
          socket.on('close', () => sockets.delete(socket))
          // Either side failing ends the pair; the client sees a dropped connection, as in an outage.
          socket.on('error', () => {
            client.destroy()
            upstream.destroy()
          })
        }
        client.pipe(upstream).pipe(client)
      })
      s.once('error', reject)
      s.listen(port, '127.0.0.1', () => {
        server = s
        const address = s.address()
        resolve(typeof address === 'object' && address !== null ? address.port : port)
      })
    })
  const port = await listen(0)
  const cut = async () => {
    const s = server
    server = undefined
    for (const socket of sockets) socket.destroy()
    if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()))
  }
  return { port, cut, restore: async () => void (await listen(port)), close: cut }
}
