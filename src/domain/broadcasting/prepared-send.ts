/** A prepared broadcast: its message is already resolved; calling it sends (or queues) it. */
export type PreparedSend = () => Promise<void>
