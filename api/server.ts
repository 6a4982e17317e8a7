// The listening server around the app plugin: logger with redaction, body limits, timeouts, and a
// graceful close that finishes in-flight requests before the process exits.
import Fastify, { type FastifyInstance } from 'fastify';
import { loggerOptions } from '../lib/logger';
import { app } from './app';
import type { AppDeps } from './deps';

export async function buildServer(deps: AppDeps): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: loggerOptions(deps.config.LOG_LEVEL, 'api'),
    bodyLimit: 1024 * 1024,
    requestTimeout: 30_000,
    // Forge gives a remote 5 s per call (F28); anything slower has failed already.
    connectionTimeout: 10_000,
    return503OnClosing: true,
  });
  await fastify.register(app, deps);
  return fastify;
}
