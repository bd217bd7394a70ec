import assert from 'node:assert/strict'
import { test } from 'node:test'
import { maskedTextFrameHeader } from '../../../bench/lib/abuse-clients.js'
import { FrameTracker } from '../../../src/http/websocket/frame-tracker.js'

function frame(length: number, fin = true): Buffer {
  return Buffer.concat([maskedTextFrameHeader(length, fin), Buffer.alloc(length, 0x61)])
}

/** A control frame (ping, opcode 9) with `length` payload bytes. */
function ping(length: number): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x80 | length, 1, 2, 3, 4]), Buffer.alloc(length)])
}

test('complete frames of every length encoding leave the stream between frames', () => {
  for (const length of [0, 1, 125, 126, 65_535, 65_536]) {
    const tracker = new FrameTracker(100_000)
    assert.equal(tracker.feed(frame(length)), 'ok', `length ${length}`)
    assert.equal(tracker.midFrame, false, `length ${length}`)
  }
})

test('a frame split at every byte is followed: mid-frame until its last byte', () => {
  const bytes = Buffer.concat([frame(300), frame(5)])
  const tracker = new FrameTracker(1000)
  const firstEnds = 2 + 2 + 4 + 300
  for (let i = 0; i < bytes.length; i++) {
    assert.equal(tracker.feed(bytes.subarray(i, i + 1)), 'ok')
    assert.equal(tracker.midFrame, i + 1 !== firstEnds && i + 1 !== bytes.length, `after byte ${i + 1}`)
  }
})

test('a declared length over the limit is refused from the header alone, 16- and 64-bit lengths alike', () => {
  assert.equal(new FrameTracker(1000).feed(maskedTextFrameHeader(1001)), 'too-large')
  assert.equal(new FrameTracker(1000).feed(maskedTextFrameHeader(1_048_000)), 'too-large')
  assert.equal(new FrameTracker(1000).feed(maskedTextFrameHeader(2 ** 40)), 'too-large')
  assert.equal(new FrameTracker(1000).feed(frame(1000)), 'ok')
})

test('fragments count towards one message; a ping between them does not', () => {
  const tracker = new FrameTracker(1000)
  assert.equal(tracker.feed(frame(400, false)), 'ok')
  assert.equal(tracker.midFrame, true, 'inside a fragmented message')
  assert.equal(tracker.feed(ping(100)), 'ok')
  assert.equal(tracker.feed(Buffer.concat([Buffer.from([0x00, 0x80 | 126, 0x01, 0x90, 1, 2, 3, 4]), Buffer.alloc(400)])), 'ok')
  assert.equal(tracker.midFrame, true)
  // The final fragment brings the message to 1 200 bytes.
  assert.equal(tracker.feed(Buffer.from([0x80, 0x80 | 126, 0x01, 0x90, 1, 2, 3, 4])), 'too-large')
})

test('a finished message resets the count', () => {
  const tracker = new FrameTracker(1000)
  for (let i = 0; i < 5; i++) assert.equal(tracker.feed(frame(900)), 'ok')
  assert.equal(tracker.midFrame, false)
})

test('unmasked frames (not from a browser, but legal to parse) have no mask key', () => {
  const tracker = new FrameTracker(1000)
  assert.equal(tracker.feed(Buffer.concat([Buffer.from([0x81, 3]), Buffer.from('abc')])), 'ok')
  assert.equal(tracker.midFrame, false)
})
