// Zoho's error envelope, thrown from simulator handlers and rendered by one error handler. Messages are
// Zoho's own wording (from its docs and OpenAPI enums) so clients see what production would send.

export interface ZohoEnvelope {
  code: string;
  details: Record<string, unknown>;
  message: string;
  status: 'error';
}

export class SimZohoError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  envelope(): ZohoEnvelope {
    return { code: this.code, details: this.details, message: this.message, status: 'error' };
  }
}

export const zerr = {
  invalidToken: () => new SimZohoError(401, 'INVALID_TOKEN', 'invalid oauth token'),
  authFailure: () => new SimZohoError(401, 'AUTHENTICATION_FAILURE', 'Authentication failed'),
  scopeMismatch: () => new SimZohoError(401, 'OAUTH_SCOPE_MISMATCH', 'invalid oauth scope to access this URL'),
  invalidModule: () => new SimZohoError(400, 'INVALID_MODULE', 'The module name given seems to be invalid'),
  invalidUrl: () => new SimZohoError(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one'),
  invalidMethod: () => new SimZohoError(400, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one'),
  requiredParam: (param: string) =>
    new SimZohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param }),
  invalidParam: (param: string, extra: Record<string, unknown> = {}) =>
    new SimZohoError(400, 'INVALID_DATA', 'invalid data', { param, ...extra }),
  invalidBody: () => new SimZohoError(400, 'INVALID_DATA', 'body', { expected_data_type: 'jsonobject' }),
  invalidId: (id: string) => new SimZohoError(400, 'INVALID_DATA', 'the id given seems to be invalid', { id }),
  limitExceeded: (message: string, limit: number, param?: string) =>
    new SimZohoError(400, 'LIMIT_EXCEEDED', message, { limit, ...(param ? { param } : {}) }),
  tooManyRequests: (message: string, retryAfterSeconds?: number) =>
    new SimZohoError(
      429,
      'TOO_MANY_REQUESTS',
      message,
      {},
      retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    ),
  internal: () => new SimZohoError(500, 'INTERNAL_ERROR', 'Internal server error occurred.'),
};

/** A per-row error inside `data[]`. */
export function rowError(code: string, message: string, details: Record<string, unknown>): ZohoEnvelope {
  return { code, details, message, status: 'error' };
}
