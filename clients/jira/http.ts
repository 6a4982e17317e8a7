// The single door to Jira: every call goes through `request`/`requestRaw`, which own the base URL, the
// credentials, the timeout, cancellation, error typing and response parsing. Nothing else calls fetch.
import { z } from 'zod';
import { BodyOverLimit, DEFAULT_MAX_JSON_BYTES, readCappedText } from '../body-limit';
import { JiraError, JiraResponseTooLargeError, errorFromResponse } from './errors';

export type TokenSource = string | (() => string | Promise<string>);

/**
 * How the client proves who it is.
 * - `forge`: the app system token Forge hands our remote (`x-forge-oauth-system`), sent as Bearer to the
 *   installation's `apiBaseUrl` (from the Forge Invocation Token, not the site URL). Tokens rotate, so a
 *   function may be given and is asked again for every request.
 * - `basic`: an Atlassian account e-mail and API token, against the site URL, for setups without Forge Remote.
 */
export type JiraAuth = { type: 'forge'; systemToken: TokenSource } | { type: 'basic'; email: string; apiToken: string };

export interface JiraHttpOptions {
  /** e.g. `https://api.atlassian.com/ex/jira/<cloudId>` (Forge) or `https://<site>.atlassian.net` (basic). */
  baseUrl: string;
  auth: JiraAuth;
  /** Per-request budget until the response headers arrive; default 30 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** For tests that count or observe calls; defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * Largest JSON body read (answers and error envelopes; default 32 MB). Past it `request` fails with a
   * non-retryable JiraResponseTooLargeError. `requestRaw` (attachment downloads) hands the body back unread.
   */
  maxJsonBytes?: number;
  /** Told about every call once its answer (or its failure) is known: metrics. */
  onCall?: (info: JiraCallInfo) => void;
}

/** One finished Jira call, for metrics: the status, or why there was none. */
export interface JiraCallInfo {
  method: RequestOptions['method'];
  /** HTTP status of the answer; absent when none came (`failure` says why). */
  status?: number;
  failure?: 'timeout' | 'network' | 'aborted';
  durationMs: number;
}

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the base URL, starting with `/rest/`. Callers encode path parameters. */
  path: string;
  query?: Record<string, QueryValue>;
  /** A JSON body. */
  json?: unknown;
  /** A raw body (e.g. a streamed multipart body); `headers` must then carry its content type. */
  body?: ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface JiraHttp {
  readonly baseUrl: string;
  /** Sends the request and parses the JSON answer with `schema`. */
  request<S extends z.ZodType>(opts: RequestOptions & { schema: S }): Promise<z.infer<S>>;
  /** Sends the request and expects no body worth reading (204 and friends). */
  requestVoid(opts: RequestOptions): Promise<void>;
  /** Sends the request and hands back the 2xx Response unread (streams). Non-2xx still throws JiraError. */
  requestRaw(opts: RequestOptions): Promise<Response>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export function createJiraHttp(options: JiraHttpOptions): JiraHttp {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxJsonBytes = options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES;

  async function authorization(): Promise<string> {
    const auth = options.auth;
    if (auth.type === 'basic') {
      return 'Basic ' + Buffer.from(`${auth.email}:${auth.apiToken}`, 'utf8').toString('base64');
    }
    const token = typeof auth.systemToken === 'function' ? await auth.systemToken() : auth.systemToken;
    return `Bearer ${token}`;
  }

  function urlFor(path: string, query?: Record<string, QueryValue>): string {
    const url = new URL(baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v as readonly string[]) url.searchParams.append(k, item);
      else url.searchParams.set(k, String(v));
    }
    return url.toString();
  }

  async function send(opts: RequestOptions): Promise<Response> {
    const timeoutMs = opts.timeoutMs ?? defaultTimeout;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout.signal]) : timeout.signal;
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: await authorization(),
      ...(options.userAgent ? { 'user-agent': options.userAgent } : {}),
      ...opts.headers,
    };
    let body: RequestInit['body'];
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.body) {
      body = opts.body;
    }
    // Node's fetch needs `duplex: 'half'` to send a stream; the DOM typings do not know the option.
    const init = { method: opts.method, headers, body, signal, ...(opts.body ? { duplex: 'half' } : {}) };
    let res: Response;
    const started = Date.now();
    try {
      res = await doFetch(urlFor(opts.path, opts.query), init as RequestInit);
    } catch (cause) {
      clearTimeout(timer);
      const kind = opts.signal?.aborted ? 'aborted' : timeout.signal.aborted ? 'timeout' : 'network';
      options.onCall?.({ method: opts.method, failure: kind, durationMs: Date.now() - started });
      throw new JiraError({ kind, method: opts.method, path: opts.path, cause: scrub(cause) });
    } finally {
      // The budget covers waiting for the answer, not reading a long streamed body afterwards.
      clearTimeout(timer);
    }
    options.onCall?.({ method: opts.method, status: res.status, durationMs: Date.now() - started });
    if (!res.ok) throw await errorFromResponse(opts.method, opts.path, res, maxJsonBytes);
    return res;
  }

  return {
    baseUrl,
    async request(opts) {
      const res = await send(opts);
      let text: string;
      try {
        text = await readCappedText(res, maxJsonBytes);
      } catch (cause) {
        if (cause instanceof BodyOverLimit) {
          // No status on purpose: the failure is the size, not the 2xx (Temporal sees type `Jira.too-large`).
          throw new JiraResponseTooLargeError({ method: opts.method, path: opts.path, limitBytes: cause.limitBytes });
        }
        const kind = opts.signal?.aborted ? 'aborted' : 'network';
        throw new JiraError({ kind, status: res.status, method: opts.method, path: opts.path, cause: scrub(cause) });
      }
      let data: unknown;
      try {
        data = text === '' ? undefined : JSON.parse(text);
      } catch (cause) {
        throw new JiraError({ kind: 'schema', status: res.status, method: opts.method, path: opts.path, cause });
      }
      const parsed = opts.schema.safeParse(data);
      if (!parsed.success) {
        throw new JiraError({
          kind: 'schema',
          status: res.status,
          method: opts.method,
          path: opts.path,
          cause: new Error(z.prettifyError(parsed.error)),
        });
      }
      return parsed.data;
    },
    async requestVoid(opts) {
      const res = await send(opts);
      await res.body?.cancel();
    },
    requestRaw: send,
  };
}

// Network errors from fetch can echo the request (headers included) in their cause chain; keep only the
// message and code so that an Authorization header can never ride along into a log line.
function scrub(cause: unknown): Error {
  if (!(cause instanceof Error)) return new Error(String(cause));
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  const code = (cause.cause as { code?: unknown } | undefined)?.code;
  const e = new Error(`${cause.name}: ${cause.message}${inner}`);
  if (typeof code === 'string') Object.assign(e, { code });
  return e;
}
