// Access-token lifecycle behind an injectable store, so the API and the worker can keep tokens in their
// database (encrypted) while this module decides when to refresh: ahead of expiry by a margin, and once
// more when Zoho says INVALID_TOKEN. Concurrent callers share one in-flight refresh.
import { ZohoReauthRequiredError } from './errors';
import type { ZohoOAuthClient, ZohoTokens } from './oauth';

export interface ZohoTokenStore {
  load(): Promise<ZohoTokens>;
  save(tokens: ZohoTokens): Promise<void>;
  /** Called once when Zoho refuses the refresh token, before ZohoReauthRequiredError is thrown (F6). */
  markReauthRequired?(error: ZohoReauthRequiredError): Promise<void>;
}

/** A store that keeps tokens in memory (tests, scripts). */
export function memoryTokenStore(initial: ZohoTokens): ZohoTokenStore & { current(): ZohoTokens; reauthRequired: boolean } {
  let tokens = initial;
  const store = {
    reauthRequired: false,
    current: () => tokens,
    load: () => Promise.resolve(tokens),
    save: (t: ZohoTokens) => {
      tokens = t;
      return Promise.resolve();
    },
    markReauthRequired: () => {
      store.reauthRequired = true;
      return Promise.resolve();
    },
  };
  return store;
}

export interface AccessGrant {
  accessToken: string;
  apiDomain: string;
  tokens: ZohoTokens;
}

export class ZohoTokenManager {
  private inflight: Promise<AccessGrant> | undefined;

  constructor(
    private readonly store: ZohoTokenStore,
    private readonly oauth: ZohoOAuthClient,
    private readonly refreshMarginMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A usable access token, refreshed first when it is missing or within the margin of expiry. */
  async get(signal?: AbortSignal): Promise<AccessGrant> {
    const tokens = await this.store.load();
    const fresh =
      tokens.accessToken !== undefined &&
      tokens.accessTokenExpiresAt !== undefined &&
      tokens.accessTokenExpiresAt - this.refreshMarginMs > this.now();
    if (fresh && tokens.accessToken) return { accessToken: tokens.accessToken, apiDomain: tokens.apiDomain, tokens };
    return this.refresh(signal, tokens.accessToken);
  }

  /**
   * Refreshes now. `rejectedToken` is the access token Zoho refused; if another caller already replaced it,
   * that newer token is used instead of refreshing twice.
   */
  async refresh(signal?: AbortSignal, rejectedToken?: string): Promise<AccessGrant> {
    if (this.inflight) return this.inflight;
    const run = async (): Promise<AccessGrant> => {
      const tokens = await this.store.load();
      if (
        rejectedToken !== undefined &&
        tokens.accessToken !== undefined &&
        tokens.accessToken !== rejectedToken &&
        (tokens.accessTokenExpiresAt ?? 0) - this.refreshMarginMs > this.now()
      ) {
        return { accessToken: tokens.accessToken, apiDomain: tokens.apiDomain, tokens };
      }
      try {
        const grant = await this.oauth.refresh(tokens, signal);
        const next: ZohoTokens = {
          ...tokens,
          accessToken: grant.accessToken,
          accessTokenExpiresAt: grant.expiresAt,
          apiDomain: grant.apiDomain,
          ...(grant.scopes ? { scopes: grant.scopes } : {}),
          ...(grant.refreshToken ? { refreshToken: grant.refreshToken } : {}),
        };
        await this.store.save(next);
        return { accessToken: grant.accessToken, apiDomain: grant.apiDomain, tokens: next };
      } catch (e) {
        if (e instanceof ZohoReauthRequiredError) await this.store.markReauthRequired?.(e);
        throw e;
      }
    };
    this.inflight = run().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }
}
