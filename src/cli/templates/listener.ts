import { layoutOf, type GeneratedFile } from '../layout.js'
import { toCamelCase, toKebabCase } from '../names.js'

/** What `make:listener` was asked for, already validated. */
export interface ListenerSpec {
  readonly name: string
  /** The event class it handles; its file must exist in the events folder. */
  readonly event: string
}

/** `make:listener`: a function for `events.listen(Event, listener)`; it runs before the event is broadcast. */
export function listenerFile(dir: string, spec: ListenerSpec): GeneratedFile {
  const fn = toCamelCase(spec.name)
  const contents = `import type { ${spec.event} } from '../events/${toKebabCase(spec.event)}.js'

/**
 * Handles ${spec.event}. Register it with \`events.listen(${spec.event}, ${fn})\`: listeners run first, then the
 * event is broadcast; a listener that throws stops the broadcast.
 */
export function ${fn}(event: ${spec.event}): void | Promise<void> {
  // Do the work here (send an email, update a read model, ...); return a promise to be awaited.
  console.log(\`${spec.name}: handling \${event.broadcastAs()}\`)
}
`
  return { path: layoutOf(dir).listener(toKebabCase(spec.name)), contents }
}
