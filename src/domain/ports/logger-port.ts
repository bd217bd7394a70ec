/** The subset of a pino-compatible logger Herald uses. `fastify.log` and `pino()` both fit. */
export interface LoggerPort {
  debug(obj: object, msg?: string): void
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

/** A logger that discards everything. */
export const nullLogger: LoggerPort = {
  debug() {},
  info() {},
  warn() {},
  error() {},
}
