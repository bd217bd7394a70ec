// pusher-js ships CommonJS (`module.exports = Pusher`) with `export default` typings; under NodeNext
// the default import is typed as the module namespace (the class sits on `.default` in the types
// only), so the class is re-typed here once.
import PusherModule from 'pusher-js'
import type { Options } from 'pusher-js'

type PusherConstructor = typeof PusherModule.default
export type Pusher = InstanceType<PusherConstructor>
export type PusherOptions = Options
export const Pusher = PusherModule as unknown as PusherConstructor
