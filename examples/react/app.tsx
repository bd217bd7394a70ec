// A React page on Herald: @laravel/echo-react's Echo pointed at Herald, and herald/react's hook typing each event
// from the server's class. test/e2e/react-hook.test.ts bundles it with esbuild and runs it in Chromium.
import { configureEcho, useConnectionStatus } from '@laravel/echo-react'
import { createRoot } from 'react-dom/client'
import { useBroadcastEvents } from '../../src/react/index.js' // in your app: from 'herald/react'
import type { OrderShipped } from './order-shipped.js'

const token = new URLSearchParams(location.search).get('token') ?? '' // your app's session token

configureEcho({
  broadcaster: 'reverb', // Herald speaks the Pusher protocol; 'pusher' with cluster: 'mt1' works too
  key: 'app-key',
  wsHost: location.hostname,
  wsPort: Number(location.port),
  forceTLS: false,
  enabledTransports: ['ws'],
  authEndpoint: '/broadcasting/auth',
  auth: { headers: { Authorization: `Bearer ${token}` } },
})

function OrderTracker({ orderId }: { orderId: number }) {
  // Each item is EventPayload<typeof OrderShipped>: { orderId: number; trackingNumber: string; shippedAt: string }
  const shipments = useBroadcastEvents<typeof OrderShipped>(`orders.${orderId}`, 'OrderShipped')
  return (
    <ul id="shipments">
      {shipments.map((s) => (
        <li key={s.trackingNumber}>
          Order {s.orderId} shipped: {s.trackingNumber} at {new Date(s.shippedAt).toISOString()}
        </li>
      ))}
    </ul>
  )
}

function App() {
  const status = useConnectionStatus() // 'connected', 'connecting', 'reconnecting', ...
  return (
    <main>
      <p id="status" data-status={status}>{status}</p>
      <OrderTracker orderId={42} />
    </main>
  )
}

createRoot(document.getElementById('root')!).render(<App />)
