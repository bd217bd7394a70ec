import { layoutOf, type GeneratedFile } from '../layout.js'
import { toKebabCase } from '../names.js'

/** The channel kind of a generated event: `Channel`, `PrivateChannel` or `PresenceChannel`. */
export type EventVisibility = 'public' | 'private' | 'presence'

/** What `make:event` was asked for, already validated. */
export interface EventSpec {
  readonly name: string
  readonly visibility: EventVisibility
  /** The channel pattern, e.g. `orders.{orderId}`; each placeholder becomes a constructor field. */
  readonly channel: string
  readonly params: readonly string[]
}

const CHANNEL_CLASS: Record<EventVisibility, string> = { public: 'Channel', private: 'PrivateChannel', presence: 'PresenceChannel' }

/** `make:event`: a `BroadcastEvent` with an explicit name and a typed `broadcastWith()` (what `EventPayload` reads). */
export function eventFile(dir: string, spec: EventSpec): GeneratedFile {
  const channelClass = CHANNEL_CLASS[spec.visibility]
  const channelName = spec.channel.replace(/\{([^{}]+)\}/g, (_all, name: string) => `\${this.${name}}`)
  const channelExpression = spec.params.length > 0 ? `\`${channelName}\`` : `'${spec.channel}'`
  const fields = spec.params.map((p) => `  readonly ${p}: string\n`).join('')
  const constructor =
    spec.params.length === 0
      ? ''
      : `\n  constructor(${spec.params.map((p) => `${p}: string`).join(', ')}) {\n    super()\n${spec.params.map((p) => `    this.${p} = ${p}\n`).join('')}  }\n`
  const payload = spec.params.length === 0 ? '{}' : `{ ${spec.params.map((p) => `${p}: this.${p}`).join(', ')} }`
  const contents = `import { BroadcastEvent, ${channelClass} } from 'herald'

/**
 * Broadcast as \`${spec.name}\` on ${spec.visibility === 'public' ? '' : `${spec.visibility}-`}${spec.channel}.
 * Dispatch it with \`events.dispatch(new ${spec.name}(${spec.params.join(', ')}))\`; on the client, type its payload
 * with \`EventPayload<typeof ${spec.name}>\`.
 */
export class ${spec.name} extends BroadcastEvent {
${fields}${constructor}
  broadcastOn() {
    return new ${channelClass}(${channelExpression})
  }

  // Explicit, so a minifier renaming the class changes nothing.
  override broadcastAs() {
    return '${spec.name}'
  }

  // What the client receives; add fields here (and only here) to send more.
  override broadcastWith() {
    return ${payload}
  }
}
`
  return { path: layoutOf(dir).event(toKebabCase(spec.name)), contents }
}
