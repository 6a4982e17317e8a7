// Wires the pieces into one client per connection: shared HTTP chokepoint, OAuth, token manager and the
// resource modules. The API builds one per tenant connection; the worker builds them from the same store.
import { ZohoApi } from './api';
import { ZohoAttachments } from './attachments';
import { defaultZohoEndpoints, recordWebUrl, type ZohoEndpoints } from './datacenters';
import { ZohoHttp, type ZohoCallInfo, type ZohoHttpStats } from './http';
import { ZohoMetadata } from './metadata';
import { ZohoNotes } from './notes';
import { ZohoNotifications } from './notifications';
import { ZohoOAuthClient, type ZohoClientCredentials } from './oauth';
import { ZohoRecords } from './records';
import { ZohoTokenManager, type ZohoTokenStore } from './tokens';

export interface ZohoClientOptions {
  credentials: ZohoClientCredentials;
  tokenStore: ZohoTokenStore;
  /** Per-DC hosts; defaults to the real Zoho hosts. Use sandboxZohoEndpoints(url) for the simulator. */
  endpoints?: ZohoEndpoints;
  /** Refresh this long before expiry (default 5 minutes). */
  refreshMarginMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  onCall?: (info: ZohoCallInfo) => void;
  now?: () => number;
  /** Largest JSON answer read, in bytes (default 32 MB); see ZohoHttpOptions.maxJsonBytes. */
  maxJsonBytes?: number;
}

export interface ZohoClient {
  records: ZohoRecords;
  metadata: ZohoMetadata;
  notes: ZohoNotes;
  attachments: ZohoAttachments;
  notifications: ZohoNotifications;
  oauth: ZohoOAuthClient;
  tokens: ZohoTokenManager;
  endpoints: ZohoEndpoints;
  /** Calls made by this client (and the last X-API-CREDITS-REMAINING seen). */
  stats(): ZohoHttpStats;
  resetStats(): void;
  /** "Open in Zoho" URL for a record in this connection's DC. */
  recordWebUrl(input: { orgDomainName: string; moduleApiName: string; moduleName?: string; recordId: string }): Promise<string>;
}

export function createZohoClient(opts: ZohoClientOptions): ZohoClient {
  const endpoints = opts.endpoints ?? defaultZohoEndpoints;
  const now = opts.now ?? Date.now;
  const http = new ZohoHttp({
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.onCall ? { onCall: opts.onCall } : {}),
    ...(opts.maxJsonBytes !== undefined ? { maxJsonBytes: opts.maxJsonBytes } : {}),
    now,
  });
  const oauth = new ZohoOAuthClient(http, endpoints, opts.credentials, now);
  const tokens = new ZohoTokenManager(opts.tokenStore, oauth, opts.refreshMarginMs, now);
  const api = new ZohoApi(http, tokens, endpoints);
  return {
    records: new ZohoRecords(api),
    metadata: new ZohoMetadata(api),
    notes: new ZohoNotes(api),
    attachments: new ZohoAttachments(api),
    notifications: new ZohoNotifications(api),
    oauth,
    tokens,
    endpoints,
    stats: () => http.stats(),
    resetStats: () => http.resetStats(),
    recordWebUrl: async (input) => {
      const { dc } = await opts.tokenStore.load();
      return recordWebUrl({ endpoints, dc, ...input });
    },
  };
}

/**
 * OAuth only (no stored tokens yet): the admin page's "connect" step exchanges a pasted grant code,
 * and Providers mode builds consent URLs and reads the redirect.
 */
export function createZohoOAuth(
  opts: Pick<ZohoClientOptions, 'credentials' | 'endpoints' | 'timeoutMs' | 'fetch' | 'now' | 'maxJsonBytes'>,
): ZohoOAuthClient {
  const now = opts.now ?? Date.now;
  const http = new ZohoHttp({
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.maxJsonBytes !== undefined ? { maxJsonBytes: opts.maxJsonBytes } : {}),
    now,
  });
  return new ZohoOAuthClient(http, opts.endpoints ?? defaultZohoEndpoints, opts.credentials, now);
}
