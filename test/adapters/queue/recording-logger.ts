import type { LoggerPort } from '../../../src/domain/ports/logger-port.js'

/** One logged line. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error'
  readonly obj: Record<string, unknown>
  readonly msg: string | undefined
}

/** A logger that keeps every line, so tests can assert what was logged. */
export function recordingLogger(): LoggerPort & { readonly lines: LogLine[] } {
  const lines: LogLine[] = []
  const at = (level: LogLine['level']) => (obj: object, msg?: string) => {
    lines.push({ level, obj: obj as Record<string, unknown>, msg })
  }
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
