// The single HTTP chokepoint for Zoho (accounts and CRM API alike): timeouts and caller cancellation,
// JSON parsing, Zoho's error envelope turned into typed errors, zod-checked bodies, a call counter and
// the API-credit header. Nothing else in clients/zoho calls fetch.
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { z } from 'zod';
import { BodyOverLimit, DEFAULT_MAX_JSON_BYTES, describeLimit, readCappedText } from '../body-limit';
import {
  ZohoError,
  ZohoResponseError,
  ZohoResponseTooLargeError,
  ZohoUnavailableError,
  zohoErrorFromEnvelope,
  DEFAULT_RATE_LIMIT_DELAY_MS,
} from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined;

export interface ZohoHttpRequest {
  /** Short stable name for stats and logs, e.g. `records.list`. */
  operation: string;
  method: HttpMethod;
  url: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** JSON body. */
  json?: unknown;
  /** application/x-www-form-urlencoded body (the token endpoint). */
  form?: Record<string, string>;
  /** A streamed body (multipart upload); sent with `duplex: 'half'` so it is never buffered. */
  stream?: { body: ReadableStream<Uint8Array>; contentType: string };
  signal?: AbortSignal;
}

export interface ZohoRawResponse {
  status: number;
  headers: Headers;
}

export interface ZohoJsonResponse extends ZohoRawResponse {
  /** Parsed JSON, undefined for 204/304 or an empty body. */
  body: unknown;
}

export interface ZohoStreamResponse extends ZohoRawResponse {
  /** undefined for 204 (Zoho's "nothing here"). */
  body: Readable | undefined;
}

export interface ZohoCallInfo {
  operation: string;
  method: HttpMethod;
  /** Origin and path only: query strings can carry codes and tokens on the accounts server. */
  target: string;
  status: number;
  durationMs: number;
  /** X-API-CREDITS-REMAINING when Zoho sent it (once half the daily credits are used): budget accounting (F36). */
  creditsRemaining?: number;
}

export interface ZohoHttpStats {
  calls: number;
  byOperation: Record<string, number>;
  /** Last seen X-API-CREDITS-REMAINING (Zoho sends it once half the daily credits are used). */
  creditsRemaining: number | undefined;
}

export interface ZohoHttpOptions {
  fetch?: typeof fetch;
  /** For JSON calls: the whole exchange. For streams: until response headers arrive. */
  timeoutMs?: number;
  onCall?: (info: ZohoCallInfo) => void;
  now?: () => number;
  /**
   * Largest JSON body read (answers and error envelopes alike; default 32 MB). Past it the call fails with a
   * non-retryable ZohoResponseTooLargeError. File downloads (`stream`) are not JSON and not capped here.
   */
  maxJsonBytes?: number;
}

const zohoEnvelopeSchema = z.object({
  code: z.string(),
  message: z.string().optional(),
  status: z.literal('error'),
  details: z.record(z.string(), z.unknown()).optional(),
});

export class ZohoHttp {
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly onCall: ((info: ZohoCallInfo) => void) | undefined;
  private readonly now: () => number;
  private readonly maxJsonBytes: number;
  private readonly counters: ZohoHttpStats = { calls: 0, byOperation: {}, creditsRemaining: undefined };

  constructor(opts: ZohoHttpOptions = {}) {
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.onCall = opts.onCall;
    this.now = opts.now ?? Date.now;
    this.maxJsonBytes = opts.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES;
  }

  stats(): ZohoHttpStats {
    return { ...this.counters, byOperation: { ...this.counters.byOperation } };
  }

  resetStats(): void {
    this.counters.calls = 0;
    this.counters.byOperation = {};
  }

  /** A JSON call. Statuses >= 400 (and 2xx bodies that are a bare error envelope) throw typed errors. */
  async json(req: ZohoHttpRequest): Promise<ZohoJsonResponse> {
    const { res, done } = await this.send(req, { keepTimerForBody: true });
    try {
      const text = await this.readText(req, res);
      const body = parseJsonOrText(text, res.headers.get('content-type'));
      this.throwIfError(req, res, body);
      return { status: res.status, headers: res.headers, body };
    } catch (e) {
      throw this.translateAbort(e, req);
    } finally {
      done();
    }
  }

