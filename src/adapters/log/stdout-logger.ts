import type { LoggerPort } from '../../domain/ports/logger-port.js'

// pino's numeric levels, so the lines read the same as a pino logger's and pino-pretty can render them.
const LEVELS = { debug: 20, info: 30, warn: 40, error: 50 } as const

/** Where the lines go; `process.stdout` by default, replaceable in tests. */
export interface LineSink {
  write(line: string): unknown
}

/**
 * A minimal pino-compatible logger writing one JSON line per call (`{"level":30,"time":…,"msg":…,…fields}`).
 * The log driver's default when no logger is passed; pass `pino()` or `fastify.log` for anything more.
 */
export function createStdoutLogger(sink: LineSink = process.stdout): LoggerPort {
  const write = (level: keyof typeof LEVELS) => (obj: object, msg?: string) => {
    const line = { level: LEVELS[level], time: Date.now(), ...obj, ...(msg === undefined ? {} : { msg }) }
    sink.write(`${safeStringify(line)}\n`)
  }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
  } catch {
    // A circular field must not turn a log call into a crash; the line still says something happened.
    return JSON.stringify({ msg: 'unserializable log line' })
  }
}
