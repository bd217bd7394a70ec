import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '../../src/config/load-config.js'
import { HeraldError, HeraldErrorCode, type InvalidConfigError } from '../../src/domain/errors.js'

function issuesOf(fn: () => unknown): string[] {
  try {
    fn()
  } catch (err) {
    assert.ok(HeraldError.is(err, HeraldErrorCode.InvalidConfig), `expected an InvalidConfigError, got ${String(err)}`)
    return (err as InvalidConfigError).issues.map((i) => `${i.path}: ${i.message}`)
  }
  assert.fail('expected the config to be rejected')
}

test('apps default to no webhooks and no subscription counting', () => {
  const app = loadConfig({}, {}).apps[0]
  assert.deepEqual(app?.webhooks, [])
  assert.equal(app?.subscriptionCount, false)
})

test('BROADCAST_APP_WEBHOOKS holds the same list as JSON; BROADCAST_APP_SUBSCRIPTION_COUNT turns counting on', () => {
  const list = [{ url: 'https://example.test/hook', eventTypes: ['member_added'], filter: { channelNameStartsWith: 'presence-' }, headers: { 'X-Token': 't' } }]
  const app = loadConfig({}, { BROADCAST_APP_WEBHOOKS: JSON.stringify(list), BROADCAST_APP_SUBSCRIPTION_COUNT: 'true' }).apps[0]
  assert.deepEqual(app?.webhooks, list)
  assert.equal(app?.subscriptionCount, true)
})

test('bad webhook lists are reported by key, naming the variable they came from', () => {
  assert.deepEqual(issuesOf(() => loadConfig({}, { BROADCAST_APP_WEBHOOKS: '[{"url": ' })), [
    "apps.0.webhooks: expected array (got '[{\"url\": ') (from BROADCAST_APP_WEBHOOKS)",
  ])
  const issues = issuesOf(() =>
    loadConfig({ apps: [{ id: 'a', key: 'k', secret: 's', webhooks: [{ url: 'ftp://x', eventTypes: ['channel_existence' as 'cache_miss'], colour: 'red' } as never] }] }, {}),
  )
  assert.ok(issues.some((i) => i.startsWith('apps.0.webhooks.0.url:')), issues.join('\n'))
  assert.ok(issues.some((i) => i.startsWith('apps.0.webhooks.0.eventTypes.0: expected one of channel_occupied')), issues.join('\n'))
  assert.ok(issues.includes('apps.0.webhooks.0.colour: unknown key'), issues.join('\n'))
})
