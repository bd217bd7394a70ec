import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PresenceRoster } from '../../../src/domain/realtime/presence-roster.js'

test('a user with two connections is one member, who leaves with the last connection', () => {
  const roster = new PresenceRoster()
  assert.equal(roster.join('1', { name: 'Ann' }), true)
  assert.equal(roster.join('1', { name: 'Ann' }), false)
  assert.equal(roster.size, 1)
  assert.equal(roster.leave('1'), false)
  assert.equal(roster.size, 1)
  assert.equal(roster.leave('1'), true)
  assert.equal(roster.size, 0)
  assert.equal(roster.leave('1'), false)
})

test('serialised() is the {presence:{ids,hash,count}} shape, cached until membership changes', () => {
  const roster = new PresenceRoster()
  roster.join('1', { name: 'Ann' })
  roster.join('2', undefined)
  const first = roster.serialised()
  assert.deepEqual(JSON.parse(first), { presence: { ids: ['1', '2'], hash: { '1': { name: 'Ann' }, '2': null }, count: 2 } })
  roster.join('1', { name: 'Ann' })
  assert.equal(roster.serialised(), first, 'a second tab does not change the roster string (same instance reused)')
  roster.leave('2')
  assert.deepEqual(JSON.parse(roster.serialised()), { presence: { ids: ['1'], hash: { '1': { name: 'Ann' } }, count: 1 } })
  assert.deepEqual(roster.userIds(), ['1'])
  assert.deepEqual(roster.userInfoOf('1'), { name: 'Ann' })
})

test('has: a user is a member while at least one of its connections is on the channel', () => {
  const roster = new PresenceRoster()
  assert.equal(roster.has('1'), false)
  roster.join('1', undefined)
  roster.join('1', undefined)
  roster.leave('1')
  assert.equal(roster.has('1'), true)
  roster.leave('1')
  assert.equal(roster.has('1'), false)
})
