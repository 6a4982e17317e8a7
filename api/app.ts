// The API as a Fastify plugin, separate from the server that listens (api/server.ts), so tests can build it
// and `inject` requests without a port. Dependencies arrive already connected; the app owns no process state.
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
import { errorHandler } from './plugins/error-handler';
import { healthRoutes } from './routes/health';
import type { AppDeps } from './deps';

export async function app(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);
  fastify.setErrorHandler(errorHandler);
  await fastify.register(fastifySensible);
  await fastify.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Zoho CRM Connector for Jira API',
        description: 'Backend that the Forge app calls: admin, issue panel and event intake.',
        version: '0.1.0',
      },
    },
    transform: jsonSchemaTransform,
  });
  await fastify.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const api = fastify.withTypeProvider<ZodTypeProvider>();
  await api.register(healthRoutes, { deps });
}
