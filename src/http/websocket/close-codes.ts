// The codes are protocol knowledge shared with the hub (slow consumers, terminations): they live in the domain.
export { PusherCloseCode } from '../../domain/realtime/pusher-close-codes.js'
