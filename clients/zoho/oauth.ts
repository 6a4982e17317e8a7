// Zoho Accounts OAuth 2.0: grant-code exchange (self client and authorization-code flow), refresh, revoke,
// the consent URL and its redirect, and the user profile. Token endpoint failures arrive as HTTP 200 with
// `{"error": "..."}`, so success is decided by the body, never the status.
// Docs: https://www.zoho.com/crm/developer/docs/api/v8/access-refresh.html and reference/zoho-crm-api.md §1.
import { z } from 'zod';
import {
  dcForAccountsServer,
  dcForApiDomain,
  trimSlash,
  zohoDcSchema,
  type ZohoDc,
  type ZohoEndpoints,
} from './datacenters';
import {
  ZohoOAuthError,
  ZohoReauthRequiredError,
  ZohoResponseError,
  ZohoUntrustedHostError,
  ZohoError,
} from './errors';
import type { ZohoHttp } from './http';
import { parseScopeList } from './scopes';

export interface ZohoClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** What the connector persists per connection (encrypted at rest by the caller). */
export const zohoTokensSchema = z.object({
  dc: zohoDcSchema,
  refreshToken: z.string().min(1),
  /** Absent until the first refresh. */
  accessToken: z.string().min(1).optional(),
  /** Epoch milliseconds. */
  accessTokenExpiresAt: z.number().int().optional(),
  /** Already checked against the allow-list of API domains. */
  apiDomain: z.string().url(),
  /** Scopes Zoho reported for the grant, when it did. */
  scopes: z.array(z.string()).optional(),
});
export type ZohoTokens = z.infer<typeof zohoTokensSchema>;

const tokenSuccessSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  api_domain: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().optional(),
  // Older Accounts responses use expires_in_sec (reference §1.4).
  expires_in_sec: z.number().optional(),
  scope: z.string().optional(),
});
const tokenErrorSchema = z.object({ error: z.string().min(1), error_description: z.string().optional() });

export interface TokenGrant {
  accessToken: string;
  refreshToken: string | undefined;
  apiDomain: string;
  expiresAt: number;
  scopes: string[] | undefined;
}

/** Codes that mean the stored refresh token or client registration is no longer usable. */
const REAUTH_ERRORS = new Set(['invalid_code', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'access_denied']);

export class ZohoOAuthClient {
  constructor(
    private readonly http: ZohoHttp,
    private readonly endpoints: ZohoEndpoints,
    private readonly credentials: ZohoClientCredentials,
    private readonly now: () => number = Date.now,
  ) {}

  accountsServer(dc: ZohoDc): string {
    return trimSlash(this.endpoints[dc].accountsServer);
  }

  /** Exchanges a grant code (pasted from the API Console, or from the consent redirect) for tokens. */
  async exchangeGrantCode(input: { dc: ZohoDc; code: string; redirectUri?: string; codeVerifier?: string; signal?: AbortSignal }): Promise<ZohoTokens> {
    const grant = await this.tokenCall(
      input.dc,
      {
        grant_type: 'authorization_code',
        client_id: this.credentials.clientId,
        client_secret: this.credentials.clientSecret,
        code: input.code,
        ...(input.redirectUri ? { redirect_uri: input.redirectUri } : {}),
        // PKCE (RFC 7636): the verifier whose S256 challenge went on the consent URL.
        ...(input.codeVerifier ? { code_verifier: input.codeVerifier } : {}),
      },
      'oauth.exchangeGrantCode',
      input.signal,
    );
    if (!grant.refreshToken) {
      throw new ZohoOAuthError({
        code: 'NO_REFRESH_TOKEN',
        source: 'accounts',
        message: 'Zoho issued no refresh token (the consent must use access_type=offline)',
      });
    }
    return {
      dc: input.dc,
      refreshToken: grant.refreshToken,
      accessToken: grant.accessToken,
      accessTokenExpiresAt: grant.expiresAt,
      apiDomain: grant.apiDomain,
      ...(grant.scopes ? { scopes: grant.scopes } : {}),
    };
  }

