import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PendingByAddress } from '../../src/http/pending-by-address.js'

test('counts per address, refuses at the cap, and frees a slot on release', () => {
  const counts = new PendingByAddress(2)
  assert.equal(counts.tryAcquire('a'), true)
  assert.equal(counts.tryAcquire('a'), true)
  assert.equal(counts.tryAcquire('a'), false)
  assert.equal(counts.tryAcquire('b'), true, 'another address has its own budget')
  assert.deepEqual([counts.pending, counts.refused], [3, 1])
  counts.release('a')
  assert.equal(counts.tryAcquire('a'), true)
  counts.release('a')
  counts.release('a')
  counts.release('b')
  assert.equal(counts.pending, 0)
  counts.release('never-seen')
  assert.equal(counts.pending, 0, 'a stray release changes nothing')
})

test('a cap of 0 counts without refusing', () => {
  const counts = new PendingByAddress(0)
  for (let i = 0; i < 1000; i++) assert.equal(counts.tryAcquire('a'), true)
  assert.deepEqual([counts.pending, counts.refused], [1000, 0])
})
