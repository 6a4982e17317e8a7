// Zoho runs nine isolated data centers. A refresh token belongs to the accounts server that issued it,
// and every API call must go to that DC's `www.zohoapis.*` host, so the DC travels with the tokens.
// Sources: reference/zoho-crm-api.md §1.1 (accounts servers, API domains) and §8 (web UI hosts).
import { ZOHO_DC_IDS, type ZohoDc } from '../../contracts/zoho';

// The data-center ids, schema and labels the admin page shows live in contracts/zoho.ts (one home, browser-safe).
export { ZOHO_DC_IDS, ZOHO_DC_LABELS, zohoDcSchema, type ZohoDc } from '../../contracts/zoho';

export interface ZohoDcEndpoints {
  /** e.g. https://accounts.zoho.eu; the token, revoke, consent and user-info endpoints live here. */
  accountsServer: string;
  /** e.g. https://www.zohoapis.eu; the only host CRM API calls may go to. */
  apiDomain: string;
  /** e.g. https://crm.zoho.eu; where a person opens a record. */
  webBase: string;
}

export type ZohoEndpoints = Record<ZohoDc, ZohoDcEndpoints>;

/** The real Zoho hosts. CA is the odd one out (`zohocloud.ca`); the UK API domain is from secondary sources. */
export const defaultZohoEndpoints: ZohoEndpoints = {
  us: { accountsServer: 'https://accounts.zoho.com', apiDomain: 'https://www.zohoapis.com', webBase: 'https://crm.zoho.com' },
  eu: { accountsServer: 'https://accounts.zoho.eu', apiDomain: 'https://www.zohoapis.eu', webBase: 'https://crm.zoho.eu' },
  in: { accountsServer: 'https://accounts.zoho.in', apiDomain: 'https://www.zohoapis.in', webBase: 'https://crm.zoho.in' },
  au: {
    accountsServer: 'https://accounts.zoho.com.au',
    apiDomain: 'https://www.zohoapis.com.au',
    webBase: 'https://crm.zoho.com.au',
  },
  jp: { accountsServer: 'https://accounts.zoho.jp', apiDomain: 'https://www.zohoapis.jp', webBase: 'https://crm.zoho.jp' },
  cn: {
    accountsServer: 'https://accounts.zoho.com.cn',
    apiDomain: 'https://www.zohoapis.com.cn',
    webBase: 'https://crm.zoho.com.cn',
  },
  uk: { accountsServer: 'https://accounts.zoho.uk', apiDomain: 'https://www.zohoapis.uk', webBase: 'https://crm.zoho.uk' },
  ca: { accountsServer: 'https://accounts.zohocloud.ca', apiDomain: 'https://www.zohoapis.ca', webBase: 'https://crm.zohocloud.ca' },
  sa: { accountsServer: 'https://accounts.zoho.sa', apiDomain: 'https://www.zohoapis.sa', webBase: 'https://crm.zoho.sa' },
};

/**
 * Every DC mapped onto one simulator (see sandbox/zoho/README.md): the DC is a path prefix because a
 * single local port cannot be nine hosts.
 */
export function sandboxZohoEndpoints(baseUrl: string): ZohoEndpoints {
  const base = trimSlash(baseUrl);
  return Object.fromEntries(
    ZOHO_DC_IDS.map((dc) => [
      dc,
      { accountsServer: `${base}/accounts/${dc}`, apiDomain: `${base}/api/${dc}`, webBase: `${base}/web/${dc}` },
    ]),
  ) as ZohoEndpoints;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Canonical origin+path form used for allow-list comparisons (no trailing slash, lower-case host). */
function canonical(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.username || u.password || u.search || u.hash) return undefined;
    return `${u.protocol}//${u.host}${trimSlash(u.pathname)}`.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The DC whose API domain this is, or undefined when it is not one of the configured API domains. */
export function dcForApiDomain(url: string, endpoints: ZohoEndpoints): ZohoDc | undefined {
  const c = canonical(url);
  if (c === undefined) return undefined;
  return ZOHO_DC_IDS.find((dc) => canonical(endpoints[dc].apiDomain) === c);
}

/**
 * True only for a configured Zoho API domain. A token response's `api_domain` is data from the network:
 * trusting an arbitrary host there would send our access token wherever that response pointed.
 */
export function isZohoApiDomain(url: string, endpoints: ZohoEndpoints = defaultZohoEndpoints): boolean {
  return dcForApiDomain(url, endpoints) !== undefined;
}

/** The DC whose accounts server this is (as returned in the consent redirect's `accounts-server`). */
export function dcForAccountsServer(url: string, endpoints: ZohoEndpoints): ZohoDc | undefined {
  const c = canonical(url);
  if (c === undefined) return undefined;
  return ZOHO_DC_IDS.find((dc) => canonical(endpoints[dc].accountsServer) === c);
}

/**
 * Web UI tab per module. Deals live under the legacy tab name `Potentials`; other modules use their
 * `module_name` (custom modules: `CustomModuleN`), which metadata supplies.
 */
const WEB_TABS: Record<string, string> = {
  Deals: 'Potentials',
  Events: 'Events',
  Price_Books: 'PriceBooks',
  Sales_Orders: 'SalesOrders',
  Purchase_Orders: 'PurchaseOrders',
  Appointments__s: 'Appointments',
  Services__s: 'Services',
};

export interface RecordWebUrlInput {
  endpoints: ZohoEndpoints;
  dc: ZohoDc;
  /** `org.domain_name` from GET /org, e.g. `org808232144`. */
  orgDomainName: string;
  moduleApiName: string;
  /** The module's `module_name` from metadata; needed for custom modules (CustomModuleN). */
  moduleName?: string;
  recordId: string;
}

/** "Open in Zoho" link (F24): https://crm.zoho.{dc}/crm/{domain_name}/tab/{Tab}/{record_id}. */
export function recordWebUrl(input: RecordWebUrlInput): string {
  const tab = WEB_TABS[input.moduleApiName] ?? input.moduleName ?? input.moduleApiName;
  const base = trimSlash(input.endpoints[input.dc].webBase);
  return `${base}/crm/${encodeURIComponent(input.orgDomainName)}/tab/${encodeURIComponent(tab)}/${encodeURIComponent(input.recordId)}`;
}
