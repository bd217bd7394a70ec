import type { FastifyPluginAsync } from 'fastify'

/** `GET /up`: health, as Laravel's `/up` answers. */
export const upRoute: FastifyPluginAsync = async (fastify) => {
  fastify.get('/up', async () => ({ status: 'ok' }))
}
