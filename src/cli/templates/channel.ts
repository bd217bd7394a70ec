import { layoutOf, type GeneratedFile } from '../layout.js'
import { toKebabCase } from '../names.js'

/** What `make:channel` was asked for, already validated. */
export interface ChannelSpec {
  readonly name: string
  /** The pattern the class authorizes, e.g. `orders.{orderId}`. */
  readonly pattern: string
}

/** `make:channel`: a `{ join }` class (Laravel's channel classes), registered with `channels.channel(pattern, new X())`. */
export function channelFile(dir: string, spec: ChannelSpec): GeneratedFile {
  const contents = `import type { ChannelParams } from 'herald'
import type { BroadcastUser } from '../channels.js'

/**
 * Who may join \`${spec.pattern}\` (as a private or presence channel). Register it in channels.ts:
 * \`channels.channel(${spec.name}.pattern, new ${spec.name}())\`.
 */
export class ${spec.name} {
  static readonly pattern = '${spec.pattern}'

  /** \`true\` (or member info, for a presence channel) lets the user in; \`false\` refuses with 403. */
  join(_user: BroadcastUser, _params: ChannelParams<typeof ${spec.name}.pattern>): boolean | object {
    // Write the rule: look the resource up and compare its owner with the user. Until then, nobody joins.
    return false
  }
}
`
  return { path: layoutOf(dir).channel(toKebabCase(spec.name)), contents }
}
