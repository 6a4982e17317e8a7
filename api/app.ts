// The API as a Fastify plugin, separate from the server that listens (api/server.ts), so tests can build it
// and `inject` requests without a port. Dependencies arrive already connected; the app owns no process state.
//
// Two scopes: public routes (health, docs, the Zoho callbacks that carry their own proof) and `/api/v1`
// routes behind the Forge Invocation Token check. Anything registered inside the secured scope is
// protected by construction; a route cannot forget to ask for the FIT.
import fastifySensible from '@fastify/sensible';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type FastifyPluginAsyncZod,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { errorHandler, notFoundHandler } from './plugins/error-handler';
import { authorize, type Access } from './plugins/authorize';
import { forgeAuth } from './plugins/forge-auth';
import { inputGuard } from './plugins/input-guard';
import { requestLimit } from './plugins/rate-limit';
import { callbackRoutes } from './routes/callbacks';
import { connectionRoutes } from './routes/connection';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { CODEC_PREFIX, codecRoutes } from './routes/codec';
import { metricsPlugin } from './routes/metrics';
import { lifecycleRoutes } from './routes/lifecycle';
import { metadataRoutes } from './routes/metadata';
import { metadataValueRoutes } from './routes/metadata-values';
import { panelRoutes } from './routes/panel';
import { panelCreateRecordRoutes } from './routes/panel-create-record';
import { panelConflictRoutes } from './routes/panel-conflicts';
import { conflictRoutes } from './routes/conflicts';
import { panelTimelineRoutes } from './routes/panel-timeline';
import { backfillRoutes } from './routes/backfill';
import { channelRoutes } from './routes/channels';
import { sciRoutes } from './routes/scis';
import type { AppDeps } from './deps';
import { JiraPermissions } from './services/permissions';

export const API_PREFIX = '/api/v1';

export async function app(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);
  fastify.setErrorHandler(errorHandler);
  fastify.setNotFoundHandler(notFoundHandler);
  await fastify.register(fastifySensible);
  await fastify.register(inputGuard);
  await fastify.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Zoho CRM Connector for Jira API',
        description: 'Backend that the Forge app calls: admin, issue panel and event intake.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          forgeInvocationToken: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'Forge Invocation Token (FIT) minted by Forge Remote for this app.',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await fastify.register(fastifySwaggerUi, { routePrefix: '/docs' });

  // The intake outbox's dispatcher runs while the app serves (every API process has one).
  const intake = deps.intake;
  if (intake) {
    fastify.addHook('onReady', () => intake.start(fastify.log));
    fastify.addHook('onClose', () => intake.stop());
  }

  const api = fastify.withTypeProvider<ZodTypeProvider>();
  await api.register(healthRoutes, { deps });
  // ── Operations: metrics and the Temporal codec endpoint, each behind a bearer token of its own ──
  await api.register(metricsPlugin, { deps });
  await api.register(codecRoutes, { deps, prefix: CODEC_PREFIX });

  // ── Public vendor callbacks (verified by their own means: channel token, signed OAuth state) ──
  await api.register(callbackRoutes, { deps, prefix: API_PREFIX });

  // ── FIT-protected API, each group behind the caller it answers to (api/plugins/authorize.ts) ──
  const permissions = deps.permissions ?? new JiraPermissions(deps);
  await api.register(
    async (secured) => {
      await secured.register(forgeAuth, { deps });
      // Per Jira site (the FIT's tenant): counted after the FIT check, so a failed FIT is a 401 that spends
      // no budget, and before the authorization checks below, which ask Jira. Forge event deliveries have a
      // budget of their own, far above the rest: they come from Forge, not from people (a bulk edit is
      // thousands within seconds), the intake is benchmarked at 500+ events/s from one site (bench/, P6),
      // and a 429 there only makes Forge redeliver later; the cap still bounds a runaway site.
      await secured.register(requestLimit, {
        by: 'tenant',
        limit: { max: deps.config.RATE_LIMIT_TENANT_MAX, windowMs: deps.config.RATE_LIMIT_WINDOW },
        routes: { [`${API_PREFIX}/events/jira`]: { max: deps.config.RATE_LIMIT_EVENTS_MAX, windowMs: deps.config.RATE_LIMIT_WINDOW } },
      });
      const group = (access: Access, routes: FastifyPluginAsyncZod<{ deps: AppDeps }>[]) =>
        secured.register(async (scope) => {
          await scope.register(authorize, { access, permissions });
          for (const r of routes) await scope.register(r, { deps });
        });
      // Connection routes are the admin's; the Providers-mode sign-in of one's own account says `user` itself.
      await group('admin', [connectionRoutes, sciRoutes, backfillRoutes, channelRoutes, metadataRoutes, metadataValueRoutes, conflictRoutes]);
      await group('issue', [panelRoutes, panelCreateRecordRoutes, panelConflictRoutes, panelTimelineRoutes]);
      await group('app', [eventRoutes, lifecycleRoutes]);
    },
    { prefix: API_PREFIX },
  );
}
