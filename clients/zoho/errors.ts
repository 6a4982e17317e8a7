// Typed Zoho failures. Callers branch on class or `code`, never on message text, and the activity layer
// maps `retryable` / `retryAfterMs` onto Temporal retry semantics (non-retryable vs next-retry delay).
// No error message ever contains a token, secret or grant code.

/** Where a failure came from: the CRM API, the accounts (OAuth) server, or our own guards. */
export type ZohoErrorSource = 'api' | 'accounts' | 'client';

export interface ZohoErrorInit {
  code: string;
  status?: number | undefined;
  message?: string | undefined;
  details?: Record<string, unknown> | undefined;
  retryable?: boolean | undefined;
  retryAfterMs?: number | undefined;
  source?: ZohoErrorSource | undefined;
  operation?: string | undefined;
  cause?: unknown;
}

export class ZohoError extends Error {
  /** Stable type name for Temporal's ApplicationFailure (class names do not survive bundlers). */
  readonly type: string = 'ZohoError';
  readonly code: string;
  /** HTTP status, 0 when no response arrived. */
  readonly status: number;
  readonly details: Record<string, unknown>;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly source: ZohoErrorSource;
  readonly operation: string | undefined;

  constructor(init: ZohoErrorInit) {
    super(init.message ?? init.code, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.status = init.status ?? 0;
    this.details = init.details ?? {};
    this.retryable = init.retryable ?? false;
    this.retryAfterMs = init.retryAfterMs;
    this.source = init.source ?? 'api';
    this.operation = init.operation;
  }

  /** The field Zoho blamed (`details.api_name`), when there is one. */
  get field(): string | undefined {
    const v = this.details.api_name ?? this.details.param_name ?? this.details.param;
    return typeof v === 'string' ? v : undefined;
  }

  /** JSON-friendly form for run history and Temporal failure details. */
  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      code: this.code,
      status: this.status,
      message: this.message,
      details: this.details,
      retryable: this.retryable,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.operation === undefined ? {} : { operation: this.operation }),
    };
  }
}

/** INVALID_TOKEN / AUTHENTICATION_FAILURE: the access token was refused (the client refreshes once). */
export class ZohoAuthError extends ZohoError {
  override readonly type: string = 'ZohoAuthError';
}

/**
 * The stored grant cannot be used any more (refresh refused: revoked, invalid_code, invalid_client).
 * The connection must be marked "re-authentication required" and automation paused (F6, R4).
 */
export class ZohoReauthRequiredError extends ZohoError {
  override readonly type: string = 'ZohoReauthRequiredError';
}

/** A token endpoint failure that is not about the stored grant (e.g. a bad or expired pasted code). */
export class ZohoOAuthError extends ZohoError {
  override readonly type: string = 'ZohoOAuthError';
}

/** OAUTH_SCOPE_MISMATCH: the token lacks a scope; `scope` names it when Zoho (or we) can tell. */
export class ZohoScopeError extends ZohoError {
  override readonly type: string = 'ZohoScopeError';
  get scope(): string | undefined {
    const v = this.details.scope;
    return typeof v === 'string' ? v : undefined;
  }
}

/** NO_PERMISSION / AUTHORIZATION_FAILED / NOT_SUPPORTED for this user or profile. */
export class ZohoPermissionError extends ZohoError {
  override readonly type: string = 'ZohoPermissionError';
}

/** INVALID_DATA, MANDATORY_NOT_FOUND, LIMIT_EXCEEDED and other 4xx input problems. */
export class ZohoValidationError extends ZohoError {
  override readonly type: string = 'ZohoValidationError';
}

/** DUPLICATE_DATA: `duplicateRecordId` points at the record that already holds the unique value. */
export class ZohoDuplicateError extends ZohoValidationError {
  override readonly type: string = 'ZohoDuplicateError';
  get duplicateRecordId(): string | undefined {
    const d = this.details.duplicate_record;
    if (d && typeof d === 'object' && 'id' in d && typeof d.id === 'string') return d.id;
    return undefined;
  }
}

