import type { FastifyRequest } from 'fastify'
import { isValidChannelName } from '../../../domain/channels/channel-name.js'
import { InvalidRequestError } from '../../../domain/errors.js'

/** The `:channel` route parameter, validated; a bad name is a 400 naming it. */
export function channelParam(request: FastifyRequest): string {
  const channel = (request.params as { channel?: unknown }).channel
  if (typeof channel !== 'string' || !isValidChannelName(channel)) {
    throw new InvalidRequestError('channel', `${JSON.stringify(channel)} is not a valid channel name`)
  }
  return channel
}
