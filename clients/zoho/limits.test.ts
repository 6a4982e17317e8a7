// Failure families over real HTTP: scope mismatch (naming the scope), 429 with and without a retry
// delay, the concurrency limit, API credits, injected 5xx and timeouts, and how each maps to retryability.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startZohoSimulator, type ZohoSimulator } from '../../sandbox/zoho/index';
import { connectZohoClient } from '../../sandbox/zoho/testing';
import {
  DEFAULT_RATE_LIMIT_DELAY_MS,
  ZohoPermissionError,
  ZohoRateLimitError,
  ZohoScopeError,
  ZohoUnavailableError,
  type ZohoClient,
} from './index';

let sim: ZohoSimulator;
let client: ZohoClient;

beforeAll(async () => {
  sim = await startZohoSimulator();
  client = (await connectZohoClient(sim)).client;
});
afterEach(async () => {
  await fetch(`${sim.url}/__sandbox/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ what: ['faults', 'credits'] }) });
  await fetch(`${sim.url}/__sandbox/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ concurrencyLimit: 20, creditsPerDay: 100_000 }),
  });
});
afterAll(async () => {
  await sim.close();
});

const put = (path: string, body: unknown) =>
  fetch(`${sim.url}/__sandbox${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('scopes', () => {
  it('fails search without ZohoSearch.securesearch.READ and names that scope', async () => {
    const { client: narrow } = await connectZohoClient(sim, { scopes: ['ZohoCRM.modules.ALL'] });
    const err = await narrow.records.search('Leads', { word: 'lead' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoScopeError);
    expect(err).toMatchObject({ code: 'OAUTH_SCOPE_MISMATCH', status: 401, retryable: false, scope: 'ZohoSearch.securesearch.READ' });
  });

  it('fails attachment downloads without the WorkDrive/ZohoFiles scopes and watch calls without the notifications scope', async () => {
    const { client: narrow } = await connectZohoClient(sim, { scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.modules.attachments.ALL'] });
    const deal = (await narrow.records.list('Deals', { fields: ['Deal_Name'], perPage: 1 })).records[0]!;
    const up = await narrow.attachments.upload('Deals', deal.id, { fileName: 'a.txt', data: [new TextEncoder().encode('hello')] });
    expect(up.ok).toBe(true);
    const err = await narrow.attachments.download('Deals', deal.id, up.ok ? up.id : '').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OAUTH_SCOPE_MISMATCH', scope: 'WorkDrive.files.READ' });
    await expect(narrow.notifications.list()).rejects.toMatchObject({ code: 'OAUTH_SCOPE_MISMATCH', scope: 'ZohoCRM.notifications.ALL' });
  });

  it('takes effect at once when a scope is removed from the grant', async () => {
    const { client: c } = await connectZohoClient(sim);
    await c.metadata.currentUser();
    // Removed from every grant of the org (the other tests here do not use the users API).
    await fetch(`${sim.url}/__sandbox/scopes/remove`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scopes: ['ZohoCRM.users.READ'] }),
    });
    await expect(c.metadata.currentUser()).rejects.toMatchObject({ code: 'OAUTH_SCOPE_MISMATCH', scope: 'ZohoCRM.users.READ' });
  });
});

describe('429 TOO_MANY_REQUESTS', () => {
  it('carries the Retry-After delay when one is sent', async () => {
    await put('/faults', { rateLimitStorm: { count: 1, retryAfterSeconds: 7 } });
    const err = await client.metadata.org().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoRateLimitError);
    expect(err).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 429, retryable: true, retryAfterMs: 7000 });
    await expect(client.metadata.org()).resolves.toHaveProperty('id');
  });

  it('falls back to a default delay when Zoho sends no Retry-After (as documented)', async () => {
    await put('/faults', { rateLimitStorm: { count: 1 } });
    await expect(client.metadata.org()).rejects.toMatchObject({ retryAfterMs: DEFAULT_RATE_LIMIT_DELAY_MS });
  });

  it('answers 429 once the concurrency limit is reached', async () => {
    await put('/settings', { concurrencyLimit: 1 });
    await put('/faults', { latencyMs: 300 });
    const results = await Promise.allSettled([client.metadata.org(), client.metadata.org(), client.metadata.org()]);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected) expect((r).reason).toBeInstanceOf(ZohoRateLimitError);
  });

  it('counts API credits per org, reports X-API-CREDITS-REMAINING past half, and refuses when used up', async () => {
    await put('/settings', { creditsPerDay: 4 });
    await client.metadata.org();
    await client.metadata.org();
    expect(client.stats().creditsRemaining).toBe(2);
    await client.metadata.org();
    await client.metadata.org();
    await expect(client.metadata.org()).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 429 });
    // Writes cost one credit per ten records.
    await put('/settings', { creditsPerDay: 100_000 });
    await fetch(`${sim.url}/__sandbox/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ what: ['stats', 'credits'] }) });
    await client.records.insert('Tasks', Array.from({ length: 25 }, (_, i) => ({ Subject: `Credit task ${i}` })));
    expect(sim.stats().creditsUsed).toBe(3);
  });
});

describe('transient failures', () => {
  it('maps injected 5xx to a retryable ZohoUnavailableError and 4xx faults to non-retryable errors', async () => {
    await put('/faults', { errors: [{ endpoint: 'GET /crm/v8/org', status: 500, count: 1 }] });
    const err = await client.metadata.org().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoUnavailableError);
    expect(err).toMatchObject({ code: 'INTERNAL_ERROR', status: 500, retryable: true });
    await put('/faults', { errors: [{ endpoint: '/crm/v8/settings', status: 403, code: 'NO_PERMISSION', count: 1 }] });
    const denied = await client.metadata.modules().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(ZohoPermissionError);
    expect(denied).toMatchObject({ retryable: false });
  });

  it('times out slow answers as a retryable TIMEOUT', async () => {
    const { client: impatient } = await connectZohoClient(sim, { timeoutMs: 100 });
    await put('/faults', { latencyMs: 400 });
    await expect(impatient.metadata.org()).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it('propagates a caller abort as is (Temporal cancellation), not as a Zoho error', async () => {
    await put('/faults', { latencyMs: 400 });
    const ac = new AbortController();
    const p = client.metadata.org({ signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('AbortError');
  });
});
