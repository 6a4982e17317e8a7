// Rejects text PostgreSQL cannot store before any route sees it: a U+0000 (NUL) in a path parameter,
// query value or JSON string makes every later `text` comparison fail inside the database ("invalid byte
// sequence"), which would surface as a 500. One check here keeps every route, present and future, at 400.
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';

const MAX_NODES = 100_000;

/** True when any string (key or value) in `value` contains U+0000; walks at most MAX_NODES nodes. */
export function containsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  for (let seen = 0; stack.length > 0 && seen < MAX_NODES; seen++) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return true;
    } else if (Array.isArray(v)) {
      stack.push(...(v as unknown[]));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (k.includes('\u0000')) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

export const inputGuard = fp(
  async (fastify) => {
    fastify.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
      if (containsNul(request.params) || containsNul(request.query) || containsNul(request.body)) {
        return reply.status(400).send({ statusCode: 400, error: 'Bad Request', message: 'The request contains a NUL character (U+0000), which is not accepted.' });
      }
    });
  },
  { name: 'input-guard', fastify: '5.x' },
);
