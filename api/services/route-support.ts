// What the SCI, panel and metadata route plugins share: their error handler (ApiError and vendor failures
// become the documented error body; anything else goes to the app's handler, which logs it and answers a
// generic 500) and the schema atoms for ids.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorHandler } from '../plugins/error-handler';
import { fromVendorError } from './api-errors';

export function routeErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const api = fromVendorError(error);
  if (!api) return errorHandler(error, request, reply);
  if (api.statusCode >= 500 || api.cause !== undefined) {
    // The cause (a Temporal or vendor failure) is for operators; the caller gets the plain message only.
    request.log.warn({ err: api.cause ?? error, code: api.code }, 'request refused: dependency unavailable');
  }
  if (api.retryAfterSeconds !== undefined) void reply.header('retry-after', String(api.retryAfterSeconds));
  return reply.status(api.statusCode).send(api.toBody());
}

/**
 * Our own row ids (uuid v7). The character set also keeps bytes PostgreSQL refuses in text (NUL) away from
 * queries: such input is a 400, never a database error.
 */
export const rowId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'an id as this API returns them');

/** Jira issue id ("10042") or key ("DEMO-12"). */
export const issueIdOrKey = z
  .string()
  .min(1)
  .max(100)
  .regex(/^(\d+|[A-Za-z][A-Za-z0-9_]*-\d+)$/, 'a Jira issue id or key such as DEMO-12');

/** Zoho record ids are long decimal numbers. */
export const zohoRecordId = z.string().regex(/^\d{1,30}$/, 'a Zoho CRM record id (digits only)');

export function tenantOf(request: FastifyRequest): string {
  return request.forge.tenant.id;
}
