import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** A made-up account of the demo. Real apps load users from their own store. */
export interface DemoUser {
  readonly id: number
  readonly username: string
  readonly name: string
  /** Avatar colour on the page. */
  readonly color: string
}

/** The demo accounts, shown as such on the login screen. */
export const DEMO_USERS: readonly DemoUser[] = Object.freeze([
  { id: 1, username: 'alice', name: 'Alice', color: '#db2777' },
  { id: 2, username: 'bob', name: 'Bob', color: '#2563eb' },
  { id: 3, username: 'carol', name: 'Carol', color: '#059669' },
])

/** Finds a demo account by username or id. */
export function findDemoUser(by: { username?: unknown; id?: unknown }): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.username === by.username || u.id === by.id)
}

/**
 * Issues and checks bearer tokens: `<userId>.<HMAC-SHA256(userId)>`. The key is random per
 * process, so tokens die with the server, and a page can never name a user it holds no token for.
 * (A demo stand-in for a session or a JWT; the point is that the server trusts a signature, not an id.)
 */
export class DemoTokens {
  readonly #key = randomBytes(32)

  /** A token for `user`. */
  issue(user: DemoUser): string {
    return `${user.id}.${this.#sign(String(user.id))}`
  }

  /** The user a `Bearer` authorization header proves, or null. */
  verify(authorization: string | undefined): DemoUser | null {
    const match = /^Bearer (\d{1,6})\.([\w-]{43})$/.exec(authorization ?? '')
    if (match === null) return null
    const [, id = '', signature = ''] = match
    const expected = Buffer.from(this.#sign(id))
    const given = Buffer.from(signature)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
    return findDemoUser({ id: Number(id) }) ?? null
  }

  #sign(userId: string): string {
    return createHmac('sha256', this.#key).update(`herald-demo-user:${userId}`).digest('base64url')
  }
}
