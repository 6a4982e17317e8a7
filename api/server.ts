// The listening server around the app plugin: logger with redaction, body limits, timeouts, and a
// graceful close that finishes in-flight requests before the process exits.
import type { DestinationStream } from 'pino';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { loggerOptions } from '../lib/logger';
import { app } from './app';
import type { AppDeps } from './deps';

/** Query parameters that carry secrets (the OAuth redirect's code and state, tokens) in request URLs. */
const SECRET_QUERY_PARAMS = /([?&](?:code|state|token|access_token|refresh_token|client_secret|contextToken)=)[^&#]*/gi;

/** The request URL as it may appear in a log line: secret query values replaced. */
export function loggableUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMS, '$1[redacted]');
}

export interface ServerOptions {
  /** Where log lines go (default stdout); tests pass a stream to read them. */
  logStream?: DestinationStream;
}

export async function buildServer(deps: AppDeps, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: {
      ...loggerOptions(deps.config.LOG_LEVEL, 'api'),
      ...(opts.logStream ? { stream: opts.logStream } : {}),
      serializers: {
        // Fastify's default logs the full URL; the consent redirect puts the grant code in it.
        req: (req: FastifyRequest) => ({ method: req.method, url: loggableUrl(req.url), remoteAddress: req.ip }),
      },
    },
    bodyLimit: 1024 * 1024,
    requestTimeout: 30_000,
    // Forge gives a remote 5 s per call (F28); anything slower has failed already.
    connectionTimeout: 10_000,
    return503OnClosing: true,
  });
  await fastify.register(app, deps);
  return fastify;
}
