// Finds every module specifier a TypeScript source pulls in, and checks them against the domain's rule:
// only relative imports that stay inside src/domain, and `node:crypto`. Kept separate from the test so the
// scanner itself is tested on a deliberately bad sample (a boundary test that cannot fail proves nothing).
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'

/**
 * Source files allowed a computed dynamic import, each for a reason no literal specifier can serve:
 * src/config/config-file.ts loads the operator's config file, whose path is known only at run time.
 */
export const COMPUTED_IMPORT_ALLOWED: ReadonlySet<string> = new Set(['src/config/config-file.ts'])

/** One module reference found in a source file. `specifier` is null for a computed dynamic import/require. */
export interface ImportReference {
  readonly specifier: string | null
  readonly line: number
  readonly form: 'static' | 'side-effect' | 'dynamic' | 'require'
}

/** A reference the domain may not make. */
export interface ImportViolation {
  readonly file: string
  readonly line: number
  readonly specifier: string
  readonly reason: string
}

/** The only non-relative module the domain may import. */
export const DOMAIN_ALLOWED_MODULES: readonly string[] = ['node:crypto']

const PATTERNS: ReadonlyArray<[ImportReference['form'], RegExp]> = [
  // import x from 'm' · import { a, b } from 'm' (multi-line) · import type … · export { a } from 'm' · export * as n from 'm'
  // (the body may not contain another import/export keyword, so the line reported is the statement's own)
  ['static', /(?<![.\w$])(?:import|export)\s+(?:(?!\b(?:import|export)\b)[^;'"`()])*?\bfrom\s*(['"])(.*?)\1/g],
  ['side-effect', /(?<![.\w$])import\s*(['"])(.*?)\1/g],
  ['dynamic', /(?<![.\w$])import\s*\(\s*([^)]*?)\s*\)/g],
  ['require', /(?<![.\w$])require\s*\(\s*([^)]*?)\s*\)/g],
]

/** Every module reference in `source`, with comments ignored. */
export function findImportReferences(source: string): ImportReference[] {
  const code = blankComments(source)
  const found: ImportReference[] = []
  for (const [form, pattern] of PATTERNS) {
    for (const m of code.matchAll(pattern)) {
      const line = lineOf(code, m.index)
      if (form === 'dynamic' || form === 'require') {
        const arg = m[1] ?? ''
        const literal = /^(['"`])([^'"`$]*)\1$/.exec(arg)
        found.push({ specifier: literal ? (literal[2] ?? '') : null, line, form })
      } else {
        found.push({ specifier: m[2] ?? '', line, form })
      }
    }
  }
  return found.sort((a, b) => a.line - b.line)
}

/** The references in `source` (the text of `file`) that break the domain rule; `domainRoot` is src/domain. */
export function findDomainViolations(source: string, file: string, domainRoot: string): ImportViolation[] {
  const violations: ImportViolation[] = []
  for (const ref of findImportReferences(source)) {
    const reason = domainRuleProblem(ref, file, domainRoot)
    if (reason !== undefined) violations.push({ file, line: ref.line, specifier: ref.specifier ?? '<computed>', reason })
  }
  return violations
}

function domainRuleProblem(ref: ImportReference, file: string, domainRoot: string): string | undefined {
  if (ref.specifier === null) return `a computed ${ref.form === 'require' ? 'require' : 'dynamic import'} cannot be checked; use a literal specifier`
  if (ref.specifier.startsWith('./') || ref.specifier.startsWith('../')) {
    const target = resolve(dirname(file), ref.specifier)
    const rel = relative(resolve(domainRoot), target)
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return 'relative import leaves src/domain'
    return undefined
  }
  if (DOMAIN_ALLOWED_MODULES.includes(ref.specifier)) return undefined
  return `src/domain may import only itself and ${DOMAIN_ALLOWED_MODULES.join(', ')}`
}

function lineOf(text: string, index: number): number {
  let line = 1
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

// After these characters (or keywords) a `/` starts a regex literal rather than a division.
const REGEX_PRECEDERS = new Set(['', '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^'])
const REGEX_KEYWORDS = /(?:^|[^\w$])(?:return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/

/**
 * Replaces comments with spaces (keeping newlines, so line numbers hold) and leaves strings intact.
 * Strings, template literals and regex literals are skipped as units so a `//` or quote inside them
 * is not taken for a comment or a string.
 */
export function blankComments(src: string): string {
  let out = ''
  let i = 0
  while (i < src.length) {
    const c = src[i] as string
    const next = src[i + 1]
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i)
      const stop = end < 0 ? src.length : end
      out += ' '.repeat(stop - i)
      i = stop
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2)
      const stop = end < 0 ? src.length : end + 2
      out += src.slice(i, stop).replace(/[^\n]/g, ' ')
      i = stop
    } else if (c === '"' || c === "'" || c === '`') {
      const stop = skipQuoted(src, i, c)
      out += src.slice(i, stop)
      i = stop
    } else if (c === '/' && startsRegex(out)) {
      const stop = skipRegex(src, i)
      out += src.slice(i, stop)
      i = stop
    } else {
      out += c
      i++
    }
  }
  return out
}

function startsRegex(before: string): boolean {
  const trimmed = before.trimEnd()
  return REGEX_PRECEDERS.has(trimmed.slice(-1)) || REGEX_KEYWORDS.test(trimmed)
}

function skipQuoted(src: string, start: number, quote: string): number {
  let i = start + 1
  while (i < src.length) {
    const c = src[i]
    if (c === '\\') i += 2
    else if (c === quote) return i + 1
    else if (c === '\n' && quote !== '`') return i
    else i++
  }
  return i
}

function skipRegex(src: string, start: number): number {
  let i = start + 1
  let inClass = false
  while (i < src.length) {
    const c = src[i]
    if (c === '\\') i += 2
    else if (c === '\n') return i
    else if (inClass) {
      if (c === ']') inClass = false
      i++
    } else if (c === '[') {
      inClass = true
      i++
    } else if (c === '/') return i + 1
    else i++
  }
  return i
}