  /**
   * Refreshes an access token. A refusal (revoked or unknown refresh token, wrong client) is
   * ZohoReauthRequiredError: only a person reconnecting can fix it.
   */
  async refresh(tokens: Pick<ZohoTokens, 'dc' | 'refreshToken'>, signal?: AbortSignal): Promise<TokenGrant> {
    try {
      return await this.tokenCall(
        tokens.dc,
        {
          grant_type: 'refresh_token',
          client_id: this.credentials.clientId,
          client_secret: this.credentials.clientSecret,
          refresh_token: tokens.refreshToken,
        },
        'oauth.refresh',
        signal,
      );
    } catch (e) {
      if (e instanceof ZohoOAuthError && REAUTH_ERRORS.has(e.code)) {
        throw new ZohoReauthRequiredError({
          code: e.code,
          status: e.status,
          source: 'accounts',
          message: `Zoho refused the refresh token (${e.code}); reconnect Zoho CRM`,
          operation: 'oauth.refresh',
        });
      }
      throw e;
    }
  }

  /** Revokes a refresh token (and with it every access token issued from it). */
  async revoke(input: { dc: ZohoDc; refreshToken: string; signal?: AbortSignal }): Promise<void> {
    const res = await this.http.json({
      operation: 'oauth.revoke',
      method: 'POST',
      url: `${this.accountsServer(input.dc)}/oauth/v2/token/revoke`,
      form: { token: input.refreshToken },
      ...(input.signal ? { signal: input.signal } : {}),
    });
    const err = tokenErrorSchema.safeParse(res.body);
    if (err.success) throw oauthError(err.data.error, res.status, 'oauth.revoke');
  }

  /**
   * The consent URL for Providers mode (per-user sign-in). `access_type=offline` yields a refresh token.
   * `codeChallenge` (PKCE, RFC 7636, which Zoho Accounts supports) is BASE64URL(SHA-256(verifier)); the
   * verifier then goes with the code exchange.
   */
  authorizationUrl(input: {
    dc: ZohoDc;
    scopes: readonly string[];
    redirectUri: string;
    state: string;
    accessType?: 'offline' | 'online';
    prompt?: 'consent';
    codeChallenge?: string;
    codeChallengeMethod?: 'S256';
  }): string {
    const url = new URL(`${this.accountsServer(input.dc)}/oauth/v2/auth`);
    url.searchParams.set('scope', input.scopes.join(','));
    url.searchParams.set('client_id', this.credentials.clientId);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('access_type', input.accessType ?? 'offline');
    url.searchParams.set('redirect_uri', input.redirectUri);
    url.searchParams.set('state', input.state);
    if (input.prompt ?? 'consent') url.searchParams.set('prompt', 'consent');
    if (input.codeChallenge) {
      url.searchParams.set('code_challenge', input.codeChallenge);
      url.searchParams.set('code_challenge_method', input.codeChallengeMethod ?? 'S256');
    }
    return url.toString();
  }

  /**
   * Reads the consent redirect (`code`, `location`, `accounts-server`, `state`). The accounts server must
   * be one we know: the code is exchanged there together with our client secret.
   */
  parseAuthorizationRedirect(query: Record<string, unknown>): { code: string; dc: ZohoDc; state: string | undefined } {
    const q = authRedirectSchema.safeParse(query);
    if (!q.success) {
      const error = typeof query.error === 'string' ? query.error : 'invalid_redirect';
      throw new ZohoOAuthError({ code: error, source: 'accounts', message: `Zoho consent did not complete (${error})` });
    }
    const server = q.data['accounts-server'];
    const dcFromServer = server ? dcForAccountsServer(server, this.endpoints) : undefined;
    if (server && !dcFromServer) {
      throw new ZohoUntrustedHostError({
        code: 'UNTRUSTED_ACCOUNTS_SERVER',
        source: 'client',
        message: 'The consent redirect named an accounts server that is not a configured Zoho data center',
      });
    }
    const location = q.data.location ? zohoDcSchema.safeParse(q.data.location.toLowerCase()) : undefined;
    const dc = dcFromServer ?? (location?.success ? location.data : undefined);
    if (!dc) {
      throw new ZohoOAuthError({ code: 'UNKNOWN_LOCATION', source: 'accounts', message: 'Unknown Zoho data center in consent redirect' });
    }
    return { code: q.data.code, dc, state: q.data.state };
  }

