// The app both Echo suites run against (Pusher connector in laravel-echo.test.ts, socket.io connector in
// socketio/echo-socketio.test.ts): two users by Bearer token, `private-orders.{id}` for the user whose id + '00' it
// is, a `presence-chat` everyone joins, and POST /ship broadcasting OrderShipped with toOthers(X-Socket-ID).
import type { HeraldPluginOptions } from '../../../src/http/index.js'
import { startHerald, type TestHerald } from './start-herald.js'

export interface User {
  id: string
  name: string
}

/** Ann (`tok-ann`, id 1, owns orders.100) and Bo (`tok-bo`, id 2). */
export const users = new Map<string, User>([
  ['tok-ann', { id: '1', name: 'Ann' }],
  ['tok-bo', { id: '2', name: 'Bo' }],
])

/** Starts Herald with the orders/chat rules and POST /ship; `options` adds plugin options (e.g. `socketio`). */
export function startOrdersChatApp(options: HeraldPluginOptions = {}): Promise<TestHerald> {
  return startHerald(
    { ...options, authenticate: (request) => users.get(request.headers.authorization?.replace(/^Bearer /, '') ?? '') ?? null },
    (app) => {
      app.herald.channels
        .channel('orders.{id}', (user: User, { id }: { id: string }) => id === `${user.id}00`)
        .channel('chat', (user: User) => ({ id: user.id, name: user.name }))
      app.post('/ship', async (request) => {
        const pending = app.herald.broadcasting.private('orders.100')
        if (request.socketId !== null) pending.toOthers(request.socketId)
        await pending.broadcast('OrderShipped', { id: 100 })
        return { ok: true }
      })
    },
  )
}
