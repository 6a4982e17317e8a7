// Authenticated CRM calls: base URL from the (allow-listed) api_domain, the `Zoho-oauthtoken` header,
// one refresh-and-retry on INVALID_TOKEN, and OAUTH_SCOPE_MISMATCH enriched with the scope we lack.
import { ZohoAuthError, ZohoScopeError, ZohoError, ZohoUntrustedHostError } from './errors';
import { dcForApiDomain, trimSlash, type ZohoEndpoints } from './datacenters';
import type { ZohoHttp, ZohoHttpRequest, ZohoJsonResponse, ZohoStreamResponse, QueryValue, HttpMethod } from './http';
import { missingScopes } from './scopes';
import type { AccessGrant, ZohoTokenManager } from './tokens';

export const CRM_API_PATH = '/crm/v8';

export interface ZohoApiRequest {
  operation: string;
  method: HttpMethod;
  /** Path below /crm/v8, starting with '/'. */
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  json?: unknown;
  /** Streamed body; it cannot be replayed, so INVALID_TOKEN refreshes and then fails retryably. */
  stream?: ZohoHttpRequest['stream'];
  /** Scopes this call needs (each entry must be granted), used to name a missing one. */
  scopes?: readonly string[];
  signal?: AbortSignal;
}

export class ZohoApi {
  constructor(
    private readonly http: ZohoHttp,
    private readonly tokens: ZohoTokenManager,
    private readonly endpoints: ZohoEndpoints,
  ) {}

  json(req: ZohoApiRequest): Promise<ZohoJsonResponse> {
    return this.withAuth(req, (r) => this.http.json(r));
  }

  stream(req: ZohoApiRequest): Promise<ZohoStreamResponse> {
    return this.withAuth(req, (r) => this.http.stream(r));
  }

  parse: ZohoHttp['parse'] = (schema, body, operation) => this.http.parse(schema, body, operation);

  private async withAuth<T>(req: ZohoApiRequest, send: (r: ZohoHttpRequest) => Promise<T>): Promise<T> {
    let grant = await this.tokens.get(req.signal);
    try {
      return await send(this.toHttp(req, grant));
    } catch (e) {
      if (e instanceof ZohoAuthError && e.code === 'INVALID_TOKEN') {
        grant = await this.tokens.refresh(req.signal, grant.accessToken);
        if (req.stream) {
          throw new ZohoAuthError({
            code: e.code,
            status: e.status,
            message: `${req.operation}: access token was refused mid-upload; refreshed, retry the upload`,
            retryable: true,
            operation: req.operation,
          });
        }
        try {
          return await send(this.toHttp(req, grant));
        } catch (e2) {
          throw this.enrich(e2, req, grant);
        }
      }
      throw this.enrich(e, req, grant);
    }
  }

  private toHttp(req: ZohoApiRequest, grant: AccessGrant): ZohoHttpRequest {
    // Re-checked on every call: tokens come from a store that others write to.
    if (dcForApiDomain(grant.apiDomain, this.endpoints) === undefined) {
      throw new ZohoUntrustedHostError({
        code: 'UNTRUSTED_API_DOMAIN',
        source: 'client',
        message: 'The stored api_domain is not a configured Zoho API domain',
        operation: req.operation,
      });
    }
    return {
      operation: req.operation,
      method: req.method,
      url: `${trimSlash(grant.apiDomain)}${CRM_API_PATH}${req.path}`,
      headers: { ...req.headers, authorization: `Zoho-oauthtoken ${grant.accessToken}` },
      ...(req.query ? { query: req.query } : {}),
      ...(req.json !== undefined ? { json: req.json } : {}),
      ...(req.stream ? { stream: req.stream } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    };
  }

  private enrich(e: unknown, req: ZohoApiRequest, grant: AccessGrant): unknown {
    if (!(e instanceof ZohoScopeError) || !req.scopes?.length) return e;
    const granted = grant.tokens.scopes;
    const missing = granted ? missingScopes(granted, req.scopes) : [];
    const scope = missing[0] ?? req.scopes.join(' + ');
    return new ZohoScopeError({
      code: e.code,
      status: e.status,
      message: `${req.operation}: the Zoho token lacks the scope ${scope}`,
      details: { ...e.details, scope, required: [...req.scopes] },
      operation: req.operation,
    });
  }
}

export function isRetryable(e: unknown): boolean {
  return e instanceof ZohoError && e.retryable;
}