  /** GET {accounts}/oauth/user/info (scope AaaServer.profile.READ). */
  async userInfo(input: { dc: ZohoDc; accessToken: string; signal?: AbortSignal }): Promise<ZohoUserInfo> {
    const res = await this.http.json({
      operation: 'oauth.userInfo',
      method: 'GET',
      url: `${this.accountsServer(input.dc)}/oauth/user/info`,
      headers: { authorization: `Zoho-oauthtoken ${input.accessToken}` },
      ...(input.signal ? { signal: input.signal } : {}),
    });
    const err = tokenErrorSchema.safeParse(res.body);
    if (err.success) throw oauthError(err.data.error, res.status, 'oauth.userInfo');
    return this.http.parse(userInfoSchema, res.body, 'oauth.userInfo');
  }

  private async tokenCall(
    dc: ZohoDc,
    form: Record<string, string>,
    operation: string,
    signal: AbortSignal | undefined,
  ): Promise<TokenGrant> {
    let body: unknown;
    let status: number;
    try {
      const res = await this.http.json({
        operation,
        method: 'POST',
        url: `${this.accountsServer(dc)}/oauth/v2/token`,
        form,
        ...(signal ? { signal } : {}),
      });
      body = res.body;
      status = res.status;
    } catch (e) {
      // Accounts answers a few refusals with 4xx and a body like {"error": "..."}; keep the OAuth code.
      if (e instanceof ZohoError && e.source === 'api' && e.status >= 400 && e.status < 500 && e.status !== 429) {
        throw oauthError(e.code, e.status, operation);
      }
      throw e;
    }
    const err = tokenErrorSchema.safeParse(body);
    if (err.success) throw oauthError(err.data.error, status, operation);
    const ok = tokenSuccessSchema.safeParse(body);
    if (!ok.success) {
      throw new ZohoResponseError({ code: 'UNEXPECTED_RESPONSE', status, source: 'accounts', message: `${operation}: unexpected token response`, operation });
    }
    const apiDomain = trimSlash(ok.data.api_domain);
    if (dcForApiDomain(apiDomain, this.endpoints) === undefined) {
      throw new ZohoUntrustedHostError({
        code: 'UNTRUSTED_API_DOMAIN',
        source: 'client',
        message: `${operation}: the token response named an api_domain that is not a configured Zoho API domain`,
        operation,
      });
    }
    const expiresInSec = ok.data.expires_in ?? ok.data.expires_in_sec ?? 3600;
    return {
      accessToken: ok.data.access_token,
      refreshToken: ok.data.refresh_token,
      apiDomain,
      expiresAt: this.now() + expiresInSec * 1000,
      scopes: ok.data.scope ? parseScopeList(ok.data.scope) : undefined,
    };
  }
}

const authRedirectSchema = z.object({
  code: z.string().min(1),
  location: z.string().optional(),
  'accounts-server': z.string().optional(),
  state: z.string().optional(),
});

export const userInfoSchema = z.looseObject({
  ZUID: z.union([z.number(), z.string()]).transform(String),
  Email: z.string().optional(),
  First_Name: z.string().optional(),
  Last_Name: z.string().optional(),
  Display_Name: z.string().optional(),
});
export type ZohoUserInfo = z.infer<typeof userInfoSchema>;

function oauthError(code: string, status: number, operation: string): ZohoOAuthError {
  return new ZohoOAuthError({
    code,
    status,
    source: 'accounts',
    message: `${operation}: Zoho Accounts refused the request (${code})`,
    operation,
  });
}
