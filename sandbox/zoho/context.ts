// Everything a route needs, built once per simulator instance.
import type { FastifyRequest } from 'fastify';
import type { ZohoDc } from '../../clients/zoho/datacenters';
import type { AccessGrant, AccountsState } from './auth';
import type { OrgStore } from './store';
import type { Traffic } from './traffic';
import type { WatchHub } from './watch';

export interface SimSettings {
  /** Largest attachment accepted (bytes). */
  attachmentMaxBytes: number;
  /** Longest watch-channel expiry accepted (Zoho: one week); longer or absent means one hour. */
  channelMaxExpiryMs: number;
  /** Where attachment bytes are written. */
  filesDir: string;
  /** The org's home DC: where /oauth/v2/auth redirects report the user lives. */
  homeDc: ZohoDc;
}

export interface PageTokenState {
  bind: string;
  offset: number;
  expiresMs: number;
  userId: string;
}

export interface Sim {
  now: () => number;
  store: OrgStore;
  accounts: AccountsState;
  traffic: Traffic;
  watch: WatchHub;
  settings: SimSettings;
  pageTokens: Map<string, PageTokenState>;
  baseUrl(): string;
  apiDomain(dc: ZohoDc): string;
  accountsServer(dc: ZohoDc): string;
}

export interface ZohoRequestState {
  dc: ZohoDc;
  grant: AccessGrant | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    zoho: ZohoRequestState;
  }
  interface FastifyContextConfig {
    /** Scope groups this route needs (each group: one granted alternative). */
    scopes?: (req: FastifyRequest) => (readonly string[])[];
    /** API credits this call costs (default 1). */
    credits?: (req: FastifyRequest) => number;
  }
}

export type { FastifyRequest };
