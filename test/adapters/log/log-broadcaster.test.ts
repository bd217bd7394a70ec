import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { LogBroadcaster, type BroadcastLogFields } from '../../../src/adapters/log/log-broadcaster.js'
import { createStdoutLogger } from '../../../src/adapters/log/stdout-logger.js'
import { HeraldError, HeraldErrorCode } from '../../../src/domain/errors.js'
import type { LoggerPort } from '../../../src/domain/ports/logger-port.js'

interface Line {
  level: string
  obj: object
  msg: string | undefined
}

function recordingLogger(): { logger: LoggerPort; lines: Line[] } {
  const lines: Line[] = []
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg })
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines }
}

describe('LogBroadcaster', () => {
  test('writes one line per broadcast with a readable message and structured fields', async () => {
    const { logger, lines } = recordingLogger()
    await new LogBroadcaster(logger).broadcast({ channels: ['orders.1'], event: 'OrderShipped', payload: { order_id: 1 } })
    assert.equal(lines.length, 1)
    assert.equal(lines[0]?.level, 'info')
    assert.equal(lines[0]?.msg, '[Broadcast] channel=orders.1 event=OrderShipped data={"order_id":1}')
    assert.deepEqual(lines[0]?.obj, { broadcast: { channels: ['orders.1'], event: 'OrderShipped', payload: { order_id: 1 } } })
  })

  test('lists every channel on one line and shows the excluded socket', async () => {
    const { logger, lines } = recordingLogger()
    await new LogBroadcaster(logger, { level: 'debug' }).broadcast({
      channels: ['a', 'private-b'],
      event: 'E',
      payload: {},
      socketId: '1.2',
    })
    assert.equal(lines.length, 1)
    assert.equal(lines[0]?.level, 'debug')
    assert.equal(lines[0]?.msg, '[Broadcast] channel=a,private-b event=E except=1.2 data={}')
    assert.equal((lines[0].obj as BroadcastLogFields).broadcast.socketId, '1.2')
  })

  test('an unserialisable payload rejects with BroadcastFailedError naming the driver and channels', async () => {
    const { logger, lines } = recordingLogger()
    const result = new LogBroadcaster(logger).broadcast({ channels: ['x'], event: 'E', payload: { n: 1n } })
    await assert.rejects(result, (err: unknown) => {
      assert.ok(HeraldError.is(err, HeraldErrorCode.BroadcastFailed))
      assert.match(err.message, /driver 'log' to \[x\]/)
      assert.ok(err.cause instanceof TypeError)
      return true
    })
    assert.equal(lines.length, 0)
  })

  test('the default logger writes pino-style JSON lines', async () => {
    const written: string[] = []
    const logger = createStdoutLogger({ write: (line: string) => written.push(line) })
    await new LogBroadcaster(logger).broadcast({ channels: ['orders.1'], event: 'OrderShipped', payload: { order_id: 1 } })
    assert.equal(written.length, 1)
    assert.ok(written[0]?.endsWith('\n'))
    const line = JSON.parse(written[0] ?? '') as Record<string, unknown>
    assert.equal(line.level, 30)
    assert.equal(typeof line.time, 'number')
    assert.equal(line.msg, '[Broadcast] channel=orders.1 event=OrderShipped data={"order_id":1}')
    assert.deepEqual(line.broadcast, { channels: ['orders.1'], event: 'OrderShipped', payload: { order_id: 1 } })
  })

  test('the default logger survives a circular field', () => {
    const written: string[] = []
    const logger = createStdoutLogger({ write: (line: string) => written.push(line) })
    const circular: Record<string, unknown> = {}
    circular.self = circular
    logger.warn({ circular }, 'x')
    const line = JSON.parse(written[0] ?? '') as Record<string, unknown>
    assert.equal(line.msg, 'x')
    assert.deepEqual(line.circular, { self: '[Circular]' })
  })
})
