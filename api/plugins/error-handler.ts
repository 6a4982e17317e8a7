// One error handler for every route: 4xx carry a message a caller can act on; anything else is logged
// with its stack and answered with a generic 500 that leaks nothing (no vendor text, no secrets).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** The body of every error answer (contracts/errors.ts); routes list it in their response schemas for each 4xx they return. */
export { errorBodySchema as errorBody, type ErrorBody } from '../../contracts/errors';

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    return reply.status(400).send({
      statusCode: 400,
      error: 'Bad Request',
      message: `Invalid ${error.validationContext ?? 'request'}: ${error.validation
        .map((v) => `${v.instancePath || '(root)'} ${v.message ?? 'is invalid'}`)
        .join('; ')
        .slice(0, 2000)}`,
    });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own errors (bad JSON, wrong content type, body too large) carry a code and a plain message.
    return reply.status(status).send({ statusCode: status, error: STATUS_CODES[status] ?? 'Client Error', message: error.message.slice(0, 2000) });
  }
  if (status === 503) {
    return reply.status(503).send({ statusCode: 503, error: STATUS_CODES[503]!, message: error.message.slice(0, 500) });
  }
  if (isDatabaseUnavailable(error)) {
    request.log.error({ err: error }, 'database unavailable');
    return reply.status(503).send({ statusCode: 503, error: STATUS_CODES[503]!, message: 'The database is unavailable; try again shortly.' });
  }
  request.log.error({ err: error }, 'request failed');
  return reply.status(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on our side.' });
}

const DB_UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '53300']);

/** A database that cannot be reached is an outage (503, retry later), not a bug (500). */
function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'PrismaClientInitializationError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && DB_UNAVAILABLE_CODES.has(code)) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isDatabaseUnavailable(cause);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send({ statusCode: 404, error: 'Not Found', message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}` });
}
