// Request limits (api/plugins/rate-limit.ts): per Jira site on the FIT-protected API, counted only after
// the FIT check; Forge event deliveries on a budget of their own; per client address on the public callbacks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helper';

const TENANT_MAX = 4;
const EVENTS_MAX = 6;
const CALLBACK_IP_MAX = 3;

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      RATE_LIMIT_WINDOW: '1h',
      RATE_LIMIT_TENANT_MAX: String(TENANT_MAX),
      RATE_LIMIT_EVENTS_MAX: String(EVENTS_MAX),
      RATE_LIMIT_CALLBACK_IP_MAX: String(CALLBACK_IP_MAX),
    },
  });
}, 90_000);

afterAll(async () => {
  await t?.close();
});

const getConnection = async (site: string) =>
  t.app.inject({ method: 'GET', url: '/api/v1/connection', headers: await t.headers({ site, accountId: `user-${site}` }) });

function expectTooMany(res: Awaited<ReturnType<typeof getConnection>>, who: string) {
  expect(res.statusCode).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 3600).toBe(true);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(res.json()).toEqual({
    statusCode: 429,
    error: 'Too Many Requests',
    message: `Too many requests from ${who}; try again in ${retryAfter} seconds.`,
    code: 'RATE_LIMITED',
  });
}

describe('per Jira site on the FIT-protected API', () => {
  it('answers 401 to failed FITs before counting anything, then 429 with Retry-After past the limit, to that site only', async () => {
    // Failed FITs (none, expired) are 401 however many there are, and spend no site's budget.
    for (let i = 0; i < TENANT_MAX + 2; i++) {
      const none = await t.app.inject({ method: 'GET', url: '/api/v1/connection' });
      expect(none.statusCode).toBe(401);
      const expired = await t.app.inject({ method: 'GET', url: '/api/v1/connection', headers: await t.headers({ site: 'busy', claims: { exp: 1 } }) });
      expect(expired.statusCode).toBe(401);
    }
    for (let i = 0; i < TENANT_MAX; i++) {
      const res = await getConnection('busy');
      expect(res.statusCode).not.toBe(429);
      expect(res.statusCode).not.toBe(401);
    }
    expectTooMany(await getConnection('busy'), 'this Jira site');
    // Over the limit, a failed FIT is still a 401 (the FIT check comes first).
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/connection', headers: await t.headers({ site: 'busy', claims: { exp: 1 } }) })).statusCode).toBe(401);

    // Another site is unaffected.
    const other = await getConnection('quiet');
    expect(other.statusCode).not.toBe(429);
    expect(other.statusCode).not.toBe(401);
  });

  it('counts Forge event deliveries apart, on their own budget', async () => {
    // 'busy' has spent its general budget above; its event deliveries still get through (400: empty body).
    const deliver = async () => t.app.inject({ method: 'POST', url: '/api/v1/events/jira', headers: await t.headers({ site: 'busy' }), payload: {} });
    for (let i = 0; i < EVENTS_MAX; i++) expect((await deliver()).statusCode).toBe(400);
    expectTooMany(await deliver(), 'this Jira site');
  });
});

describe('per address on the public callbacks', () => {
  it('answers 429 with Retry-After to an address past the limit, and not to another address', async () => {
    const post = (remoteAddress: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/callbacks/zoho/notifications', payload: { channel_id: '1', token: 'x' }, remoteAddress });
    for (let i = 0; i < CALLBACK_IP_MAX; i++) expect((await post('203.0.113.7')).statusCode).toBe(400);
    expectTooMany(await post('203.0.113.7'), 'this address');
    // The OAuth callback shares the address's budget.
    expectTooMany(await t.app.inject({ method: 'GET', url: '/api/v1/callbacks/zoho/oauth?state=x&code=y', remoteAddress: '203.0.113.7' }), 'this address');
    expect((await post('203.0.113.8')).statusCode).toBe(400);
  });
});
