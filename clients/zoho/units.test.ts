// Pure helpers: DC endpoints and web URLs, criteria escaping, Retry-After, scope matching, file names.
import { describe, expect, it } from 'vitest';
import { fileNameFromDisposition } from './attachments';
import { createZohoClient, criteria, memoryTokenStore, missingScopes, parseRetryAfter, recordWebUrl, sandboxZohoEndpoints, defaultZohoEndpoints, ZOHO_DC_IDS, POLLING_READY_MODULES } from './index';
import { freePort } from '../../test/support/ports';

describe('data centers', () => {
  it('maps all nine DCs onto one simulator by path prefix', () => {
    const e = sandboxZohoEndpoints('http://127.0.0.1:4010/');
    expect(Object.keys(e)).toEqual([...ZOHO_DC_IDS]);
    expect(e.jp).toEqual({ accountsServer: 'http://127.0.0.1:4010/accounts/jp', apiDomain: 'http://127.0.0.1:4010/api/jp', webBase: 'http://127.0.0.1:4010/web/jp' });
  });

  it('builds web URLs per DC with the legacy Potentials tab for Deals', () => {
    expect(recordWebUrl({ endpoints: defaultZohoEndpoints, dc: 'eu', orgDomainName: 'org808232144', moduleApiName: 'Deals', recordId: '5725767000000524157' })).toBe(
      'https://crm.zoho.eu/crm/org808232144/tab/Potentials/5725767000000524157',
    );
    expect(recordWebUrl({ endpoints: defaultZohoEndpoints, dc: 'ca', orgDomainName: 'org1', moduleApiName: 'Vehicles', moduleName: 'CustomModule3', recordId: '1' })).toBe(
      'https://crm.zohocloud.ca/crm/org1/tab/CustomModule3/1',
    );
  });

  it('lists the 19 polling-ready modules of F10', () => {
    expect(POLLING_READY_MODULES).toHaveLength(19);
    expect(POLLING_READY_MODULES.find((m) => m.apiName === 'Deals')?.statusField).toBe('Stage');
  });
});

describe('helpers', () => {
  it('escapes criteria values', () => {
    expect(criteria.condition('Account_Name', 'equals', 'Smith, (UK) Ltd')).toBe('(Account_Name:equals:Smith\\, \\(UK\\) Ltd)');
    expect(criteria.or(criteria.condition('Stage', 'in', ['A', 'B']), criteria.condition('Amount', 'greater_than', 10))).toBe('((Stage:in:A,B)or(Amount:greater_than:10))');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(null, 0)).toBeGreaterThan(0);
  });

  it('matches scopes with ALL and WRITE', () => {
    expect(missingScopes(['ZohoCRM.modules.ALL'], ['ZohoCRM.modules.READ', 'ZohoSearch.securesearch.READ'])).toEqual(['ZohoSearch.securesearch.READ']);
    expect(missingScopes(['ZohoCRM.notifications.WRITE'], ['ZohoCRM.notifications.CREATE'])).toEqual([]);
  });

  it('reads file names from Content-Disposition', () => {
    expect(fileNameFromDisposition(`attachment; filename="a b.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`)).toBe('résumé.pdf');
    expect(fileNameFromDisposition('attachment; filename=plain.txt')).toBe('plain.txt');
  });

  it('turns a refused connection into a retryable NETWORK_ERROR', async () => {
    const endpoints = sandboxZohoEndpoints(`http://127.0.0.1:${await freePort()}`);
    const client = createZohoClient({
      credentials: { clientId: 'id', clientSecret: 'secret' },
      endpoints,
      tokenStore: memoryTokenStore({ dc: 'us', refreshToken: 'r', accessToken: 'a', accessTokenExpiresAt: Date.now() + 3_600_000, apiDomain: endpoints.us.apiDomain }),
    });
    await expect(client.metadata.org()).rejects.toMatchObject({ code: 'NETWORK_ERROR', retryable: true });
  });
});
