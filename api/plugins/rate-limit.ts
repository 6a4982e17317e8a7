// Request limits for the scope this plugin is registered in (api/app.ts: per Jira site on the FIT-protected
// API, per client address on the public vendor callbacks), counted by @fastify/rate-limit's store.
//
// The check is a scope-level onRequest hook, not the plugin's route-level one, so its place in the chain is
// where it is registered: in the FIT scope right after forgeAuth, so a failed FIT is answered 401 before any
// counting (and spends nobody's budget), and before the authorization checks, which ask Jira and must not
// be run for a site that is over its limit. A request over the limit is answered here with 429, a
// Retry-After header and the API's error body; nothing else of the request runs.
//
// Counters live in this process (an LRU of keys); behind a load balancer each API process counts its own
// share, so the effective limit is the setting times the number of processes.
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, errorBodySchema } from '../services/api-errors';

export interface LimitRule {
  /** Requests one key (site or address) may make per window. */
  max: number;
  windowMs: number;
}

export interface RequestLimitOptions {
  /** Whose budget a request spends: the Jira site of its verified FIT, or the client address. */
  by: 'tenant' | 'ip';
  limit: LimitRule;
  /**
   * Routes (their URL pattern as registered, e.g. `/api/v1/events/jira`) with a budget of their own,
   * counted apart from the scope's. Each must name a route of the scope, or the app refuses to start
   * (a renamed route would otherwise fall back to the scope's budget without anyone noticing).
   */
  routes?: Record<string, LimitRule>;
  /** Distinct keys remembered per budget (least recently seen are forgotten first). */
  cache?: number;
}

/** The 429 answer, in this API's error shape. */
export function tooManyRequests(by: RequestLimitOptions['by'], retryAfterSeconds: number): ApiError {
  const who = by === 'tenant' ? 'this Jira site' : 'this address';
  const wait = retryAfterSeconds === 1 ? '1 second' : `${retryAfterSeconds} seconds`;
  return new ApiError(429, `Too many requests from ${who}; try again in ${wait}.`, 'RATE_LIMITED', undefined, retryAfterSeconds);
}

export const requestLimit = fp<RequestLimitOptions>(
  async (fastify: FastifyInstance, opts) => {
    // `global: false`: the plugin adds no route hooks of its own; the limiters below are used by our hook.
    await fastify.register(fastifyRateLimit, { global: false, cache: opts.cache ?? 10_000 });

    const keyGenerator =
      opts.by === 'tenant'
        ? // Set by forgeAuth, which runs first; a request without it never gets here (401 already sent).
          (request: FastifyRequest) => `tenant:${request.forge.tenant.id}`
        : undefined; // the plugin's own: the client address (IPv6 by its /64)
    const limiter = (rule: LimitRule) =>
      fastify.createRateLimit({ max: rule.max, timeWindow: rule.windowMs, ...(keyGenerator ? { keyGenerator } : {}) });

    const scopeLimiter = limiter(opts.limit);
    const routeLimiters = new Map(Object.entries(opts.routes ?? {}).map(([url, rule]) => [url, limiter(rule)]));
    const unmatched = new Set(routeLimiters.keys());

    fastify.addHook('onRoute', (route) => {
      unmatched.delete(route.url);
      const schema = (route.schema ??= {});
      const response = (schema.response ??= {}) as Record<string, unknown>;
      response[429] ??= errorBodySchema;
    });
    fastify.addHook('onReady', async () => {
      if (unmatched.size > 0) throw new Error(`Request limits name routes that do not exist: ${[...unmatched].join(', ')}`);
    });

    fastify.addHook('onRequest', async (request, reply) => {
      if (opts.by === 'tenant' && !request.forge) return;
      const check = routeLimiters.get(request.routeOptions.url ?? '') ?? scopeLimiter;
      const limit = await check(request);
      if (limit.isAllowed) return;
      void reply.header('x-ratelimit-limit', limit.max);
      void reply.header('x-ratelimit-remaining', limit.remaining);
      void reply.header('x-ratelimit-reset', limit.ttlInSeconds);
      if (!limit.isExceeded) return;
      const retryAfter = Math.max(1, limit.ttlInSeconds);
      request.log.info({ by: opts.by, ...(opts.by === 'tenant' ? { tenantId: request.forge.tenant.id } : {}) }, 'request limit reached');
      const err = tooManyRequests(opts.by, retryAfter);
      return reply.status(429).header('retry-after', String(retryAfter)).type('application/json').send(err.toBody());
    });
  },
  { name: 'request-limit', fastify: '5.x' },
);
