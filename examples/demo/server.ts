// `npm start`: the Herald demo on http://127.0.0.1:3000 (PORT and HOST override). Ctrl-C stops it.
import { startDemo } from './demo-app.js'

const port = Number(process.env['PORT'] ?? 3000)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number between 0 and 65535 (got '${process.env['PORT']}')`)
  process.exit(1)
}

const { app, url } = await startDemo({ port, host: process.env['HOST'] ?? '127.0.0.1' })
console.log(`Herald demo running at ${url}`)
console.log('Open it in two tabs, sign in as two different demo users, and watch the events. Ctrl-C to stop.')

/** Longest a Ctrl-C waits for a graceful close (Herald gives clients 5 s to leave). */
const FORCE_EXIT_MS = 10_000

let stopping = false
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    // A second Ctrl-C while closing: the user wants out now.
    process.exit(130)
  }
  stopping = true
  console.log(`\n${signal}: closing connections…`)
  // Open pages reconnect as soon as they are told to; don't let a stubborn one keep the process alive.
  setTimeout(() => {
    console.error(`Still closing after ${FORCE_EXIT_MS / 1000} s; exiting anyway.`)
    process.exit(1)
  }, FORCE_EXIT_MS).unref()
  try {
    await app.close()
    console.log('Stopped.')
  } catch (err) {
    console.error('Could not close cleanly:', err)
    process.exitCode = 1
  }
}
process.on('SIGINT', (signal) => void stop(signal))
process.on('SIGTERM', (signal) => void stop(signal))
