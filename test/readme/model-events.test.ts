// Runs examples/model-events.ts (shown in the README) against the machine's PostgreSQL, in a schema of its own.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import { Client } from 'pg'

const EXAMPLE = fileURLToPath(new URL('../../examples/model-events.ts', import.meta.url))
const DATABASE_URL = process.env.HERALD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCHEMA = `herald_readme_${process.pid}`

async function sql(query: string): Promise<void> {
  const client = new Client({ connectionString: DATABASE_URL })
  try {
    await client.connect()
  } catch (err) {
    throw new Error(`PostgreSQL is needed at ${DATABASE_URL} (set HERALD_TEST_DATABASE_URL): ${(err as Error).message}`, { cause: err })
  }
  try {
    await client.query(query)
  } finally {
    await client.end()
  }
}

before(() => sql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA}`))
after(() => sql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`))

test('the README model example: PostCreated after commit, nothing for the rolled-back transaction, the notification', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', EXAMPLE], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH, DATABASE_URL, DB_SCHEMA: SCHEMA },
  })
  assert.equal(run.status, 0, `the example failed:\n${run.stdout}\n${run.stderr}`)
  const lines = run.stdout.trim().split('\n')
  const created = JSON.parse(lines[0] ?? '{}') as { msg?: string; broadcast?: unknown }
  assert.match(created.msg ?? '', /^\[Broadcast\] channel=private-App\.Models\.Post\.1 event=PostCreated /)
  assert.deepEqual(created.broadcast, { channels: ['private-App.Models.Post.1'], event: 'PostCreated', payload: { model: { title: 'Hello', id: 1 } } })
  assert.equal(lines[1], 'rolled back: nothing was broadcast')
  assert.match(lines[2] ?? '', /\[Broadcast\] channel=private-App\.Models\.User\.1 event=Illuminate\\\\Notifications\\\\Events\\\\BroadcastNotificationCreated/)
  assert.match(lines[2] ?? '', /\\"type\\":\\"PostPublished\\"/)
  assert.equal(lines.length, 3, `unexpected output:\n${run.stdout}`)
})
