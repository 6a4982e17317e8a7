// Errors the SCI, panel and metadata routes answer with, and the translation of vendor and tenant failures
// into them. One body shape for every 4xx/5xx these routes return, so the admin page and the panel can show
// `message` as is and branch on `code` (never on text). Messages are written here, not copied from
// vendors: a vendor's text can carry request details, and nothing here may carry a secret.
import { STATUS_CODES } from 'node:http';
import { errorBodySchema, type ErrorBody, type ErrorCode, type Problem } from '../../contracts/errors';
import { JiraError } from '../../clients/jira';
import {
  isZohoError,
  ZohoNotFoundError,
  ZohoPermissionError,
  ZohoRateLimitError,
  ZohoReauthRequiredError,
  ZohoScopeError,
  ZohoValidationError,
} from '../../clients/zoho';
import { TenantNotReadyError } from '../../lib/tenant-clients';

// The error body is the Forge app's contract (contracts/errors.ts).
export { errorBodySchema, errorCodes, problemSchema, type ErrorBody, type ErrorCode, type Problem } from '../../contracts/errors';

/** Response schemas for the error statuses a route can return, for the OpenAPI document and serializer. */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, typeof errorBodySchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorBodySchema])) as Record<S, typeof errorBodySchema>;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code?: ErrorCode,
    readonly problems?: Problem[],
    /** Seconds the caller should wait before trying again (429/503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return {
      statusCode: this.statusCode,
      error: STATUS_CODES[this.statusCode] ?? 'Error',
      message: this.message,
      ...(this.code ? { code: this.code } : {}),
      ...(this.problems ? { problems: this.problems } : {}),
    };
  }
}

export const notFound = (what: string) => new ApiError(404, `${what} not found.`, 'NOT_FOUND');
export const conflict = (message: string) => new ApiError(409, message, 'CONFLICT');
export const invalid = (problems: Problem[]) =>
  new ApiError(
    422,
    `Invalid configuration: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    'VALIDATION_FAILED',
    problems,
  );

/** The message shown for each tenant-readiness reason (F26 wording from the seed). */
export function tenantNotReady(err: TenantNotReadyError): ApiError {
  switch (err.reason) {
    case 'providers-mode':
      return new ApiError(409, err.message, 'ZOHO_AUTH_REQUIRED');
    case 'reauth-required':
      return new ApiError(409, err.message, 'ZOHO_REAUTH_REQUIRED');
    case 'no-jira-token':
      return new ApiError(503, err.message, 'JIRA_TOKEN_MISSING');
    case 'no-tenant':
      return new ApiError(404, err.message, 'NOT_FOUND');
    default:
      return new ApiError(409, err.message, 'ZOHO_AUTH_REQUIRED');
  }
}

/**
 * Maps anything thrown by a vendor call or a tenant lookup onto an ApiError; returns undefined for errors
 * that are bugs (they become a logged, generic 500 in the app's error handler).
 * `notFoundAs` says what a vendor 404 means for this call (a missing issue is a 404 of ours; a missing
 * Zoho module named in an SCI body is a 422 problem, raised before this is reached).
 */
export function fromVendorError(err: unknown, notFoundAs?: string): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof TenantNotReadyError) return tenantNotReady(err);
  if (err instanceof JiraError) {
    if (err.status === 404 && notFoundAs) return notFound(notFoundAs);
    if (err.status === 429) {
      return new ApiError(503, 'Jira is rate limiting the app; try again shortly.', 'RATE_LIMITED', undefined, retrySeconds(err.retryAfterMs));
    }
    if (err.isAuthFailure) {
      return new ApiError(503, 'Jira refused the app token for this site; open the admin page once so Forge refreshes it.', 'JIRA_TOKEN_MISSING');
    }
    if (err.status === 404) return notFound('Jira resource');
    return new ApiError(503, 'Jira did not answer as expected; try again shortly.', 'VENDOR_UNAVAILABLE');
  }
  if (isZohoError(err)) {
    if (err instanceof ZohoReauthRequiredError) {
      return new ApiError(409, 'Zoho CRM re-authentication required: reconnect App OAuth 2.0 in the admin page.', 'ZOHO_REAUTH_REQUIRED');
    }
    if (err instanceof ZohoScopeError) {
      return new ApiError(
        409,
        `The stored Zoho CRM authorization lacks a scope${err.scope ? ` (${err.scope})` : ''}: reconnect App OAuth 2.0.`,
        'ZOHO_SCOPE_MISSING',
      );
    }
    if (err instanceof ZohoPermissionError) {
      return new ApiError(409, 'The Zoho CRM user behind this connection may not do this (Zoho profile permissions).', 'ZOHO_PERMISSION');
    }
    if (err instanceof ZohoNotFoundError) return notFound(notFoundAs ?? 'Zoho CRM resource');
    if (err instanceof ZohoRateLimitError) {
      return new ApiError(503, 'Zoho CRM is rate limiting this org; try again shortly.', 'RATE_LIMITED', undefined, retrySeconds(err.retryAfterMs));
    }
    if (err instanceof ZohoValidationError) {
      return new ApiError(422, `Zoho CRM refused the request (${err.code}).`, 'VALIDATION_FAILED');
    }
    return new ApiError(503, 'Zoho CRM did not answer as expected; try again shortly.', 'VENDOR_UNAVAILABLE');
  }
  return undefined;
}

function retrySeconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.max(1, Math.ceil(ms / 1000));
}

/** Temporal could not be reached: nothing the caller did wrong, and nothing was half-done (callers roll back). */
export function temporalUnavailable(what: string): ApiError {
  return new ApiError(503, `${what} The workflow service (Temporal) did not answer; try again shortly.`, 'TEMPORAL_UNAVAILABLE');
}

/** A Temporal failure as the 503 a route answers; the cause is logged, never sent. */
export function wrapTemporal(err: unknown, consequence: string): ApiError {
  if (err instanceof ApiError) return err;
  const wrapped = temporalUnavailable(consequence);
  wrapped.cause = err; // logged by the routes' error handler, never sent
  return wrapped;
}
