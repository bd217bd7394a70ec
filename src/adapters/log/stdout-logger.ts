import { pino } from 'pino'
import type { LoggerPort } from '../../domain/ports/logger-port.js'

/** Where the lines go; `process.stdout` by default, replaceable in tests. */
export interface LineSink {
  write(line: string): unknown
}

/**
 * The log driver's default logger when none is passed: pino (the logger Fastify itself uses) writing one
 * JSON line per call (`{"level":30,"time":…,"msg":…,…fields}`) to `sink`, from `debug` up, without pid and
 * hostname. Pass `fastify.log` or your own `pino()` for anything more.
 */
export function createStdoutLogger(sink: LineSink = process.stdout): LoggerPort {
  return pino({ base: null, level: 'debug' }, sink)
}
