import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { AblyBroadcaster } from '../../../src/adapters/ably/ably-broadcaster.js'
import { formatAblySocketId, isValidAblySocketId, parseAblySocketId } from '../../../src/adapters/ably/ably-socket-id.js'

/** Encodes like @ably/laravel-echo's `toBase64UrlEncoded(JSON.stringify(...))`: base64url without padding. */
function echoSocketId(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

describe('ably socket ids', () => {
  test("@ably/laravel-echo's ids (user and guest) are valid and round-trip", () => {
    for (const clientId of ['user-1', null]) {
      const id = echoSocketId({ connectionKey: 'aB3d!xYz-12_q', clientId })
      assert.equal(id, formatAblySocketId({ connectionKey: 'aB3d!xYz-12_q', clientId }))
      assert.equal(isValidAblySocketId(id), true, id)
      assert.deepEqual(parseAblySocketId(id), { connectionKey: 'aB3d!xYz-12_q', clientId })
    }
  })

  test('raw connection keys and Pusher-style ids are valid (passed through as the connection key)', () => {
    for (const id of ['aB3d!xYz-12_q', '1234.5678']) {
      assert.equal(isValidAblySocketId(id), true, id)
      assert.deepEqual(parseAblySocketId(id), { connectionKey: id, clientId: null })
    }
  })

  test('blank, whitespace, control, non-ASCII, overlong and malformed echo ids are refused', () => {
    const bad: unknown[] = [
      '',
      ' ',
      'a b',
      'abc\n',
      'clé',
      'x'.repeat(2049),
      echoSocketId({ clientId: 'user-1' }),
      echoSocketId({ connectionKey: '', clientId: 'user-1' }),
      echoSocketId({ connectionKey: 'k', clientId: 42 }),
      null,
      12.5,
    ]
    for (const id of bad) assert.equal(isValidAblySocketId(id), false, JSON.stringify(id))
    assert.equal(isValidAblySocketId('x'.repeat(2048)), true)
  })

  test('AblyBroadcaster.isValidSocketId is that rule (the BroadcasterPort hook the manager uses)', () => {
    const driver = new AblyBroadcaster({ key: 'a.b:c', timeoutMs: 1000 })
    assert.equal(driver.isValidSocketId(echoSocketId({ connectionKey: 'k', clientId: null })), true)
    assert.equal(driver.isValidSocketId('a b'), false)
  })
})
