// Zoho Accounts state: registered clients, grant codes, refresh and access tokens, each bound to the DC
// that issued it. Limits follow reference/zoho-crm-api.md §1.5 (single-use codes valid 3 minutes by
// default, access tokens 1 hour, at most 15 live access tokens per refresh token).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ZohoDc } from '../../clients/zoho/datacenters';
import { randomToken, ADMIN } from './store';

export interface SimClient {
  clientId: string;
  clientSecret: string;
  kind: 'self' | 'server';
}

export interface GrantCode {
  clientId: string;
  scopes: string[];
  dc: ZohoDc;
  expiresMs: number;
  redirectUri: string | undefined;
  offline: boolean;
  userId: string;
  /** PKCE (RFC 7636): the consent request's code_challenge and its method; the token request must prove it. */
  codeChallenge?: { value: string; method: 'S256' | 'plain' };
}

/** RFC 7636 §4.1: 43–128 characters of [A-Za-z0-9-._~]. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Whether a token request's code_verifier answers the code's challenge (RFC 7636 §4.6). */
export function pkceSatisfied(code: GrantCode, verifier: string | undefined): boolean {
  if (!code.codeChallenge) return true;
  if (verifier === undefined || !VERIFIER.test(verifier)) return false;
  const derived = code.codeChallenge.method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
  const a = Buffer.from(derived);
  const b = Buffer.from(code.codeChallenge.value);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface RefreshGrant {
  token: string;
  clientId: string;
  /** Shared with this grant's access tokens, so removing a scope takes effect at once. */
  scopes: string[];
  dc: ZohoDc;
  userId: string;
  revoked: boolean;
  /** Issue times of recent access tokens (rate limit: 10 per 10 minutes). */
  recentIssues: number[];
}

export interface AccessGrant {
  token: string;
  refresh: RefreshGrant | undefined;
  clientId: string;
  scopes: string[];
  dc: ZohoDc;
  userId: string;
  expiresMs: number;
  revoked: boolean;
}

/** The documented demo self-client (sandbox/zoho/README.md). Not a secret: it only opens the simulator. */
export const DEMO_SELF_CLIENT: SimClient = {
  clientId: '1000.SANDBOXSELFCLIENT0000000000000',
  clientSecret: 'sandbox-self-client-secret',
  kind: 'self',
};
/** The documented demo server-based client for the authorization-code flow (Providers mode). */
export const DEMO_WEB_CLIENT: SimClient = {
  clientId: '1000.SANDBOXWEBCLIENT00000000000000',
  clientSecret: 'sandbox-web-client-secret',
  kind: 'server',
};

export const MAX_ACCESS_TOKENS_PER_REFRESH = 15;

export interface AuthLimits {
  accessTokenTtlMs: number;
  grantCodeTtlMs: number;
  /** Access tokens per refresh token per 10 minutes (Zoho: 10); 0 disables the throttle. */
  refreshesPer10Min: number;
}

export class AccountsState {
  readonly clients = new Map<string, SimClient>([
    [DEMO_SELF_CLIENT.clientId, DEMO_SELF_CLIENT],
    [DEMO_WEB_CLIENT.clientId, DEMO_WEB_CLIENT],
  ]);
  readonly codes = new Map<string, GrantCode>();
  readonly refreshTokens = new Map<string, RefreshGrant>();
  readonly accessTokens = new Map<string, AccessGrant>();

  constructor(
    private readonly now: () => number,
    readonly limits: AuthLimits,
  ) {}

  mintCode(input: {
    clientId: string;
    scopes: string[];
    dc: ZohoDc;
    redirectUri?: string;
    offline?: boolean;
    ttlMs?: number;
    codeChallenge?: GrantCode['codeChallenge'];
  }): string {
    const code = `1000.${randomToken()}.${randomToken()}`;
    this.codes.set(code, {
      clientId: input.clientId,
      scopes: [...input.scopes],
      dc: input.dc,
      expiresMs: this.now() + (input.ttlMs ?? this.limits.grantCodeTtlMs),
      redirectUri: input.redirectUri,
      offline: input.offline ?? true,
      userId: ADMIN.id,
      ...(input.codeChallenge ? { codeChallenge: input.codeChallenge } : {}),
    });
    return code;
  }

  client(clientId: string | undefined, clientSecret: string | undefined): SimClient | undefined {
    const c = clientId ? this.clients.get(clientId) : undefined;
    return c && c.clientSecret === clientSecret ? c : undefined;
  }

  /** Consumes a code (single use, even when the exchange then fails). */
  takeCode(code: string, clientId: string, dc: ZohoDc): GrantCode | undefined {
    const g = this.codes.get(code);
    if (!g) return undefined;
    this.codes.delete(code);
    if (g.clientId !== clientId || g.dc !== dc || g.expiresMs < this.now()) return undefined;
    return g;
  }

  issueRefresh(g: GrantCode): RefreshGrant {
    const r: RefreshGrant = {
      token: `1000.${randomToken()}.${randomToken()}`,
      clientId: g.clientId,
      scopes: [...g.scopes],
      dc: g.dc,
      userId: g.userId,
      revoked: false,
      recentIssues: [],
    };
    this.refreshTokens.set(r.token, r);
    return r;
  }

  /** Issues an access token; past 15 live ones per refresh token, the oldest is invalidated. */
  issueAccess(input: { refresh?: RefreshGrant; clientId: string; scopes: string[]; dc: ZohoDc; userId: string }): AccessGrant {
    const a: AccessGrant = {
      token: `1000.${randomToken()}.${randomToken()}`,
      refresh: input.refresh,
      clientId: input.clientId,
      scopes: input.refresh ? input.refresh.scopes : [...input.scopes],
      dc: input.dc,
      userId: input.userId,
      expiresMs: this.now() + this.limits.accessTokenTtlMs,
      revoked: false,
    };
    this.accessTokens.set(a.token, a);
    if (input.refresh) {
      input.refresh.recentIssues.push(this.now());
      const live = [...this.accessTokens.values()].filter((x) => x.refresh === input.refresh && !x.revoked && x.expiresMs > this.now());
      for (const old of live.slice(0, Math.max(0, live.length - MAX_ACCESS_TOKENS_PER_REFRESH))) old.revoked = true;
    }
    return a;
  }

  /** True when this refresh token may not mint another access token right now. */
  throttled(r: RefreshGrant): boolean {
    if (this.limits.refreshesPer10Min <= 0) return false;
    const since = this.now() - 600_000;
    r.recentIssues = r.recentIssues.filter((t) => t > since);
    return r.recentIssues.length >= this.limits.refreshesPer10Min;
  }

  /** The live access grant for a bearer value, or why it is refused. */
  checkAccess(token: string | undefined, dc: ZohoDc): AccessGrant | 'missing' | 'invalid' {
    if (!token) return 'missing';
    const a = this.accessTokens.get(token);
    if (!a || a.revoked || a.expiresMs <= this.now() || a.dc !== dc || a.refresh?.revoked) return 'invalid';
    return a;
  }

  revokeRefresh(token: string): boolean {
    const r = this.refreshTokens.get(token);
    if (!r || r.revoked) return false;
    r.revoked = true;
    for (const a of this.accessTokens.values()) if (a.refresh === r) a.revoked = true;
    return true;
  }

  /** Control surface: revoke everything (or one refresh token). */
  revokeAll(): number {
    let n = 0;
    for (const r of this.refreshTokens.values()) if (this.revokeRefresh(r.token)) n += 1;
    for (const a of this.accessTokens.values()) a.revoked = true;
    return n;
  }

  /** Control surface: make every access token expire now (tests refresh-on-expiry). */
  expireAccessTokens(): number {
    let n = 0;
    for (const a of this.accessTokens.values()) {
      if (a.expiresMs > this.now()) {
        a.expiresMs = this.now() - 1;
        n += 1;
      }
    }
    return n;
  }

  /** Control surface: remove scopes from every grant (effective immediately). */
  removeScopes(scopes: readonly string[]): void {
    const drop = new Set(scopes.map((s) => s.toLowerCase()));
    const prune = (list: string[]): void => {
      for (let i = list.length - 1; i >= 0; i -= 1) if (drop.has(list[i]!.toLowerCase())) list.splice(i, 1);
    };
    for (const r of this.refreshTokens.values()) prune(r.scopes);
    for (const a of this.accessTokens.values()) if (!a.refresh) prune(a.scopes);
  }
}
