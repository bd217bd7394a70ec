// The ONLY file that calls TypeBox's value API. TypeBox's settings are process-global and an embedding
// app may rely on them, so nothing here changes them (not even maxErrors): callers validate one section
// (one connection, one app) per call and merge the reports.
import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'
import type { ConfigIssue } from '../domain/errors.js'

/**
 * Converts env-sourced strings to the schema's types (`'6001'` → 6001, `'false'` → false, a JSON list for an
 * array such as `BROADCAST_APP_WEBHOOKS`). Never used on the user's object.
 */
export function convertEnvStrings(schema: TSchema, value: unknown): unknown {
  const unparsable = new Map<string, string>()
  const converted = Value.Convert(schema, splitLists(schema, structuredClone(value), unparsable))
  // A JSON list that does not parse is kept out of Convert (which would wrap the string in an array), so the
  // check reports the string itself, naming the variable.
  return unparsable.size === 0 ? converted : { ...(converted as Record<string, unknown>), ...Object.fromEntries(unparsable) }
}

// An array-typed key set from the environment is a comma-separated list (`a.example,b.example`), or a JSON list
// when it starts with `[` (`BROADCAST_APP_WEBHOOKS`: a list of objects). Top-level JSON that does not parse goes to `unparsable`.
function splitLists(schema: TSchema, value: unknown, unparsable?: Map<string, string>): unknown {
  const properties = (schema as { properties?: Record<string, TSchema & { type?: unknown }> }).properties
  if (properties === undefined || typeof value !== 'object' || value === null) return value
  const object = value as Record<string, unknown>
  for (const [key, child] of Object.entries(object)) {
    const property = properties[key]
    if (property === undefined) continue
    if (property.type === 'array' && typeof child === 'string' && child.trimStart().startsWith('[')) parseJsonList(object, key, child, unparsable)
    else if (property.type === 'array' && typeof child === 'string') object[key] = child.split(',').map((s) => s.trim()).filter((s) => s !== '')
    else object[key] = splitLists(property, child)
  }
  return object
}

function parseJsonList(object: Record<string, unknown>, key: string, raw: string, unparsable: Map<string, string> | undefined): void {
  try {
    object[key] = JSON.parse(raw) as unknown
  } catch {
    // Reported by the schema check, with the string as given (see convertEnvStrings).
    if (unparsable === undefined) return
    unparsable.set(key, raw)
    delete object[key]
  }
}

/** Returns a copy of `value` with the schema's defaults filled in. */
export function withDefaults(schema: TSchema, value: unknown): unknown {
  return Value.Default(schema, structuredClone(value))
}

/** Every problem with `value` against `schema`, as issues whose paths start at `basePath` (e.g. `connections.main`). */
export function checkSection(schema: TSchema, value: unknown, basePath: string): ConfigIssue[] {
  if (Value.Check(schema, value)) return []
  return issuesFrom(Value.Errors(schema, value) as readonly SchemaError[], value, basePath)
}

/** The shape of one TypeBox 1.x error (JSON-Schema style). */
interface SchemaError {
  readonly keyword: string
  readonly schemaPath: string
  readonly instancePath: string
  readonly params: Record<string, unknown>
  readonly message: string
}

function issuesFrom(errors: readonly SchemaError[], root: unknown, basePath: string): ConfigIssue[] {
  const issues = new Map<string, ConfigIssue>()
  const add = (pointer: string, message: string) => {
    const path = joinPath(basePath, pointer)
    if (!issues.has(`${path}\0${message}`)) issues.set(`${path}\0${message}`, { path, message })
  }
  // Pointers where a union failed: their branch errors are folded into one "expected one of" line.
  const unions = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath))
  for (const error of errors) {
    const got = isSecretPath(error.instancePath) ? '(value hidden)' : `(got ${show(valueAt(root, error.instancePath))})`
    if (error.keyword === 'anyOf') {
      add(error.instancePath, `expected one of ${unionChoices(errors, error.instancePath).join(', ')} ${got}`)
    } else if (unions.has(error.instancePath) && (error.keyword === 'const' || error.keyword === 'type')) {
      continue
    } else if (error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties')) {
      add(error.instancePath, 'unknown key')
    } else if (error.keyword === 'additionalProperties') {
      for (const key of (error.params.additionalProperties as string[] | undefined) ?? []) add(`${error.instancePath}/${key}`, 'unknown key')
    } else if (error.keyword === 'required') {
      for (const key of (error.params.requiredProperties as string[] | undefined) ?? []) add(`${error.instancePath}/${key}`, 'is required')
    } else if (error.keyword === 'enum') {
      add(error.instancePath, `expected one of ${((error.params.allowedValues as unknown[] | undefined) ?? []).join(', ')} ${got}`)
    } else if (error.keyword === 'type') {
      add(error.instancePath, `expected ${String(error.params.type)} ${got}`)
    } else {
      add(error.instancePath, `${error.message} ${got}`)
    }
  }
  return [...issues.values()]
}

// Keys whose values must never appear in an error message (it may end up in logs).
const SECRET_KEYS = /(secret|password|key)$/i

function isSecretPath(pointer: string): boolean {
  return SECRET_KEYS.test(pointer.split('/').pop() ?? '')
}

function unionChoices(errors: readonly SchemaError[], pointer: string): string[] {
  const choices: string[] = []
  for (const e of errors) {
    if (e.instancePath !== pointer) continue
    if (e.keyword === 'const') choices.push(String(e.params.allowedValue))
    else if (e.keyword === 'type') choices.push(String(e.params.type))
  }
  return choices
}

function joinPath(basePath: string, pointer: string): string {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
  return [basePath, ...segments].filter((s) => s !== '').join('.')
}

function valueAt(root: unknown, pointer: string): unknown {
  let current = root
  for (const segment of pointer.split('/').slice(1)) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[segment.replaceAll('~1', '/').replaceAll('~0', '~')]
  }
  return current
}

/** A value as an error message shows it: strings quoted, secrets are never passed here. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'string') return `'${value}'`
  if (typeof value === 'function') return 'a function'
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
