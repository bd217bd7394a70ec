import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertValidSocketId, isValidSocketId } from '../../../src/domain/auth/socket-id.js'
import { HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'

describe('socket ids', () => {
  for (const id of ['1.1', '1234.5678', '264774.13368624', '0.0']) {
    it(`accepts ${id}`, () => {
      assert.equal(isValidSocketId(id), true)
      assert.doesNotThrow(() => assertValidSocketId(id))
    })
  }
  const bad: unknown[] = ['', '1234', '1234.', '.5678', '12.34.56', 'a.b', '1234.5678 ', ' 1234.5678', '1234.5678\n', '-1.2', '1e3.4', 1234.5678, null, undefined]
  for (const id of bad) {
    it(`rejects ${JSON.stringify(id) ?? String(id)}`, () => {
      assert.equal(isValidSocketId(id), false)
      assert.throws(
        () => assertValidSocketId(id),
        (err: unknown) => HeraldError.is(err, HeraldErrorCode.InvalidSocketId) && err.message.includes('digits.digits') && err.message.includes(JSON.stringify(String(id))),
      )
    })
  }
})
