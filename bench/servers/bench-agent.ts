/**
 * Preloaded (`--import`) into every server the bench starts, Herald included, so that no server needs bench code:
 * a tiny HTTP listener on BENCH_AGENT_PORT reports this process's CPU time and memory, forces a GC (the process runs
 * with `--expose-gc`) and records a CPU profile on demand (the V8 profiler `node --cpu-prof` uses, started and stopped
 * around the measured window only).
 */
import { createServer, type ServerResponse } from 'node:http'
import { Session } from 'node:inspector'
import { readFileSync, writeFileSync } from 'node:fs'
import { writeHeapSnapshot } from 'node:v8'

const port = Number(process.env['BENCH_AGENT_PORT'])
if (!Number.isInteger(port) || port <= 0) throw new Error(`bench-agent: BENCH_AGENT_PORT must be a port number, got '${process.env['BENCH_AGENT_PORT']}'`)

// The bench runner talks to servers over IPC only to know when it is gone: an orphaned server must not outlive it.
process.on('disconnect', () => process.exit(0))

let session: Session | undefined

function post<T>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    if (session === undefined) return reject(new Error('bench-agent: no inspector session'))
    session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T)))
  })
}

/** Write-like syscalls (write, writev, sendmsg…) this process made so far: Linux's `syscw`; -1 where unknown. */
function writeSyscalls(): number {
  try {
    const match = /^syscw:\s*(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))
    return match === null ? -1 : Number(match[1])
  } catch {
    return -1
  }
}

function snapshot(): object {
  const cpu = process.cpuUsage()
  const mem = process.memoryUsage()
  return { cpuMicros: cpu.user + cpu.system, writeSyscalls: writeSyscalls(), rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external, arrayBuffers: mem.arrayBuffers }
}

function reply(res: ServerResponse, body: object): void {
  res.setHeader('content-type', 'application/json')
  res.end(JSON.stringify(body))
}

const routes: Record<string, (url: URL) => Promise<object>> = {
  '/__bench/stats': async () => snapshot(),
  '/__bench/gc': async () => {
    const gc = (globalThis as { gc?: () => void }).gc
    if (gc === undefined) throw new Error('bench-agent: start the server with --expose-gc')
    // Several passes: the first frees young objects, later ones let finalizers and weak maps settle.
    for (let i = 0; i < 4; i++) {
      gc()
      await new Promise((resolve) => setImmediate(resolve))
    }
    return snapshot()
  },
  '/__bench/heap-snapshot': async (url) => {
    const file = url.searchParams.get('file')
    if (file === null) throw new Error('bench-agent: heap-snapshot needs ?file=')
    return { file: writeHeapSnapshot(file) }
  },
  '/__bench/profile/start': async () => {
    session = new Session()
    session.connect()
    await post('Profiler.enable')
    await post('Profiler.setSamplingInterval', { interval: 100 })
    await post('Profiler.start')
    return { started: true }
  },
  '/__bench/profile/stop': async (url) => {
    const { profile } = await post<{ profile: object }>('Profiler.stop')
    const file = url.searchParams.get('file')
    if (file === null) throw new Error('bench-agent: profile/stop needs ?file=')
    writeFileSync(file, JSON.stringify(profile))
    session?.disconnect()
    session = undefined
    return { file }
  },
}

const agent = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://agent')
  const route = routes[url.pathname]
  if (route === undefined) {
    res.statusCode = 404
    return reply(res, { error: `bench-agent: no route ${url.pathname}` })
  }
  route(url).then(
    (body) => reply(res, body),
    (err: unknown) => {
      res.statusCode = 500
      reply(res, { error: err instanceof Error ? err.message : String(err) })
    },
  )
})
agent.listen(port, '127.0.0.1')
// The agent must not keep a server alive that wants to exit on its own.
agent.unref()
