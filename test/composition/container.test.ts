import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
// container.js first: it loads reflect-metadata, which tsyringe needs before it is evaluated.
import { createHeraldContainer, disposeHeraldContainer } from '../../src/composition/container.js'
import { container } from 'tsyringe'
import { Tokens } from '../../src/composition/tokens.js'
import { loadConfig } from '../../src/config/load-config.js'
import { Broadcasting } from '../../src/domain/broadcasting/broadcasting.js'
import type { BroadcastMessage } from '../../src/domain/broadcasting/broadcast-message.js'
import type { HeraldConfig } from '../../src/config/schema.js'
import type { BroadcasterPort } from '../../src/domain/ports/broadcaster-port.js'
import type { LoggerPort } from '../../src/domain/ports/logger-port.js'
import { LogBroadcaster } from '../../src/adapters/log/log-broadcaster.js'
import { BroadcasterFake } from '../../src/testing/index.js'

function recordingLogger(): LoggerPort & { messages: string[] } {
  const messages: string[] = []
  const at = (_obj: object, msg?: string) => void messages.push(msg ?? '')
  return { messages, debug: at, info: at, warn: at, error: at }
}

describe('createHeraldContainer', () => {
  test('registers the frozen config, and a Broadcasting singleton built by createBroadcasting', async () => {
    const config = loadConfig({}, { BROADCAST_CONNECTION: 'log' })
    const logger = recordingLogger()
    const c = createHeraldContainer(config, { logger })
    assert.equal(c.resolve<HeraldConfig>(Tokens.Config), config)
    const broadcasting = c.resolve<Broadcasting>(Tokens.Broadcasting)
    assert.ok(broadcasting instanceof Broadcasting)
    assert.equal(c.resolve(Tokens.Broadcasting), broadcasting, 'one instance per container')
    assert.ok(c.resolve<BroadcasterPort>(Tokens.BroadcasterPort) instanceof LogBroadcaster)
    await broadcasting.channel('orders').broadcast('OrderCreated', { id: 1 })
    assert.deepEqual(logger.messages, ['[Broadcast] channel=orders event=OrderCreated data={"id":1}'])
    await disposeHeraldContainer(c)
  })

  test('two containers share nothing, and neither touches the global container', async () => {
    const config = loadConfig({}, {})
    const a = createHeraldContainer(config)
    const b = createHeraldContainer(config)
    assert.notEqual(a.resolve(Tokens.Broadcasting), b.resolve(Tokens.Broadcasting))
    assert.equal(container.isRegistered(Tokens.Broadcasting), false)
    assert.equal(container.isRegistered(Tokens.Config), false)
    await disposeHeraldContainer(a)
    await disposeHeraldContainer(b)
  })

  test('a hub registered through deps makes local the default connection', async () => {
    const published: string[] = []
    const hub = {
      publish: async (r: { event: string }) => void published.push(r.event),
      channels: async () => new Map(),
      channel: async () => ({ occupied: false, subscriptionCount: 0 }),
      presenceUsers: async () => [],
      terminateUser: async () => {},
    }
    const c = createHeraldContainer(loadConfig({}, {}), { hub })
    const broadcasting = c.resolve<Broadcasting>(Tokens.Broadcasting)
    assert.equal(broadcasting.defaultConnection, 'local')
    await broadcasting.channel('a').broadcast('Hello')
    assert.deepEqual(published, ['Hello'])
    await disposeHeraldContainer(c)
  })

  test('dispose closes the drivers of a resolved Broadcasting, and skips building one never resolved', async () => {
    const c = createHeraldContainer(loadConfig({}, {}))
    const broadcasting = c.resolve<Broadcasting>(Tokens.Broadcasting)
    let closed = 0
    const port: BroadcasterPort = { broadcast: async (_m: BroadcastMessage) => {}, close: async () => void closed++ }
    broadcasting.swap(port)
    await disposeHeraldContainer(c)
    assert.equal(closed, 1)
    // Never resolved: disposing must not create drivers just to close them.
    const unused = createHeraldContainer(loadConfig({}, {}))
    await disposeHeraldContainer(unused)
  })

  test('a BroadcasterFake installs into a container-built Broadcasting', async () => {
    const c = createHeraldContainer(loadConfig({}, {}))
    const fake = BroadcasterFake.install(c.resolve<Broadcasting>(Tokens.Broadcasting))
    await c.resolve<Broadcasting>(Tokens.Broadcasting).channel('orders').broadcast('OrderCreated')
    fake.assertBroadcastedOn('orders', 'OrderCreated')
    await disposeHeraldContainer(c)
  })
})
