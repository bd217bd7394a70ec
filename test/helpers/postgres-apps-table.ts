import { Client } from 'pg'

/** Where the PostgreSQL tests find their server (trust auth on the CI machine). */
export const TEST_DATABASE_URL = process.env.HERALD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * Connects to the test database and creates `schema` afresh with an `apps` table in the shape Herald's PostgreSQL
 * app provider reads. Fails with a message naming the database when none answers (never a silent skip).
 */
export async function createAppsTable(schema: string, databaseUrl = TEST_DATABASE_URL): Promise<Client> {
  const admin = new Client({ connectionString: databaseUrl })
  await admin.connect().catch((err: Error) => {
    throw new Error(`this test needs PostgreSQL at ${databaseUrl} (set HERALD_TEST_DATABASE_URL): ${err.message}`, { cause: err })
  })
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await admin.query(`CREATE SCHEMA ${schema}`)
  await admin.query(`CREATE TABLE ${schema}.apps (id text PRIMARY KEY, key text NOT NULL UNIQUE, secret text NOT NULL, settings jsonb NOT NULL DEFAULT '{}')`)
  return admin
}
