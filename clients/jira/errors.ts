// Jira's failures as one typed error. Callers (activities, the API) branch on `status`, `retryable` and
// `retryAfterMs`, never on message text, and nothing here ever carries a credential.
import { z } from 'zod';
import { DEFAULT_MAX_JSON_BYTES, describeLimit, readCappedText } from '../body-limit';

/** Jira's error envelope (OpenAPI `ErrorCollection`). Both parts are optional in practice. */
export const errorCollectionSchema = z.object({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.string()).optional(),
  status: z.number().int().optional(),
});
export type ErrorCollection = z.infer<typeof errorCollectionSchema>;

export type JiraErrorKind =
  /** Jira answered with a non-2xx status. */
  | 'http'
  /** The request never got an answer (DNS, reset connection, ...). */
  | 'network'
  /** Our own timeout fired. */
  | 'timeout'
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** Jira answered 2xx with a body that does not match what we expect. */
  | 'schema'
  /** Jira's JSON answer was larger than the client reads (`maxJsonBytes`); reading stopped there. */
  | 'too-large';

export interface JiraErrorInit {
  kind: JiraErrorKind;
  status?: number;
  method: string;
  /** Path only: query strings may hold JQL with customer data, and never a secret, but keep logs small. */
  path: string;
  errorMessages?: string[];
  errors?: Record<string, string>;
  retryAfterMs?: number;
  /** `RateLimit-Reason` when Jira names which limit fired (burst, per-issue write, quota). */
  rateLimitReason?: string;
  /** The cap a `too-large` answer went over, in bytes. */
  limitBytes?: number;
  cause?: unknown;
}

// 408/425/429 and the 5xx family clear up on their own; 4xx like 400/401/403/404/409/422 never do.
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

export class JiraError extends Error {
  override name = 'JiraError';
  /** Stable type name for Temporal's ApplicationFailure (class names do not survive bundling). */
  readonly type = 'JiraError';
  readonly kind: JiraErrorKind;
  readonly status: number | undefined;
  readonly method: string;
  readonly path: string;
  readonly errorMessages: string[];
  readonly errors: Record<string, string>;
  readonly retryable: boolean;
  /** How long Jira asked us to wait (Retry-After or X-RateLimit-Reset), when it said so. */
  readonly retryAfterMs: number | undefined;
  readonly rateLimitReason: string | undefined;

  constructor(init: JiraErrorInit) {
    super(describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.errorMessages = init.errorMessages ?? [];
    this.errors = init.errors ?? {};
    this.retryAfterMs = init.retryAfterMs;
    this.rateLimitReason = init.rateLimitReason;
    this.retryable =
      init.kind === 'network' || init.kind === 'timeout'
        ? true
        : init.kind === 'http'
          ? RETRYABLE_STATUSES.has(init.status ?? 0)
          : false;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
  get isRateLimited(): boolean {
    return this.status === 429;
  }
  get isAuthFailure(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

function describe(init: JiraErrorInit): string {
  const where = `${init.method} ${init.path}`;
  switch (init.kind) {
    case 'network':
      return `Jira request failed before an answer: ${where}`;
    case 'timeout':
      return `Jira request timed out: ${where}`;
    case 'aborted':
      return `Jira request aborted: ${where}`;
    case 'schema':
      return `Jira answered ${where} with an unexpected body`;
    case 'too-large':
      return `Jira sent an answer larger than the connector accepts (over ${describeLimit(init.limitBytes ?? 0)}) to ${where}`;
    case 'http': {
      const details = [
        ...(init.errorMessages ?? []),
        ...Object.entries(init.errors ?? {}).map(([field, msg]) => `${field}: ${msg}`),
      ];
      return `Jira answered ${init.status} to ${where}${details.length ? ` (${details.join('; ')})` : ''}`;
    }
  }
}

/**
 * Jira answered with a JSON body over the client's cap (default 32 MB): reading stopped so a hostile or
 * broken answer cannot exhaust memory. Never retryable (`retryable` is false for every non-http kind):
 * the same call would get the same answer.
 */
export class JiraResponseTooLargeError extends JiraError {
  override name = 'JiraResponseTooLargeError';
  readonly limitBytes: number;
  constructor(init: Omit<JiraErrorInit, 'kind' | 'limitBytes'> & { limitBytes: number }) {
    super({ ...init, kind: 'too-large' });
    this.limitBytes = init.limitBytes;
  }
}

/**
 * Milliseconds to wait, from `Retry-After` (seconds or an HTTP date) or else `X-RateLimit-Reset`
 * (an ISO 8601 instant). Undefined when the response names no wait.
 */
export function retryAfterFromHeaders(headers: Headers, now: number = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const v = retryAfter.trim();
    if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
    const at = Date.parse(v);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = headers.get('x-ratelimit-reset');
  if (reset !== null) {
    const at = Date.parse(reset);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return undefined;
}

/**
 * Builds the typed error for a non-2xx response; the body is read as the JSON envelope if it is one (at most
 * `maxBytes` of it: past that the status alone classifies the error, as for a body that is not JSON).
 */
export async function errorFromResponse(method: string, path: string, res: Response, maxBytes: number = DEFAULT_MAX_JSON_BYTES): Promise<JiraError> {
  let envelope: ErrorCollection = {};
  const text = await readCappedText(res, maxBytes).catch(() => '');
  if (text) {
    try {
      const parsed = errorCollectionSchema.safeParse(JSON.parse(text));
      if (parsed.success) envelope = parsed.data;
    } catch {
      // Proxies and gateways answer HTML or plain text; the status alone still classifies the error.
    }
  }
  const retryAfterMs = retryAfterFromHeaders(res.headers);
  const reason = res.headers.get('ratelimit-reason') ?? undefined;
  return new JiraError({
    kind: 'http',
    status: res.status,
    method,
    path,
    ...(envelope.errorMessages ? { errorMessages: envelope.errorMessages } : {}),
    ...(envelope.errors ? { errors: envelope.errors } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(reason !== undefined ? { rateLimitReason: reason } : {}),
  });
}
