import type { Subscriber } from '../../../src/domain/realtime/subscriber.js'

/** A Subscriber that records frames and closes; `bufferedAmount` is settable to simulate a slow consumer. */
export class SubscriberFake implements Subscriber {
  readonly socketId: string
  readonly frames: string[] = []
  readonly closes: { code: number; reason: string }[] = []
  bufferedAmount = 0

  constructor(socketId: string) {
    this.socketId = socketId
  }

  send(frame: string): void {
    this.frames.push(frame)
  }

  close(code: number, reason: string): void {
    this.closes.push({ code, reason })
  }

  /** Frames parsed, for assertions. */
  get events(): { event: string; channel?: string; data?: string; user_id?: string }[] {
    return this.frames.map((f) => JSON.parse(f) as { event: string })
  }
}