  /** A call whose success body is streamed back (attachment download); errors are still parsed. */
  async stream(req: ZohoHttpRequest): Promise<ZohoStreamResponse> {
    const { res, done } = await this.send(req, { keepTimerForBody: false });
    done();
    const contentType = res.headers.get('content-type') ?? '';
    if (res.status >= 400 || contentType.includes('application/json')) {
      const text = await this.readText(req, res);
      const body = parseJsonOrText(text, contentType);
      this.throwIfError(req, res, body);
      throw new ZohoResponseError({
        code: 'UNEXPECTED_RESPONSE',
        status: res.status,
        message: `${req.operation}: expected file content, got JSON`,
        operation: req.operation,
      });
    }
    if (res.status === 204 || res.body === null) {
      await res.body?.cancel();
      return { status: res.status, headers: res.headers, body: undefined };
    }
    return {
      status: res.status,
      headers: res.headers,
      body: Readable.fromWeb(res.body as unknown as NodeWebReadableStream<Uint8Array>),
    };
  }

  /** Parses a JSON response body with a zod schema; a mismatch is a non-retryable ZohoResponseError. */
  parse<S extends z.ZodType>(schema: S, body: unknown, operation: string): z.infer<S> {
    const r = schema.safeParse(body);
    if (!r.success) {
      // The issue paths name the offending keys without echoing values (which may be customer data).
      const where = r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw new ZohoResponseError({
        code: 'UNEXPECTED_RESPONSE',
        message: `${operation}: response did not match the expected shape (${where})`,
        operation,
      });
    }
    return r.data;
  }

