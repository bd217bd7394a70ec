import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { apiStringToSign, signApiRequest, tryParseApiQuery, verifyApiRequest, verifyApiRequestBody, verifyApiRequestQuery } from '../../../src/domain/auth/api-request-signature.js'

// The worked example of Pusher's REST API docs (recomputed in the protocol reference, §3.1).
const credentials = { key: '278d425bdf160c739803', secret: '7ad3773142a6692b25b8' }
const body = '{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}'
const query = new Map([
  ['auth_key', '278d425bdf160c739803'],
  ['auth_timestamp', '1353088179'],
  ['auth_version', '1.0'],
  ['body_md5', 'ec365a775a4cd0599faeb73354201b6f'],
])
const signature = 'da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c'

const request = (overrides: { query?: Map<string, string>; rawBody?: string; nowSeconds?: number; paths?: string[] } = {}) => ({
  method: 'POST',
  paths: overrides.paths ?? ['/apps/3/events'],
  query: overrides.query ?? new Map([...query, ['auth_signature', signature]]),
  rawBody: overrides.rawBody ?? body,
  nowSeconds: overrides.nowSeconds ?? 1353088179 + 30,
})

function withoutMd5Signed(): Map<string, string> {
  const q = new Map([...query].filter(([k]) => k !== 'body_md5'))
  return new Map([...q, ['auth_signature', signApiRequest(credentials.secret, 'POST', '/apps/3/events', q)]])
}

describe('api request signature', () => {
  test('builds the documented string to sign and signature', () => {
    assert.equal(
      apiStringToSign('post', '/apps/3/events', query),
      'POST\n/apps/3/events\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f',
    )
    assert.equal(signApiRequest(credentials.secret, 'POST', '/apps/3/events', query), signature)
  })

  test('sorts keys by code unit and leaves auth_signature out', () => {
    const q = new Map([['b', '2'], ['auth_signature', 'x'], ['B', '1'], ['a', 'v,w']])
    assert.equal(apiStringToSign('GET', '/p', q), 'GET\n/p\nB=1&a=v,w&b=2')
  })

  test('verifies the documented request', () => {
    assert.deepEqual(verifyApiRequest(credentials, request()), { ok: true })
  })

  test('tries every candidate path (mount prefix stripped or not)', () => {
    assert.deepEqual(verifyApiRequest(credentials, request({ paths: ['/herald/apps/3/events', '/apps/3/events'] })), { ok: true })
  })

  const refusals: Array<[string, Parameters<typeof request>[0], string]> = [
    ['stale timestamp (past)', { nowSeconds: 1353088179 + 601 }, 'stale_timestamp'],
    ['stale timestamp (future)', { nowSeconds: 1353088179 - 601 }, 'stale_timestamp'],
    ['body changed', { rawBody: body.replace('foo', 'bar') }, 'body_md5_mismatch'],
    ['body without body_md5 (signed without it)', { query: withoutMd5Signed() }, 'missing_param'],
    ['body_md5 dropped after signing', { query: new Map([...query, ['auth_signature', signature] as const].filter(([k]) => k !== 'body_md5')) }, 'bad_signature'],
    ['wrong signature', { query: new Map([...query, ['auth_signature', signature.replace('d', 'e')]]) }, 'bad_signature'],
    ['wrong path', { paths: ['/apps/4/events'] }, 'bad_signature'],
    ['no signature', { query }, 'missing_param'],
    ['wrong key', { query: new Map([...query, ['auth_key', 'other'], ['auth_signature', signature]]) }, 'wrong_key'],
    ['bad version', { query: new Map([...query, ['auth_version', '2.0'], ['auth_signature', signature]]) }, 'unsupported_version'],
    ['non-numeric timestamp', { query: new Map([...query, ['auth_timestamp', '12e5'], ['auth_signature', signature]]) }, 'bad_timestamp'],
  ]
  for (const [name, overrides, problem] of refusals) {
    test(`refuses: ${name}`, () => {
      const result = verifyApiRequest(credentials, request(overrides))
      assert.equal(result.ok, false)
      assert.equal(!result.ok && result.problem, problem)
    })
  }

  test('the query half verifies before any body exists; the body half checks body_md5 afterwards', () => {
    const { rawBody: _unused, ...head } = request()
    assert.deepEqual(verifyApiRequestQuery(credentials, head), { ok: true })
    assert.deepEqual(verifyApiRequestBody(head.query, body), { ok: true })
    assert.equal(verifyApiRequestBody(head.query, body.replace('foo', 'bar')).ok, false)
    assert.deepEqual(verifyApiRequestBody(new Map(), ''), { ok: true }, 'no body and no body_md5 is fine')
    const forged = { ...head, query: new Map([...query, ['auth_signature', '0'.repeat(64)]]) }
    const result = verifyApiRequestQuery(credentials, forged)
    assert.equal(!result.ok && result.problem, 'bad_signature')
  })

  test('honours a custom timestamp window', () => {
    const r = { ...request({ nowSeconds: 1353088179 + 20 }), timestampWindowSeconds: 10 }
    assert.equal(verifyApiRequest(credentials, r).ok, false)
  })

  test('parses queries: decodes values, joins repeated keys, rejects broken escapes', () => {
    assert.deepEqual([...(tryParseApiQuery('info=user_count%2Csubscription_count&a[]=1&a[]=2&empty&plus=a+b') ?? [])], [
      ['info', 'user_count,subscription_count'],
      ['a[]', '1,2'],
      ['empty', ''],
      ['plus', 'a+b'],
    ])
    assert.equal(tryParseApiQuery('a=%E0%A4%A'), undefined)
    assert.equal(tryParseApiQuery('')?.size, 0)
  })
})
