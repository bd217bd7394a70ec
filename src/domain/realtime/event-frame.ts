/** One event frame exactly as it goes on the wire; `data` is embedded as a JSON string, never re-parsed. */
export function serialiseEventFrame(event: string, channel: string, data: string, userId?: string): string {
  const head = `{"event":${JSON.stringify(event)},"channel":${JSON.stringify(channel)},"data":${JSON.stringify(data)}`
  return userId === undefined ? `${head}}` : `${head},"user_id":${JSON.stringify(userId)}}`
}
