import assert from 'node:assert/strict'
import { test } from 'node:test'
import { InvalidApiSignatureError, InvalidChannelNameError, InvalidRequestError, PayloadTooLargeError, UnauthenticatedError, UnknownAppError } from '../../src/domain/errors.js'
import { deniedResponse, httpErrorFor } from '../../src/http/error-mapping.js'

test('Herald codes map to Pusher-style statuses and keep their message and code', () => {
  const cases: Array<[Error & { code: string }, number]> = [
    [new InvalidRequestError('channels', 'bad'), 400],
    [new InvalidChannelNameError('a b', 'no spaces'), 400],
    [new InvalidApiSignatureError('stale_timestamp', 'Timestamp expired'), 401],
    [new UnauthenticatedError(), 401],
    [new UnknownAppError('x'), 404],
    [new PayloadTooLargeError('data', 11, 10), 413],
  ]
  for (const [err, status] of cases) {
    const response = httpErrorFor(err)
    assert.equal(response.status, status, err.message)
    assert.equal(response.body.error, err.message)
    assert.equal(response.body.code, err.code)
  }
})

test("Fastify's own 4xx keep their status; anything else is a 500 that hides its message", () => {
  const tooLarge = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })
  assert.deepEqual(httpErrorFor(tooLarge), { status: 413, body: { error: 'Request body is too large', code: 'FST_ERR_CTP_BODY_TOO_LARGE' } })
  assert.deepEqual(httpErrorFor(new Error('db password is hunter2')), { status: 500, body: { error: 'Internal server error', code: 'HERALD_ERR_INTERNAL' } })
  assert.equal(httpErrorFor(Object.assign(new Error('x'), { code: 'ECONNRESET', statusCode: 400 })).status, 500)
  assert.equal(httpErrorFor('a string').status, 500)
})

test('a denial is a 403 carrying the reason', () => {
  assert.deepEqual(deniedResponse('no-matching-rule', 'no channel rule matches "private-x"'), {
    status: 403,
    body: { error: 'no channel rule matches "private-x"', code: 'HERALD_ERR_FORBIDDEN', reason: 'no-matching-rule' },
  })
})
