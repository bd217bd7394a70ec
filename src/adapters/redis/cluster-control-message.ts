/** A message on the cluster's control channel: today only "close this user's connections". */
export interface TerminateControl {
  readonly appId: string
  readonly userId: string
}

/** The control message asking every server to close `userId`'s connections. */
export function encodeTerminateControl(appId: string, userId: string): string {
  return JSON.stringify({ type: 'terminate', app: appId, user: userId })
}

/** Reads a control message; undefined when it is not one this version knows. */
export function decodeControl(raw: string): TerminateControl | undefined {
  let m: unknown
  try {
    m = JSON.parse(raw)
  } catch {
    return undefined
  }
  const c = m as { type?: unknown; app?: unknown; user?: unknown } | null
  if (c?.type === 'terminate' && typeof c.app === 'string' && typeof c.user === 'string') return { appId: c.app, userId: c.user }
  return undefined
}
