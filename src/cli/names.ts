import { ChannelPattern } from '../domain/channels/channel-pattern.js'
import { InvalidCommandError } from './command-error.js'

/** Words TypeScript reserves, or that shadow a global an event file needs. */
const RESERVED = new Set(['Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'Promise', 'Error', 'Date', 'Map', 'Set', 'JSON', 'Math', 'Reflect', 'Proxy'])
const PASCAL_CASE = /^[A-Z][A-Za-z0-9]*$/
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/**
 * Checks that `name` can be a class name and a file name: PascalCase letters and digits (`OrderShipped`).
 * The error names the command, the value, and a corrected suggestion when one is obvious.
 */
export function validateClassName(command: string, name: string | undefined): string {
  if (name === undefined || name === '') throw new InvalidCommandError(`${command} needs a name, e.g. \`herald ${command} ${exampleName(command)}\``)
  if (PASCAL_CASE.test(name) && !RESERVED.has(name)) return name
  const suggestion = toPascalCase(name)
  const hint = suggestion !== undefined && suggestion !== name && !RESERVED.has(suggestion) ? `; did you mean ${suggestion}?` : ''
  throw new InvalidCommandError(
    `${command} ${JSON.stringify(name)}: a name must be a PascalCase class name (letters and digits, starting with an uppercase letter, not a built-in like Object)${hint}`,
  )
}

/** `order-shipped`, `order_shipped`, `orderShipped` → `OrderShipped`; undefined for anything but words and separators. */
export function toPascalCase(text: string): string | undefined {
  if (!/^[A-Za-z0-9 ._-]+$/.test(text)) return undefined
  const words = text.split(/[^A-Za-z0-9]+/).filter((w) => w !== '')
  const joined = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')
  return PASCAL_CASE.test(joined) ? joined : undefined
}

/** `OrderShipped` → `order-shipped` (file names), `HTTPError` → `http-error`. */
export function toKebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
}

/** `OrderShipped` → `orderShipped` (function names). */
export function toCamelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

/**
 * Validates a channel pattern given to a generator (`orders.{orderId}`) with the same rules the authorizer
 * uses, and returns its parameter names, each of which must be usable as a property name.
 */
export function validateChannelPattern(command: string, pattern: string, options: { allowWildcard: boolean }): readonly string[] {
  let params: readonly string[]
  try {
    params = ChannelPattern.compile(pattern).paramNames
  } catch (error) {
    throw new InvalidCommandError(`${command} --channel: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (!options.allowWildcard && pattern.split('.').includes('*')) {
    throw new InvalidCommandError(`${command} --channel ${JSON.stringify(pattern)}: an event needs a concrete channel; use {name} placeholders, not *`)
  }
  const bad = params.find((p) => !IDENTIFIER.test(p))
  if (bad !== undefined) throw new InvalidCommandError(`${command} --channel ${JSON.stringify(pattern)}: placeholder {${bad}} must be an identifier such as {orderId}`)
  return params
}

function exampleName(command: string): string {
  if (command === 'make:channel') return 'OrderChannel'
  if (command === 'make:listener') return 'SendShipmentEmail --event OrderShipped'
  return 'OrderShipped'
}
