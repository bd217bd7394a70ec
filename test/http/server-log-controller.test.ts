import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { ServerLogController } from '../../src/http/server-log-controller.js'

function recordingLog() {
  const lines: { level: string; msg: unknown }[] = []
  const at = (level: string) => (_obj: unknown, msg?: unknown) => lines.push({ level, msg })
  return { lines, log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } }
}

test('per-request lines are debug; a failed request is still logged at error', () => {
  const { lines, log } = recordingLog()
  const request = { log, raw: { method: 'GET', url: '/nope' } } as unknown as FastifyRequest
  const reply = { log, elapsedTime: 1 } as unknown as FastifyReply
  const controller = new ServerLogController()
  controller.incomingRequest(request)
  controller.requestCompleted(null, request, reply)
  controller.routeNotFound(request)
  controller.requestCompleted(new Error('boom'), request, reply)
  assert.deepEqual(lines.map((l) => l.level), ['debug', 'debug', 'debug', 'error'])
  assert.equal(lines[3]?.msg, 'request errored')
})
