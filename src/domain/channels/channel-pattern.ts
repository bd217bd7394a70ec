import { InvalidChannelPatternError } from '../errors.js'
import { channelKindOf, isValidChannelName, stripChannelPrefix } from './channel-name.js'

/** The names of the `{param}` placeholders in a pattern literal, e.g. `'orderId'` for `'orders.{orderId}'`. */
export type PatternParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | PatternParamNames<Rest> : never

/**
 * The parameters a pattern yields. A literal pattern gives a precise type
 * (`{ orderId: string }`); a pattern only known at runtime gives `Record<string, string>`.
 */
export type ChannelParams<P extends string = string> = string extends P ? Record<string, string> : { [K in PatternParamNames<P>]: string }

// A parameter name is a JavaScript identifier, so it can be a regex group name and a property name.
const PARAM_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/
// Literal text allowed in a pattern segment: the channel name characters, minus the dot that separates segments.
const LITERAL_CHARS = /^#?[-a-zA-Z0-9_=@,;]+$/
// One token of a segment: a `{param}` placeholder or a run of literal text.
const SEGMENT_TOKEN = /\{([^{}]*)\}|[^{}]+|[{}]/g
// Everything a literal may contain that means something to a regex.
const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/g

/**
 * A compiled channel pattern such as `orders.{orderId}` or `tenant.*.orders`.
 *
 * - It matches a channel name after its `private-`, `presence-` or `private-encrypted-` prefix is removed,
 *   so one rule serves every kind of the same channel.
 * - A `{param}` matches one or more characters and never a dot; it may share a segment with literal text
 *   (`user-{id}`), but two parameters may not touch (`{a}{b}` would be ambiguous).
 * - `*` is a whole-segment wildcard (`tenant.*.orders`); it yields no parameter.
 * - The pattern is compiled once into one anchored regex; matching does no other work.
 *
 * @example
 * const p = ChannelPattern.compile('orders.{orderId}')
 * p.match('private-orders.42') // { orderId: '42' }
 * p.match('orders.4.2')        // null: a parameter never crosses a dot
 */
export class ChannelPattern<P extends string = string> {
  /** The pattern as written. */
  readonly source: P
  /** The parameter names, in the order they appear. */
  readonly paramNames: readonly string[]
  readonly #regex: RegExp

  private constructor(source: P, paramNames: readonly string[], regex: RegExp) {
    this.source = source
    this.paramNames = paramNames
    this.#regex = regex
  }

  /** Compiles `pattern`; throws {@link InvalidChannelPatternError} naming the pattern and the broken rule. */
  static compile<P extends string>(pattern: P): ChannelPattern<P> {
    if (typeof pattern !== 'string' || pattern.length === 0) {
      // oxlint-disable-next-line typescript/no-unnecessary-type-conversion -- JavaScript callers can pass anything
      throw new InvalidChannelPatternError(String(pattern), 'must be a non-empty string')
    }
    if (channelKindOf(pattern) !== 'public') {
      throw new InvalidChannelPatternError(
        pattern,
        `write it without the private-/presence-/private-encrypted- prefix (e.g. ${JSON.stringify(stripChannelPrefix(pattern))}); ` +
          'patterns match the name after the prefix is removed',
      )
    }
    const names: string[] = []
    const parts = pattern.split('.').map((segment, index) => compileSegment(pattern, segment, index, names))
    return new ChannelPattern(pattern, names, new RegExp(`^${parts.join('\\.')}$`))
  }

  /**
   * The parameters when `channelName` (with or without its kind prefix) matches, else `null`.
   * A name that breaks the channel naming rules never matches.
   */
  match(channelName: string): ChannelParams<P> | null {
    if (!isValidChannelName(channelName)) return null
    return this.matchUnprefixed(stripChannelPrefix(channelName))
  }

  /**
   * Like {@link match} for a name already validated and stripped of its kind prefix; for callers that try
   * many patterns against one name (the authorizer) and so validate and strip once.
   */
  matchUnprefixed(name: string): ChannelParams<P> | null {
    const m = this.#regex.exec(name)
    if (m === null) return null
    // Spread into a plain object: `groups` has a null prototype, which surprises deepEqual and callers.
    return { ...m.groups } as ChannelParams<P>
  }

  /** True when `channelName` matches. */
  test(channelName: string): boolean {
    return this.match(channelName) !== null
  }

  /**
   * The channel name (without kind prefix) for `params`, the inverse of {@link match}.
   * Throws {@link InvalidChannelPatternError} for a pattern with `*`, a missing parameter or a value that
   * would not match back (a dot, an empty string, a character channels may not contain).
   * @example ChannelPattern.compile('orders.{orderId}').format({ orderId: 42 }) // 'orders.42'
   */
  format(params: { [K in keyof ChannelParams<P>]: string | number }): string {
    const values = params as Record<string, string | number | undefined>
    const name = this.source.replace(/\{([^{}]*)\}/g, (_whole, key: string) => {
      const value = values[key]
      if (value === undefined) throw new InvalidChannelPatternError(this.source, `format() is missing parameter '${key}'`)
      const text = String(value)
      if (text.length === 0 || !LITERAL_CHARS.test(text) || text.startsWith('#')) {
        throw new InvalidChannelPatternError(this.source, `format() got ${JSON.stringify(text)} for '${key}', which cannot be a segment of a channel name`)
      }
      return text
    })
    if (name.split('.').includes('*')) throw new InvalidChannelPatternError(this.source, 'format() cannot fill a * wildcard')
    return name
  }

  toString(): string {
    return this.source
  }
}

/** One dot-separated segment of a pattern as a regex fragment; records parameter names in `names`. */
function compileSegment(pattern: string, segment: string, index: number, names: string[]): string {
  if (segment.length === 0) {
    throw new InvalidChannelPatternError(pattern, `segment ${index + 1} is empty (a leading, trailing or doubled dot)`)
  }
  if (segment === '*') return '[^.]+'
  let out = ''
  let previousWasParam = false
  for (const [token, name] of segment.matchAll(SEGMENT_TOKEN)) {
    if (name !== undefined) {
      if (!PARAM_NAME.test(name)) {
        throw new InvalidChannelPatternError(pattern, `parameter {${name}} must be a name of letters, digits, _ or $, not starting with a digit`)
      }
      if (names.includes(name)) throw new InvalidChannelPatternError(pattern, `parameter {${name}} appears more than once`)
      if (previousWasParam) throw new InvalidChannelPatternError(pattern, `parameters in segment '${segment}' touch; put literal text between them`)
      names.push(name)
      out += `(?<${name}>[^.]+)`
      previousWasParam = true
    } else if (token.includes('*')) {
      throw new InvalidChannelPatternError(pattern, `'*' must be a whole segment (got '${segment}')`)
    } else if (token === '{' || token === '}') {
      throw new InvalidChannelPatternError(pattern, `unbalanced '${token}' in segment '${segment}'`)
    } else {
      if (!LITERAL_CHARS.test(token) || (token.startsWith('#') && (index > 0 || out !== ''))) {
        throw new InvalidChannelPatternError(pattern, `'${token}' may contain only letters, digits and - _ = @ , ; (and # at the very start)`)
      }
      out += token.replace(REGEX_SPECIAL, '\\$&')
      previousWasParam = false
    }
  }
  return out
}
