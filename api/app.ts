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
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { errorHandler, notFoundHandler } from './plugins/error-handler';
import { forgeAuth } from './plugins/forge-auth';
import { inputGuard } from './plugins/input-guard';
import { callbackRoutes } from './routes/callbacks';
import { connectionRoutes } from './routes/connection';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { lifecycleRoutes } from './routes/lifecycle';
import { metadataRoutes } from './routes/metadata';
import { panelRoutes } from './routes/panel';
import { backfillRoutes } from './routes/backfill';
import { channelRoutes } from './routes/channels';
import { sciRoutes } from './routes/scis';
import type { AppDeps } from './deps';

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

  const api = fastify.withTypeProvider<ZodTypeProvider>();
  await api.register(healthRoutes, { deps });

  // ── Public vendor callbacks (verified by their own means: channel token, signed OAuth state) ──
  await api.register(callbackRoutes, { deps, prefix: API_PREFIX });

  // ── FIT-protected API ──
  await api.register(
    async (secured) => {
      await secured.register(forgeAuth, { deps });
      await secured.register(connectionRoutes, { deps });
      await secured.register(eventRoutes, { deps });
      await secured.register(lifecycleRoutes, { deps });
      await secured.register(sciRoutes, { deps });
      await secured.register(backfillRoutes, { deps });
      await secured.register(channelRoutes, { deps });
      await secured.register(panelRoutes, { deps });
      await secured.register(metadataRoutes, { deps });
    },
    { prefix: API_PREFIX },
  );
}