  private async send(
    req: ZohoHttpRequest,
    opts: { keepTimerForBody: boolean },
  ): Promise<{ res: Response; done: () => void }> {
    const url = buildUrl(req.url, req.query);
    const headers = new Headers(req.headers);
    let body: BodyInit | undefined;
    if (req.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(req.json);
    } else if (req.form !== undefined) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = new URLSearchParams(req.form).toString();
    } else if (req.stream !== undefined) {
      headers.set('content-type', req.stream.contentType);
      body = req.stream.body;
    }
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new TimeoutSignal()), this.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal;
    const started = this.now();
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method: req.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal,
        // With any other redirect mode fetch clones the request, teeing a streamed body into a branch
        // nobody reads, which keeps every uploaded chunk in memory. Zoho never redirects API calls.
        redirect: req.stream ? 'error' : 'manual',
        ...(req.stream ? { duplex: 'half' } : {}),
      });
    } catch (e) {
      clearTimeout(timer);
      throw this.translateAbort(e, req);
    } finally {
      this.counters.calls += 1;
      this.counters.byOperation[req.operation] = (this.counters.byOperation[req.operation] ?? 0) + 1;
    }
    const credits = res.headers.get('x-api-credits-remaining');
    if (credits !== null && /^\d+$/.test(credits)) this.counters.creditsRemaining = Number(credits);
    this.onCall?.({
      operation: req.operation,
      method: req.method,
      target: `${url.origin}${url.pathname}`,
      status: res.status,
      durationMs: this.now() - started,
      ...(credits !== null && /^\d+$/.test(credits) ? { creditsRemaining: Number(credits) } : {}),
    });
    if (!opts.keepTimerForBody) clearTimeout(timer);
    return { res, done: () => clearTimeout(timer) };
  }

  /** The body as text, at most maxJsonBytes of it (clients/body-limit.ts). */
  private async readText(req: ZohoHttpRequest, res: Response): Promise<string> {
    try {
      return await readCappedText(res, this.maxJsonBytes);
    } catch (e) {
      if (!(e instanceof BodyOverLimit)) throw e;
      throw new ZohoResponseTooLargeError({
        code: 'RESPONSE_TOO_LARGE',
        status: res.status,
        retryable: false,
        source: 'client',
        message: `Zoho CRM sent an answer larger than the connector accepts (over ${describeLimit(e.limitBytes)}).`,
        details: { limitBytes: e.limitBytes, ...(e.declaredBytes !== undefined ? { declaredBytes: e.declaredBytes } : {}) },
        operation: req.operation,
      });
    }
  }

  private throwIfError(req: ZohoHttpRequest, res: Response, body: unknown): void {
    const envelope = zohoEnvelopeSchema.safeParse(body);
    if (res.status < 400) {
      // Zoho sometimes answers 2xx with a bare error envelope (documented under 200 in its OpenAPI files).
      if (envelope.success && body !== null && typeof body === 'object' && !('data' in body)) {
        throw zohoErrorFromEnvelope(res.status, envelope.data, { operation: req.operation });
      }
      return;
    }
    // Bulk writes answer 400/207 with per-row results in `data` (or `watch`); the caller reads each row.
    if (res.status < 500 && res.status !== 429 && res.status !== 401 && hasRowArray(body)) return;
    const retryAfterMs = res.status === 429 ? parseRetryAfter(res.headers.get('retry-after'), this.now()) : undefined;
    if (envelope.success) {
      throw zohoErrorFromEnvelope(res.status, envelope.data, { retryAfterMs, operation: req.operation });
    }
    if (res.status === 429) {
      throw zohoErrorFromEnvelope(429, { code: 'TOO_MANY_REQUESTS' }, { retryAfterMs, operation: req.operation });
    }
    if (res.status >= 500) {
      throw new ZohoUnavailableError({
        code: 'HTTP_' + res.status,
        status: res.status,
        retryable: true,
        message: `${req.operation}: Zoho answered HTTP ${res.status}`,
        operation: req.operation,
      });
    }
    throw new ZohoResponseError({
      code: 'HTTP_' + res.status,
      status: res.status,
      message: `${req.operation}: Zoho answered HTTP ${res.status} without an error envelope`,
      operation: req.operation,
    });
  }

  private translateAbort(e: unknown, req: ZohoHttpRequest): unknown {
    if (e instanceof ZohoError) return e;
    // A streamed body that failed on our side (e.g. over maxBytes) surfaces as fetch's cause.
    if (e instanceof Error && e.cause instanceof ZohoError) return e.cause;
    // Our own timeout becomes a retryable error; a caller's abort (e.g. Temporal cancellation) propagates as is.
    if (e instanceof TimeoutSignal || (e instanceof Error && e.cause instanceof TimeoutSignal)) {
      return new ZohoUnavailableError({
        code: 'TIMEOUT',
        retryable: true,
        message: `${req.operation}: no answer within ${this.timeoutMs} ms`,
        operation: req.operation,
      });
    }
    if (req.signal?.aborted) return e;
    if (e instanceof TypeError) {
      // fetch's "fetch failed" (refused, reset, DNS): transient. The cause names the socket error, not secrets.
      return new ZohoUnavailableError({
        code: 'NETWORK_ERROR',
        retryable: true,
        message: `${req.operation}: network failure`,
        operation: req.operation,
        cause: e,
      });
    }
    return e;
  }
}

/** The abort reason our own timer uses, so a timeout can be told apart from a caller's abort. */
class TimeoutSignal extends Error {
  override name = 'TimeoutSignal';
}

export function buildUrl(base: string, query?: Record<string, QueryValue>): URL {
  const url = new URL(base);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined) url.searchParams.set(k, String(v));
  }
  return url;
}

function hasRowArray(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  const b = body as Record<string, unknown>;
  return Array.isArray(b.data) || Array.isArray(b.watch);
}

function parseJsonOrText(text: string, contentType: string | null): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** Retry-After as seconds or an HTTP date; Zoho documents none, so fall back to a conservative default. */
export function parseRetryAfter(value: string | null, now: number): number {
  if (value === null || value.trim() === '') return DEFAULT_RATE_LIMIT_DELAY_MS;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return DEFAULT_RATE_LIMIT_DELAY_MS;
  return Math.max(0, at - now);
}
