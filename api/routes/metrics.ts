// The API's metrics in Prometheus text format at `GET /metrics`: requests by route, method and status, their
// latency, the event intake's outbox (backlog and lag, read from the database so every API process reports
// the same figures, and what this process's dispatcher delivered), and Node process metrics.
// Who may scrape: a bearer token (METRICS_TOKEN), compared in constant time; without the setting the route
// refuses every call (401), saying which setting to add.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppDeps } from '../deps';
import { intakeBacklog } from '../services/intake-outbox';

export const METRICS_PATH = '/metrics';

const digest = (s: string) => createHash('sha256').update(s).digest();

function refuse(reply: FastifyReply, message: string) {
  return reply.status(401).header('www-authenticate', 'Bearer realm="metrics"').send({ statusCode: 401, error: 'Unauthorized', message });
}

/** The registry of one app instance (each test app has its own). */
export function apiMetricsRegistry(deps: AppDeps): Registry {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const prisma = deps.prisma;
  // One database read per scrape, shared by both gauges (a scrape collects every metric at once). A failed
  // read reports NaN, so a dashboard shows a gap rather than a stale figure.
  let pending: Promise<{ events: number; oldestAgeMs: number }> | undefined;
  const backlog = () => {
    pending ??= intakeBacklog(prisma)
      .catch(() => ({ events: Number.NaN, oldestAgeMs: Number.NaN }))
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  new Gauge({
    name: 'intake_backlog_events',
    help: 'Outbox rows (one per event and SCI) recorded but not yet delivered to their SCI workflows, across all API processes.',
    registers,
    async collect() {
      this.set((await backlog()).events);
    },
  });
  new Gauge({
    name: 'intake_oldest_event_age_seconds',
    help: 'Age of the oldest undelivered outbox row: how far delivery to Temporal lags behind intake (0 when empty).',
    registers,
    async collect() {
      this.set((await backlog()).oldestAgeMs / 1000);
    },
  });
  const intake = deps.intake;
  if (intake) {
    new Gauge({
      name: 'intake_dispatcher_last_lag_seconds',
      help: "Age of the oldest row in this process's last delivered dispatcher pass, when it was delivered.",
      registers,
      collect() {
        this.set(intake.stats().lastLagMs / 1000);
      },
    });
    new Gauge({
      name: 'intake_dispatcher_rows_delivered',
      help: "Outbox rows this process's dispatcher delivered since it started (superseded ones included).",
      registers,
      collect() {
        this.set(intake.stats().rowsDelivered);
      },
    });
    new Gauge({
      name: 'intake_dispatcher_signal_failures',
      help: "Temporal calls of this process's dispatcher that failed since it started (Temporal unreachable or refusing).",
      registers,
      collect() {
        this.set(intake.stats().failedCalls);
      },
    });
  }
  return registry;
}

/**
 * Counts every request of the app it is registered in (fastify-plugin: the hooks apply to the whole app)
 * and serves `GET /metrics`.
 */
export const metricsPlugin = fp(
  async (fastify: FastifyInstance, { deps }: { deps: AppDeps }) => {
    const registry = apiMetricsRegistry(deps);
    const registers = [registry];
    const requests = new Counter({
      name: 'http_requests_total',
      help: 'Requests answered, by method, route (the registered pattern, or __unmatched__) and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from request to answer, by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });

    fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
      const route = request.routeOptions.url ?? '__unmatched__';
      if (route === METRICS_PATH) return;
      const labels = { method: request.method, route, status: String(reply.statusCode) };
      requests.inc(labels);
      duration.observe(labels, reply.elapsedTime / 1000);
    });

    const token = deps.config.METRICS_TOKEN;
    fastify.get(
      METRICS_PATH,
      {
        schema: {
          summary: 'Prometheus metrics of this API process',
          description: 'Requests, latency, intake backlog and lag, process metrics. Caller: a Prometheus scraper with `Authorization: Bearer <METRICS_TOKEN>` (not a FIT).',
          tags: ['operations'],
        },
      },
      async (request, reply) => {
        if (!token) {
          return refuse(reply, 'Metrics are off: set METRICS_TOKEN on the API (e.g. `openssl rand -hex 32`) and scrape with `Authorization: Bearer <token>`.');
        }
        const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
        if (!m?.[1]) return refuse(reply, 'Metrics need the metrics token: scrape with `Authorization: Bearer <METRICS_TOKEN>`.');
        if (!timingSafeEqual(digest(m[1]), digest(token))) {
          return refuse(reply, 'The metrics token is not the one this API has (METRICS_TOKEN); check the scraper configuration.');
        }
        const body = await registry.metrics();
        return reply.status(200).header('content-type', registry.contentType).send(body);
      },
    );
  },
  { name: 'api-metrics', fastify: '5.x' },
);
