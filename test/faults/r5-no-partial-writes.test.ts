// R5, the half that api/test/fuzz.test.ts does not check. That test throws hostile input at every route
// (random JSON, invalid JSON, wrong content types, oversize bodies, hostile path and query values) and proves
// no 5xx. This one mutates *valid* bodies for the write routes of a connected tenant with a real SCI, link and
// issue — so the requests get past routing and into the handlers — and proves that every refused request
// (4xx) left the tenant's data exactly as it was: nothing half-written.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZOHO_APP_SCOPES } from '../../clients/zoho';
import { createTestApp, type TestApp } from '../../api/test/helper';
import type { SmartConnectedItem, Tenant } from '../../prisma/generated/client';
import { report, sleep } from './support';

let t: TestApp;
let tenant: Tenant;
let sci: SmartConnectedItem;
let auth: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await t.tenant();
  const now = Math.floor(Date.now() / 1000);
  auth = await t.headers({ accountId: 'fuzz-admin', claims: { exp: now + 3600 } });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/connection/app-oauth',
    headers: auth,
    payload: { ...t.zoho!.demoClient, code: t.zoho!.mintGrantCode({ scopes: ZOHO_APP_SCOPES }), dataCenter: 'us' },
  });
  expect(res.statusCode).toBe(200);
  sci = await t.db.prisma.smartConnectedItem.create({
    data: {
      tenantId: tenant.id,
      name: 'Fuzzed deals',
      syncMode: 'TWO_WAY',
      jiraProjectId: '10000',
      jiraProjectKey: 'DEMO',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      fieldMappings: [{ zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'BOTH' }],
      options: {},
    },
  });
  await t.db.prisma.recordLink.create({
    data: { tenantId: tenant.id, sciId: sci.id, jiraIssueId: '10001', jiraIssueKey: 'DEMO-1', zohoModule: 'Deals', zohoRecordId: '5725767000000423001', managed: 'MANUAL' },
  });
}, 120_000);

afterAll(async () => {
  for (const row of (await t?.db.prisma.smartConnectedItem.findMany({ where: { tenantId: tenant.id } })) ?? []) {
    await t.deps.workflows.stop(row, 'test done').catch(() => undefined);
  }
  // Temporal client calls retried under load must end before the connection closes under them.
  await sleep(3000);
  await t?.close();
});

/** Everything of the tenant a write route could touch, as one comparable string. */
async function snapshot(): Promise<string> {
  const p = t.db.prisma;
  const [scis, links, connection, events, runs, tenantRow] = await Promise.all([
    p.smartConnectedItem.findMany({ where: { tenantId: tenant.id }, orderBy: { id: 'asc' } }),
    p.recordLink.findMany({ where: { tenantId: tenant.id }, orderBy: { id: 'asc' } }),
    p.zohoConnection.findUnique({ where: { tenantId: tenant.id } }),
    p.processedEvent.count({ where: { tenantId: tenant.id } }),
    p.syncRun.count({ where: { tenantId: tenant.id } }),
    p.tenant.findUnique({ where: { id: tenant.id } }),
  ]);
  // The system token is re-stored when a newer one arrives with a request: not a write of the request's body.
  const { forgeSystemTokenCiphertext: _t, forgeSystemTokenKeyId: _k, forgeSystemTokenExpiresAt: _e, updatedAt: _u, ...stable } = tenantRow ?? {};
  return JSON.stringify({ scis, links, connection: connection && { ...connection, accessTokenCiphertext: null, accessTokenExpiresAt: null, accessTokenKeyId: null, updatedAt: null }, events, runs, stable });
}

interface WriteRoute {
  method: 'POST' | 'PUT';
  url: () => string;
  valid: () => Record<string, unknown>;
}

const routes: WriteRoute[] = [
  {
    method: 'POST',
    url: () => '/api/v1/scis',
    valid: () => ({ name: 'New', syncMode: 'ONE_WAY', jiraProjectId: '10000', jiraIssueTypeId: '10002', zohoModule: 'Deals', fieldMappings: [{ zohoField: 'Amount', jiraField: 'customfield_10034' }] }),
  },
  {
    method: 'PUT',
    url: () => `/api/v1/scis/${sci.id}`,
    valid: () => ({ name: 'Fuzzed deals', syncMode: 'TWO_WAY', jiraProjectId: '10000', jiraIssueTypeId: '10001', zohoModule: 'Deals', fieldMappings: [{ zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'BOTH' }] }),
  },
  { method: 'POST', url: () => '/api/v1/connection/app-oauth', valid: () => ({ ...t.zoho!.demoClient, code: 'not-a-real-code', dataCenter: 'us' }) },
  { method: 'PUT', url: () => '/api/v1/connection/data-center', valid: () => ({ dataCenter: 'eu' }) },
  { method: 'POST', url: () => '/api/v1/panel/issues/DEMO-2/links', valid: () => ({ sciId: sci.id, recordId: '5725767000000423001' }) },
  {
    method: 'POST',
    url: () => '/api/v1/events/jira',
    valid: () => ({ payload: { eventType: 'avi:jira:updated:issue', issue: { id: '10001', key: 'DEMO-1', fields: { project: { id: '10000' }, issuetype: { id: '10001' } } }, changelog: { id: '1', items: [{ field: 'summary' }] } }, context: { cloudId: t.jira.cloudId } }),
  },
];

/** A valid body with one thing broken: a field dropped, replaced by a hostile value, or an extra huge one. */
const hostileValue = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant('\u0000'),
  fc.string({ minLength: 300, maxLength: 200_000 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom('DISPLAY', 'ONE_WAY', 'Leads', '99999', 'customfield_99999', 'zz', '../../etc', "1' OR 1=1--", '__proto__'),
);

function mutations(valid: Record<string, unknown>) {
  const keys = Object.keys(valid);
  return fc.oneof(
    fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(valid).filter(([x]) => x !== k))),
    fc.tuple(fc.constantFrom(...keys), hostileValue).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.tuple(fc.constantFrom(...keys), fc.array(hostileValue, { maxLength: 50 })).map(([k, v]) => ({ ...valid, [k]: v })),
    fc.tuple(fc.string({ minLength: 1, maxLength: 30 }), hostileValue).map(([k, v]) => ({ ...valid, [k]: v })),
  );
}

describe('R5: refused writes leave nothing half-written', () => {
  it('every 4xx answer to a mutated write left the tenant data unchanged; no 5xx', async () => {
    const counts = { requests: 0, refused: 0, accepted: 0, changedOnRefusal: 0 };
    for (const route of routes) {
      let before = await snapshot();
      await fc.assert(
        fc.asyncProperty(mutations(route.valid()), async (body) => {
          const res = await t.app.inject({ method: route.method, url: route.url(), headers: { ...auth, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
          counts.requests += 1;
          expect(res.statusCode, `${route.method} ${route.url()} → ${res.statusCode}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
          const after = await snapshot();
          if (res.statusCode >= 400) {
            counts.refused += 1;
            if (after !== before) counts.changedOnRefusal += 1;
            expect(after, `${route.method} ${route.url()} answered ${res.statusCode} but changed data`).toBe(before);
          } else {
            counts.accepted += 1;
            before = after;
          }
        }),
        { numRuns: 30, seed: 9 },
      );
    }
    report('R5 no partial writes', { ...counts, routes: routes.length, seeAlso: 'api/test/fuzz.test.ts (every route, no 5xx)' });
    expect(counts.changedOnRefusal).toBe(0);
    expect(counts.refused).toBeGreaterThan(routes.length * 10);
  }, 300_000);
});
