import { startPusherHttpRecorder, type HttpRecorder, type RecordedRequest } from './pusher-http-recorder.js'

/** One message as Ably's REST API received it on `POST /channels/{name}/messages`. */
export interface RecordedAblyMessage {
  /** The Ably channel name, URL-decoded (`private:orders.1`). */
  readonly channel: string
  readonly name: string | undefined
  /** `data` decoded per its `encoding` (`json` → parsed). */
  readonly data: unknown
  readonly encoding: string | undefined
  readonly connectionKey: string | undefined
  readonly clientId: string | undefined
  readonly request: RecordedRequest
}

/** A local stand-in for Ably's REST host that records requests (JSON protocol only). */
export interface AblyRestRecorder extends HttpRecorder {
  /** Every message published so far, one per message in each publish request. */
  published(): RecordedAblyMessage[]
}

/** Starts the recorder; point the SDK at it with `{ endpoint: '127.0.0.1', port, tls: false, useBinaryProtocol: false }`. */
export async function startAblyRestRecorder(): Promise<AblyRestRecorder> {
  const recorder = (await startPusherHttpRecorder()) as AblyRestRecorder
  recorder.published = () =>
    recorder.requests.flatMap((request) => {
      const match = /^\/channels\/([^/]+)\/messages$/.exec(request.path)
      if (request.method !== 'POST' || match?.[1] === undefined) return []
      const channel = decodeURIComponent(match[1])
      const body = request.json
      const list = (Array.isArray(body) ? body : [body]) as Array<Record<string, unknown>>
      return list.map((m) => {
        const encoding = typeof m['encoding'] === 'string' ? m['encoding'] : undefined
        return {
          channel,
          name: typeof m['name'] === 'string' ? m['name'] : undefined,
          data: encoding === 'json' && typeof m['data'] === 'string' ? JSON.parse(m['data']) : m['data'],
          encoding,
          connectionKey: typeof m['connectionKey'] === 'string' ? m['connectionKey'] : undefined,
          clientId: typeof m['clientId'] === 'string' ? m['clientId'] : undefined,
          request,
        }
      })
    })
  return recorder
}
