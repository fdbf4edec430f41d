import type { FastifyInstance } from 'fastify';
import type { System } from '../system.ts';

export async function healthRoutes(app: FastifyInstance, { system }: { system: System }) {
  app.get('/health/live', async () => ({ status: 'ok' }));

  app.get('/health/ready', async (request, reply) => {
    try {
      await system.repos.ping();
      return { status: 'ok' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed: database did not answer');
      return reply.code(503).send({ status: 'unavailable', reason: 'database' });
    }
  });
}
