import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps';

const component = z.object({ ok: z.boolean(), error: z.string().optional() });
const healthBody = z.object({ status: z.enum(['ok', 'degraded']), database: component, temporal: component });

async function probe(fn: () => Promise<void>): Promise<z.infer<typeof component>> {
  try {
    await withTimeout(fn(), 3000);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message.split('\n')[0]! : 'unreachable' };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}

/** `GET /healthz`: 200 only when both the database and Temporal answer. */
export const healthRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness and readiness: database and Temporal reachability',
        tags: ['health'],
        response: { 200: healthBody, 503: healthBody },
      },
    },
    async (_request, reply) => {
      const [database, temporal] = await Promise.all([probe(deps.health.database), probe(deps.health.temporal)]);
      const ok = database.ok && temporal.ok;
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', database, temporal });
    },
  );
};
