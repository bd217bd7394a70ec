/**
 * `herald/testing`: test doubles for application tests. Imports only the domain and `node:assert`,
 * so it works under node:test, Vitest, Jest or Mocha alike.
 */
export { BroadcasterFake, type EventClass, type EventSelector } from './broadcaster-fake.js'
export { formatCalls, formatJobs, previewPayload, PAYLOAD_PREVIEW_LENGTH } from './format-calls.js'
