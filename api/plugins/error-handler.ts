// One error handler for every route: 4xx carry a message a caller can act on; anything else is logged
// with its stack and answered with a generic 500 that leaks nothing (no vendor text, no secrets).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    return reply.status(400).send({
      statusCode: 400,
      error: 'Bad Request',
      message: `Invalid ${error.validationContext ?? 'request'}: ${error.validation
        .map((v) => `${v.instancePath || '(root)'} ${v.message ?? 'is invalid'}`)
        .join('; ')}`,
    });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return reply.status(status).send({ statusCode: status, error: error.name, message: error.message });
  }
  request.log.error({ err: error }, 'request failed');
  return reply.status(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on our side.' });
}
