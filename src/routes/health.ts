import type { FastifyInstance } from 'fastify';
import type { System } from '../system.ts';
import { diskFullRecently } from '../db/availability.ts';

// A load balancer's probe must get an answer quickly even when the database hangs: past this,
// the database counts as not ready.
export const READINESS_TIMEOUT_MS = 2_000;

export async function healthRoutes(app: FastifyInstance, { system }: { system: System }) {
  app.get('/health/live', async () => ({ status: 'ok' }));

  app.get('/health/ready', async (request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the database did not answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
    });
    try {
      await Promise.race([system.repos.ping(), timedOut]);
      // Reads still work on a full disk; the writes that failed just now say it is not ready.
      if (diskFullRecently()) {
        request.log.warn('readiness check failed: the database disk is full');
        return reply.code(503).send({ status: 'unavailable', reason: 'disk full' });
      }
      // Without Redis this instance still serves, with attempt limits of its own: it stays in
      // the load balancer, and says so.
      if (system.redis && system.redis.status !== 'ready') return { status: 'degraded', redis: 'unavailable', limiter: 'local' };
      return { status: 'ok' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed: database did not answer');
      return reply.code(503).send({ status: 'unavailable', reason: 'database' });
    } finally {
      clearTimeout(timer);
    }
  });
}
