import type { HeraldConfigInput } from './schema.js'

/**
 * Types a config file (`herald.config.ts`) without changing it: the same object feeds `herald serve`
 * and `loadConfig()` in your application, so both read one source.
 *
 * @example
 * // herald.config.ts
 * import { defineConfig } from 'herald'
 * export default defineConfig({ apps: [{ id: 'my-app', key: 'my-key', secret: process.env.APP_SECRET! }] })
 *
 * // your app
 * import config from './herald.config.js'
 * const broadcasting = createBroadcasting(loadConfig(config))
 */
export function defineConfig(config: HeraldConfigInput): HeraldConfigInput {
  // Not generic on purpose: a concrete parameter type keeps TypeScript's excess-property check, so a
  // misspelt key (`server: { prot: 6001 }`) is a compile error in the file, not only at start-up.
  return config
}
