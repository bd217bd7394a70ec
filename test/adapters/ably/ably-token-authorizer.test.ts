import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { createAblyAuthResponse, splitAblyKey } from '../../../src/adapters/ably/ably-token-authorizer.js'
import { startAblyRestRecorder } from '../../helpers/ably-rest-recorder.js'

const KEY = 'appid.keyid:the-key-secret'
const NOW = Date.UTC(2026, 0, 1) // fixed clock: claims are exact

interface Decoded {
  header: { typ: string; alg: string; kid: string }
  claims: { iat: number; exp: number; 'x-ably-clientId': string | null; 'x-ably-capability': string }
  capability: Record<string, string[]>
}

/** Decodes a JWT and checks its HS256 signature with `secret` (independently of the code under test). */
function decodeVerified(token: string, secret = 'the-key-secret'): Decoded {
  const [h, p, s] = token.split('.')
  assert.ok(h && p && s, 'three parts')
  const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')
  assert.equal(s, expected, 'HS256 signature with the key secret')
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Decoded['header']
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Decoded['claims']
  return { header, claims, capability: JSON.parse(claims['x-ably-capability']) as Record<string, string[]> }
}

test('a private channel token: HS256 JWT, kid = key name, capability for the channel and public:*, clientId = user', () => {
  const res = createAblyAuthResponse({ key: KEY }, { channelName: 'private:orders.1', userId: 42, nowMs: NOW })
  const { header, claims, capability } = decodeVerified(res.token)
  assert.deepEqual(header, { typ: 'JWT', alg: 'HS256', kid: 'appid.keyid' })
  assert.equal(claims.iat, NOW / 1000)
  assert.equal(claims.exp, NOW / 1000 + 3600)
  assert.equal(claims['x-ably-clientId'], '42')
  assert.deepEqual(capability, { 'public:*': ['subscribe', 'history', 'channel-metadata'], 'private:orders.1': ['*'] })
  assert.equal('info' in res, false)
})

test('wire names are accepted and mapped (private-x → private:x)', () => {
  const res = createAblyAuthResponse({ key: KEY }, { channelName: 'presence-chat.2', userId: 'u1', nowMs: NOW })
  assert.deepEqual(decodeVerified(res.token).capability['presence:chat.2'], ['*'])
})

test('presence: custom capability and the user info come back as info', () => {
  const info = { id: 7, name: 'Ada' }
  const res = createAblyAuthResponse(
    { key: KEY },
    { channelName: 'presence:chat.1', userId: 7, capability: ['subscribe', 'presence'], userInfo: info, nowMs: NOW },
  )
  assert.deepEqual(res.info, info)
  assert.deepEqual(decodeVerified(res.token).capability['presence:chat.1'], ['subscribe', 'presence'])
})

test('the connection token (no channel) grants only public:*, and a guest has a null clientId', () => {
  const res = createAblyAuthResponse({ key: KEY }, { channelName: null, token: null, nowMs: NOW })
  const { claims, capability } = decodeVerified(res.token)
  assert.equal(claims['x-ably-clientId'], null)
  assert.deepEqual(capability, { 'public:*': ['subscribe', 'history', 'channel-metadata'] })
})

test('a public channel name adds no claim; publicChannels: false limits public:* to channel-metadata', () => {
  const res = createAblyAuthResponse({ key: KEY, publicChannels: false }, { channelName: 'public:news', nowMs: NOW })
  assert.deepEqual(decodeVerified(res.token).capability, { 'public:*': ['channel-metadata'] })
})

test('a still-valid token of the same user is extended: capabilities accumulate, iat/exp kept', () => {
  const first = createAblyAuthResponse({ key: KEY }, { channelName: 'private:a', userId: 1, nowMs: NOW })
  const later = NOW + 60_000
  const second = createAblyAuthResponse({ key: KEY }, { channelName: 'presence:b', token: first.token, userId: 1, nowMs: later })
  const { claims, capability } = decodeVerified(second.token)
  assert.deepEqual(Object.keys(capability).sort(), ['presence:b', 'private:a', 'public:*'])
  assert.equal(claims.iat, NOW / 1000)
  assert.equal(claims.exp, NOW / 1000 + 3600)
})

test('a token close to expiry is renewed with a fresh lifetime, keeping its capabilities', () => {
  const first = createAblyAuthResponse({ key: KEY, tokenTtlMs: 60_000 }, { channelName: 'private:a', userId: 1, nowMs: NOW })
  const later = NOW + 40_000 // 20 s left
  const second = createAblyAuthResponse({ key: KEY, tokenTtlMs: 60_000 }, { channelName: 'private:b', token: first.token, userId: 1, nowMs: later })
  const { claims, capability } = decodeVerified(second.token)
  assert.equal(claims.iat, later / 1000)
  assert.equal(claims.exp, later / 1000 + 60)
  assert.ok(capability['private:a'] && capability['private:b'])
})

test("an expired, tampered, foreign or other user's token is ignored: a fresh token with only the new channel", () => {
  const mine = createAblyAuthResponse({ key: KEY }, { channelName: 'private:secret', userId: 1, nowMs: NOW })
  const foreign = createAblyAuthResponse({ key: 'appid.keyid:other-secret' }, { channelName: 'private:secret', userId: 2, nowMs: NOW })
  const [h, p, s] = mine.token.split('.') as [string, string, string]
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
  const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, 'x-ably-clientId': '2' })).toString('base64url')}.${s}`
  const cases: Array<[string, string, number]> = [
    ['expired', mine.token, NOW + 3_600_000],
    ['tampered', tampered, NOW],
    ['signed with another key', foreign.token, NOW],
    ["another user's", mine.token, NOW],
    ['malformed', 'not.a.jwt', NOW],
    ['garbage', '%%%', NOW],
  ]
  for (const [what, token, nowMs] of cases) {
    const res = createAblyAuthResponse({ key: KEY }, { channelName: 'private:mine', token, userId: 2, nowMs })
    const capability = decodeVerified(res.token).capability
    assert.deepEqual(Object.keys(capability).sort(), ['private:mine', 'public:*'], `${what} token grants nothing extra`)
  }
})

test('a malformed key throws without echoing the secret', () => {
  assert.throws(() => splitAblyKey('no-colon-secret'), (err: Error) => /appId\.keyId:keySecret/.test(err.message) && !err.message.includes('secret"'))
  assert.throws(() => createAblyAuthResponse({ key: 'name:' }, { channelName: 'private:a' }), /ABLY_KEY/)
})

test('the ably SDK accepts the JWT as a token and sends it as a Bearer credential', { timeout: 10_000 }, async (t) => {
  const recorder = await startAblyRestRecorder()
  t.after(() => recorder.close())
  const { token } = createAblyAuthResponse({ key: KEY }, { channelName: 'private:a', userId: 9 })
  const { Rest } = await import('ably')
  const client = new Rest({ token, endpoint: '127.0.0.1', port: recorder.port, tls: false, useBinaryProtocol: false, logLevel: 0 })
  await client.channels.get('private:a').publish('Ping', { ok: true })
  const auth = recorder.requests[0]?.headers.authorization ?? ''
  assert.match(auth, /^Bearer /)
  assert.equal(Buffer.from(auth.slice('Bearer '.length), 'base64').toString(), token)
})