/** INVALID_MODULE, INVALID_URL_PATTERN, or an id that does not exist. */
export class ZohoNotFoundError extends ZohoError {
  override readonly type: string = 'ZohoNotFoundError';
}

/** 429 TOO_MANY_REQUESTS (credits exhausted or concurrency limit); retry after `retryAfterMs`. */
export class ZohoRateLimitError extends ZohoError {
  override readonly type: string = 'ZohoRateLimitError';
}

/** 5xx, timeouts and network failures: transient, the retry policy applies. */
export class ZohoUnavailableError extends ZohoError {
  override readonly type: string = 'ZohoUnavailableError';
}

/** Zoho answered something our schema does not accept: a bug or an API change, not worth retrying. */
export class ZohoResponseError extends ZohoError {
  override readonly type: string = 'ZohoResponseError';
}

/**
 * Zoho answered with a JSON body over the client's cap (`maxJsonBytes`, default 32 MB): reading stopped
 * there so a hostile or broken answer cannot exhaust memory. Not retryable: the same call gets the same answer.
 */
export class ZohoResponseTooLargeError extends ZohoError {
  override readonly type: string = 'ZohoResponseTooLargeError';
  get limitBytes(): number | undefined {
    const v = this.details.limitBytes;
    return typeof v === 'number' ? v : undefined;
  }
}

/** A response pointed us at a host that is not a configured Zoho domain. */
export class ZohoUntrustedHostError extends ZohoError {
  override readonly type: string = 'ZohoUntrustedHostError';
}

const NOT_FOUND_CODES = new Set(['INVALID_MODULE', 'INVALID_URL_PATTERN', 'NOT_FOUND', 'NO_RECORDS_FOUND']);
const PERMISSION_CODES = new Set(['NO_PERMISSION', 'AUTHORIZATION_FAILED', 'NOT_SUPPORTED', 'FEATURE_NOT_SUPPORTED']);
const AUTH_CODES = new Set(['INVALID_TOKEN', 'AUTHENTICATION_FAILURE', 'INVALID_OAUTHTOKEN']);

/** Default delay when a 429 carries no Retry-After (Zoho documents none). */
export const DEFAULT_RATE_LIMIT_DELAY_MS = 30_000;

/** Builds the typed error for one Zoho error envelope (top level or a per-row entry). */
export function zohoErrorFromEnvelope(
  status: number,
  envelope: { code: string; message?: string | undefined; details?: Record<string, unknown> | undefined },
  extra: { retryAfterMs?: number | undefined; operation?: string | undefined } = {},
): ZohoError {
  const init: ZohoErrorInit = {
    code: envelope.code,
    status,
    message: envelope.message ? `${envelope.code}: ${envelope.message}` : envelope.code,
    details: envelope.details ?? {},
    operation: extra.operation,
  };
  const code = envelope.code;
  if (status === 429 || code === 'TOO_MANY_REQUESTS') {
    return new ZohoRateLimitError({
      ...init,
      retryable: true,
      retryAfterMs: extra.retryAfterMs ?? DEFAULT_RATE_LIMIT_DELAY_MS,
    });
  }
  if (AUTH_CODES.has(code)) return new ZohoAuthError({ ...init, retryable: false });
  if (code === 'OAUTH_SCOPE_MISMATCH') return new ZohoScopeError({ ...init, retryable: false });
  if (code === 'DUPLICATE_DATA') return new ZohoDuplicateError({ ...init, retryable: false });
  if (NOT_FOUND_CODES.has(code)) return new ZohoNotFoundError({ ...init, retryable: false });
  if (PERMISSION_CODES.has(code)) return new ZohoPermissionError({ ...init, retryable: false });
  if (status >= 500 || code === 'INTERNAL_ERROR') return new ZohoUnavailableError({ ...init, retryable: true });
  return new ZohoValidationError({ ...init, retryable: false });
}

export function isZohoError(e: unknown): e is ZohoError {
  return e instanceof ZohoError;
}
