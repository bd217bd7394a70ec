import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { serialiseEventFrame } from '../../../src/domain/realtime/event-frame.js'
import { PresenceDirectory } from '../../../src/http/socketio/presence-directory.js'
import { eventPacket, jsonValueOf, SocketIoFrameTranslator } from '../../../src/http/socketio/socket-io-packets.js'

/** What socket.io-client's parser would read from the WebSocket frame: strips the 2-byte header and the engine `4`. */
function wireText(packet: ReturnType<typeof eventPacket>): string {
  const frame = packet.options.wsPreEncodedFrame[0]!
  assert.equal(frame[0], 0x81, 'a final text frame')
  return frame.subarray(2).toString('utf8')
}

describe('Socket.IO packets from hub frames', () => {
  test('an event becomes 2[event, channel, data] with the data spliced in as JSON, framed once with the engine.io 4', () => {
    const packet = eventPacket('Shipped', '"orders"', '{"id":1}')
    assert.equal(packet.text, '2["Shipped","orders",{"id":1}]')
    assert.equal(wireText(packet), `4${packet.text}`)
  })

  test('data that is not JSON goes as a JSON string, as pusher-js would hand it over', () => {
    assert.equal(jsonValueOf('{"a":[1,2]}'), '{"a":[1,2]}')
    assert.equal(jsonValueOf('plain text'), '"plain text"')
    assert.equal(jsonValueOf('{"broken"'), '"{\\"broken\\""')
  })

  test('the same frame is translated once: the same packet object for every socket', () => {
    const translator = new SocketIoFrameTranslator(new PresenceDirectory())
    const frame = serialiseEventFrame('Tick', 'news', '{"n":1}')
    const first = translator.packetFor(frame, 'app')
    assert.equal(translator.packetFor(frame, 'app'), first)
    assert.deepEqual(JSON.parse(first.text.slice(1)), ['Tick', 'news', { n: 1 }])
    assert.notEqual(translator.packetFor(serialiseEventFrame('Tick', 'news', '{"n":2}'), 'app'), first)
  })

  test('a presence roster becomes presence:subscribed [{user_id, user_info}] and member frames joining/leaving with the info', () => {
    const directory = new PresenceDirectory()
    const translator = new SocketIoFrameTranslator(directory)
    directory.open('app', 'presence-chat')
    const roster = JSON.stringify({ presence: { ids: ['1'], hash: { 1: { name: 'Ann' } }, count: 1 } })
    assert.deepEqual(JSON.parse(translator.subscribedPacket('app', 'presence-chat', roster).text.slice(1)), [
      'presence:subscribed', 'presence-chat', [{ user_id: '1', user_info: { name: 'Ann' } }],
    ])
    const added = serialiseEventFrame('pusher_internal:member_added', 'presence-chat', JSON.stringify({ user_id: '2', user_info: { name: 'Bo' } }))
    assert.deepEqual(JSON.parse(translator.packetFor(added, 'app').text.slice(1)), ['presence:joining', 'presence-chat', { user_id: '2', user_info: { name: 'Bo' } }])
    const removed = serialiseEventFrame('pusher_internal:member_removed', 'presence-chat', JSON.stringify({ user_id: '2' }))
    const leaving = translator.packetFor(removed, 'app')
    assert.deepEqual(JSON.parse(leaving.text.slice(1)), ['presence:leaving', 'presence-chat', { user_id: '2', user_info: { name: 'Bo' } }])
    // The second socket of the same fan-out gets the same packet; the member is forgotten either way.
    assert.equal(translator.packetFor(removed, 'app'), leaving)
    assert.equal(directory.forget('app', 'presence-chat', '2'), undefined)
    // An unknown leaver (joined before this server's clients were there) leaves with user_info null.
    const stranger = serialiseEventFrame('pusher_internal:member_removed', 'presence-chat', JSON.stringify({ user_id: '9' }))
    assert.deepEqual(JSON.parse(translator.packetFor(stranger, 'app').text.slice(1))[2], { user_id: '9', user_info: null })
  })

  test('the directory keeps members only while Socket.IO clients are on the channel', () => {
    const directory = new PresenceDirectory()
    directory.remember('app', 'presence-x', '1', { a: 1 })
    assert.equal(directory.size, 0, 'nothing is kept for a channel without Socket.IO clients')
    directory.open('app', 'presence-x')
    directory.open('app', 'presence-x')
    directory.remember('app', 'presence-x', '1', { a: 1 })
    directory.close('app', 'presence-x')
    assert.deepEqual(directory.forget('app', 'presence-x', '1'), { a: 1 })
    directory.close('app', 'presence-x')
    directory.close('app', 'presence-x')
    assert.equal(directory.size, 0)
  })
})
