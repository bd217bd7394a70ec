// Herald from a browser with no library: the Pusher protocol (version 7) by hand over a plain WebSocket.
// A browser ES module; no build step. test/e2e/plain-websocket.test.ts runs it in Chromium.

/** Opens a connection to Herald; resolves once the server has given this socket its id. */
export function connectHerald({ url, key, authEndpoint = '/broadcasting/auth', headers = {}, activityTimeout, onClose = () => {} }) {
  const ws = new WebSocket(`${url}/app/${key}?protocol=7&client=plain-js&version=1.0`)
  const listeners = new Map() // channel -> { onEvent, onSubscribed, onError }
  const pongWaiters = []
  let socketId
  let idleTimer
  let pongTimer
  let pingsAnswered = 0

  const send = (event, data, channel) => ws.send(JSON.stringify(channel === undefined ? { event, data } : { event, data, channel }))

  // Liveness: after the server's `activity_timeout` seconds of silence (or `activityTimeout` ms, if given), ping;
  // no answer within 30 s means the link is dead. The server pings too, and closes the socket if we do not answer.
  let activityTimeoutMs = activityTimeout ?? 30_000
  /** Pings now; resolves when the server's pong arrives. */
  const ping = () =>
    new Promise((resolve) => {
      pongWaiters.push(resolve)
      send('pusher:ping', {})
      pongTimer = setTimeout(() => ws.close(4201, 'Pong reply not received in time'), 30_000)
    })
  const noteActivity = () => {
    clearTimeout(idleTimer)
    clearTimeout(pongTimer)
    idleTimer = setTimeout(() => void ping(), activityTimeoutMs)
  }

  // Private and presence channels: your app's auth endpoint signs `socket_id:channel_name`.
  async function authorize(channel) {
    const response = await fetch(authEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ socket_id: socketId, channel_name: channel }),
    })
    if (!response.ok) throw new Error(`${authEndpoint} refused ${channel}: HTTP ${response.status}`)
    return response.json() // { auth } (and channel_data for presence channels)
  }

  /** Subscribes to `channel` (`news`, `private-orders.42`, `presence-room.1`); `onEvent(name, data)` gets its events. */
  async function subscribe(channel, { onEvent, onSubscribed = () => {}, onError = () => {} }) {
    listeners.set(channel, { onEvent, onSubscribed, onError })
    try {
      const auth = channel.startsWith('private-') || channel.startsWith('presence-') ? await authorize(channel) : {}
      send('pusher:subscribe', { channel, ...auth })
    } catch (error) {
      listeners.delete(channel)
      onError(error)
    }
  }

  function unsubscribe(channel) {
    listeners.delete(channel)
    send('pusher:unsubscribe', { channel })
  }

  const connected = new Promise((resolve, reject) => {
    ws.addEventListener('message', (message) => {
      noteActivity() // any frame counts as activity
      const frame = JSON.parse(message.data)
      // The server sends `data` as a JSON string: parse it once more.
      const data = typeof frame.data === 'string' ? JSON.parse(frame.data) : frame.data
      const target = frame.channel === undefined ? undefined : listeners.get(frame.channel)
      switch (frame.event) {
        case 'pusher:connection_established':
          socketId = data.socket_id
          activityTimeoutMs = activityTimeout ?? data.activity_timeout * 1000
          noteActivity()
          resolve({ socketId, subscribe, unsubscribe, ping, close: () => ws.close(), get pingsAnswered() { return pingsAnswered } })
          return
        case 'pusher:ping': // the server checks that we are still there
          send('pusher:pong', {})
          pingsAnswered += 1
          return
        case 'pusher:pong':
          for (const resolvePong of pongWaiters.splice(0)) resolvePong()
          return
        case 'pusher:error': // e.g. 4001 unknown app key, 4009 unauthorized; the server closes after it
          reject(new Error(`pusher:error ${data.code}: ${data.message}`))
          return
        case 'pusher_internal:subscription_succeeded':
          target?.onSubscribed(data)
          return
        default:
          target?.onEvent(frame.event, data)
      }
    })
    ws.addEventListener('close', (event) => {
      clearTimeout(idleTimer)
      clearTimeout(pongTimer)
      reject(new Error(`closed before the handshake: ${event.code}`))
      // 4000-4099: do not reconnect; 4100-4199: reconnect after a backoff; 4200-4299 (and others): reconnect now.
      onClose(event.code, event.reason)
    })
  })
  return connected
}
