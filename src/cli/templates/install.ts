import { layoutOf, type GeneratedFile } from '../layout.js'

const CHANNELS = `import type { ChannelAuthorizer } from 'herald'

/** Who your app's users are, as far as channel rules need to know. */
export interface BroadcastUser {
  readonly id: number | string
}

/**
 * Who may listen on which private and presence channel (Laravel's routes/channels.php).
 * Mount it with \`registerChannels(app.herald.channels)\` after registering \`herald/fastify\`.
 */
export function registerChannels(channels: ChannelAuthorizer<BroadcastUser>): ChannelAuthorizer<BroadcastUser> {
  // private-users.{userId}: only that user.
  return channels.channel('users.{userId}', (user, { userId }) => String(user.id) === userId)
}
`

const CONFIG = `import type { HeraldConfigInput } from 'herald'

/**
 * Herald's configuration: pass it to \`loadConfig(broadcastingConfig)\` or the plugin's \`config\` option.
 * Keys left out come from environment variables (BROADCAST_CONNECTION, REDIS_URL, BROADCAST_APP_KEY, ...),
 * then defaults. The drivers: local (Herald's own server in this app), redis, pusher, ably, log, null.
 */
export const broadcastingConfig: HeraldConfigInput = {
  connections: {
    log: { driver: 'log' },
  },
}
`

const TEST = `import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Broadcasting, ChannelAuthorizer, NullBroadcaster } from 'herald'
import { BroadcasterFake } from 'herald/testing'
import { registerChannels, type BroadcastUser } from './channels.js'

test('a user may listen on their own channel, and on no one else\\'s', async () => {
  const channels = registerChannels(new ChannelAuthorizer<BroadcastUser>({ key: 'app-key', secret: 'app-secret' }))
  assert.equal((await channels.authorize({ id: 1 }, 'private-users.1', '1.1')).allowed, true)
  assert.equal((await channels.authorize({ id: 1 }, 'private-users.2', '1.1')).allowed, false)
})

test('the fake records what was broadcast', async () => {
  const broadcasting = new Broadcasting({ default: 'main', connections: { main: new NullBroadcaster() } })
  const fake = BroadcasterFake.install(broadcasting)
  await broadcasting.private('users.1').broadcast('Welcome', { text: 'hello' })
  fake.assertBroadcastedOn('private-users.1', 'Welcome')
  fake.assertNotBroadcasted('Goodbye')
})
`

/** `herald install`: the channels file with a sample rule, the config, an events folder and a test using the fake. */
export function installFiles(dir: string): GeneratedFile[] {
  const layout = layoutOf(dir)
  return [
    { path: layout.channelsFile, contents: CHANNELS },
    { path: layout.configFile, contents: CONFIG },
    { path: `${layout.eventsDir}/.gitkeep`, contents: '' },
    { path: layout.testFile, contents: TEST },
  ]
}
