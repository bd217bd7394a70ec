// The browser side of the quickstart: Laravel Echo on pusher-js, pointed at the Fastify app above.
// (In a browser bundle, `Pusher` may also come from `window.Pusher`.)
import Echo from 'laravel-echo'
import Pusher from 'pusher-js'

/** Connects as the user behind `token` and calls `onShipped` for each OrderShipped of order `orderId`. */
export function listenForShipping(port: number, token: string, orderId: number, onShipped: (e: { orderId: number; trackingNumber: string }) => void) {
  const echo = new Echo({
    broadcaster: 'reverb',
    Pusher,
    key: 'app-key', // Herald's default app key; BROADCAST_APP_KEY or config `apps` change it
    wsHost: '127.0.0.1',
    wsPort: port,
    forceTLS: false,
    enabledTransports: ['ws'],
    authEndpoint: `http://127.0.0.1:${port}/broadcasting/auth`,
    // Echo's `bearerToken` option writes into defaults shared by every Echo instance; explicit
    // headers keep two instances in one process (as in the test) from using each other's token.
    auth: { headers: { Authorization: `Bearer ${token}` } },
  })
  // The leading dot: the name is taken as is, not prefixed with Laravel's `App.Events` namespace.
  const channel = echo.private(`orders.${orderId}`).listen('.OrderShipped', onShipped)
  return { echo, channel }
}
