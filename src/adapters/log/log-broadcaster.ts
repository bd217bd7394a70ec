import type { BroadcastMessage } from '../../domain/broadcasting/broadcast-message.js'
import { BroadcastFailedError } from '../../domain/errors.js'
import type { BroadcasterPort } from '../../domain/ports/broadcaster-port.js'
import type { LoggerPort } from '../../domain/ports/logger-port.js'
import type { LogOptions } from './log-options.js'
import { createStdoutLogger } from './stdout-logger.js'

/** The structured fields of each broadcast line, beside the human-readable message. */
export interface BroadcastLogFields {
  readonly broadcast: {
    readonly channels: readonly string[]
    readonly event: string
    readonly payload: unknown
    readonly socketId?: string
  }
}

/**
 * The `log` driver: one structured line per broadcast through a pino-compatible logger, e.g.
 * `[Broadcast] channel=orders.1 event=OrderShipped data={"order_id":1}` with the same values as fields
 * under `broadcast`. Useful in development and for the demo; delivers nothing.
 *
 * @example
 * new LogBroadcaster(pino())                       // or fastify.log
 * new LogBroadcaster()                             // JSON lines on stdout
 */
export class LogBroadcaster implements BroadcasterPort {
  readonly #logger: LoggerPort
  readonly #level: LogOptions['level']

  constructor(logger: LoggerPort = createStdoutLogger(), options: Partial<LogOptions> = {}) {
    this.#logger = logger
    this.#level = options.level ?? 'info'
  }

  async broadcast(message: BroadcastMessage): Promise<void> {
    let data: string
    try {
      data = JSON.stringify(message.payload) ?? 'undefined'
    } catch (cause) {
      throw new BroadcastFailedError('log', message.channels, cause)
    }
    const others = message.socketId === undefined ? '' : ` except=${message.socketId}`
    const fields: BroadcastLogFields = {
      broadcast: {
        channels: message.channels,
        event: message.event,
        payload: message.payload,
        ...(message.socketId === undefined ? {} : { socketId: message.socketId }),
      },
    }
    this.#logger[this.#level](fields, `[Broadcast] channel=${message.channels.join(',')} event=${message.event}${others} data=${data}`)
  }

  /** Nothing to release. */
  async close(): Promise<void> {}
}
