// The issue panel reading Zoho for real: the Zoho simulator's demo org (connected with App OAuth 2.0 through
// a grant-code exchange), the Jira simulator's DEMO-1 (Task), real Temporal with a recording worker.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmartConnectedItem, Tenant } from '../../prisma/generated/client';
import type { TestApp } from '../test/helper';
import { createZohoOAuth, ZOHO_USER_SCOPES } from '../../clients/zoho';
import { openFrom, sealTo } from '../../lib/tenant-clients';
import { applyWorkflowState } from '../services/sci-writes';
import { userTokenColumn } from '../services/zoho-access';
import { meterZohoCalls } from '../deps';
import { ZohoBudget } from '../../lib/budget/zoho-budget';
import { eventually, seedSci, startRouteSuite, type RouteSuite } from '../test/route-suite';

let suite: RouteSuite;
let t: TestApp;
let app: FastifyInstance;
let main: Tenant;
let display: SmartConnectedItem;
let oneWay: SmartConnectedItem;
let deal: { id: string; Deal_Name: string; Stage: string };

beforeAll(async () => {
  suite = await startRouteSuite({ zoho: true });
  ({ t, app } = suite);
  main = await t.tenant('main');
  await suite.connectZoho(main);
  display = await seedSci(t, main, { name: 'Panel display', syncMode: 'DISPLAY', fieldMappings: [], displayFields: ['Deal_Name', 'Stage', 'Amount'] });
  oneWay = await seedSci(t, main, { name: 'Panel 1 way', fieldMappings: [{ zohoField: 'Stage', jiraField: 'labels', owner: 'ZOHO' }] });
  await applyWorkflowState(t.deps, oneWay, 'test');
  const zoho = await t.deps.clients.zoho(main.id);
  const page = await zoho.records.list('Deals', { fields: ['Deal_Name', 'Stage'], perPage: 5 });
  const first = page.records[0]!;
  deal = { id: first.id, Deal_Name: String(first.Deal_Name), Stage: String(first.Stage) };
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers: await t.headers({ accountId: 'user-1' }),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

describe('issue panel with Zoho', () => {
  it('counts the panel’s Zoho calls against the tenant’s credit budget (F36), as production wires it', async () => {
    meterZohoCalls({ clients: t.deps.clients, prisma: t.db.prisma, config: t.deps.config });
    const budget = ZohoBudget.attach(t.deps.clients, { prisma: t.db.prisma });
    const before = (await budget.status(main.id)).used;
    const res = await call('GET', `/panel/issues/DEMO-1/search?q=${encodeURIComponent(deal.Deal_Name.split(/\s+/)[0]!)}&sciId=${display.id}`);
    expect(res.statusCode, res.body).toBe(200);
    await eventually(async () => (await budget.status(main.id)).used, (used) => used > before);
  });

  it('searches by name word and by record id, marking records already linked', async () => {
    const word = deal.Deal_Name.split(/\s+/)[0]!;
    const res = await call('GET', `/panel/issues/DEMO-1/search?q=${encodeURIComponent(word)}&sciId=${display.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const results = res.json<{ results: { recordId: string; name: string; sciId: string; previewFields: { apiName: string; label: string; value: string | null }[] }[] }>().results;
    const hit = results.find((r) => r.recordId === deal.id);
    expect(hit).toMatchObject({ sciId: display.id, name: deal.Deal_Name });
    expect(hit?.previewFields.find((f) => f.apiName === 'Stage')).toEqual({ apiName: 'Stage', label: 'Stage', value: deal.Stage });

    const byId = await call('GET', `/panel/issues/DEMO-1/search?q=${deal.id}`);
    const all = byId.json<{ results: { recordId: string; sciId: string }[] }>().results;
    // Both covering SCIs use Deals: one result per SCI, so the user can choose (F27).
    expect(all.filter((r) => r.recordId === deal.id).map((r) => r.sciId).sort()).toEqual([display.id, oneWay.id].sort());

    const none = await call('GET', '/panel/issues/DEMO-1/search?q=999999999999');
    expect(none.json()).toEqual({ results: [] });
  });

  it('links a record manually, shows a live preview with Open in Zoho, refreshes, and refuses a second link', async () => {
    const res = await call('POST', '/panel/issues/DEMO-1/links', { sciId: display.id, recordId: deal.id });
    expect(res.statusCode, res.body).toBe(201);
    const card = res.json<Record<string, unknown>>();
    expect(card).toMatchObject({
      zohoRecordId: deal.id,
      jiraIssueKey: 'DEMO-1',
      managed: 'MANUAL',
      canUnlink: true,
      recordFound: true,
      recordName: deal.Deal_Name,
      syncQueued: false, // Display items do not sync
    });
    expect(card.openUrl).toMatch(new RegExp(`/web/us/crm/[^/]+/tab/Potentials/${deal.id}$`));
    expect((card.previewFields as { apiName: string; value: unknown }[]).map((f) => f.apiName)).toEqual(['Deal_Name', 'Stage', 'Amount']);

    const panel = await call('GET', '/panel/issues/DEMO-1');
    expect(panel.statusCode).toBe(200);
    const body = panel.json<{ state: string; links: { id: string; recordName: string }[]; scis: unknown[] }>();
    expect(body.state).toBe('ok');
    expect(body.links.map((l) => l.recordName)).toContain(deal.Deal_Name);
    expect(body.scis).toHaveLength(2);

    const again = await call('POST', '/panel/issues/DEMO-1/links', { sciId: display.id, recordId: deal.id });
    expect(again.statusCode).toBe(409);

    const refreshed = await call('POST', `/panel/issues/DEMO-1/links/${String(card.id)}/refresh`);
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.json()).toMatchObject({ id: card.id, recordFound: true });
  });

  it('a link through a synchronized item hands the record to its workflow at once', async () => {
    const res = await call('POST', '/panel/issues/DEMO-1/links', { sciId: oneWay.id, recordId: deal.id });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ syncQueued: true, previewFields: [{ apiName: 'Stage', value: deal.Stage }] });
    const events = await eventually(() => suite.sync.eventsOf(oneWay.id), (e) => e.length > 0);
    expect(events[0]).toMatchObject({ source: 'zoho', event: { recordIds: [deal.id] } });
  });

  it('refuses a record id Zoho does not have, or an item that does not cover the issue (422), saving nothing', async () => {
    const before = await t.db.prisma.recordLink.count();
    // DEMO-4 is a Task, covered by both items.
    const missing = await call('POST', '/panel/issues/DEMO-4/links', { sciId: display.id, recordId: '123456789012345' });
    expect(missing.statusCode).toBe(422);
    expect(missing.json()).toMatchObject({ problems: [{ path: 'recordId' }] });
    // DEMO-2 is a Bug: the Task-only items do not cover it.
    const uncovered = await call('POST', '/panel/issues/DEMO-2/links', { sciId: display.id, recordId: deal.id });
    expect(uncovered.statusCode).toBe(422);
    expect(uncovered.json()).toMatchObject({ problems: [{ path: 'sciId' }] });
    expect(await t.db.prisma.recordLink.count()).toBe(before);
  });

  // Last: switches the site to Providers mode.
  it("Providers mode: 'login required' until the user signs in, then the user's own grant reads Zoho", async () => {
    const zoho = suite.zoho!;
    await t.db.prisma.zohoConnection.update({
      where: { tenantId: main.id },
      data: { mode: 'PROVIDERS', refreshTokenCiphertext: null, accessTokenCiphertext: null, accessTokenExpiresAt: null },
    });
    const before = await call('GET', '/panel/issues/DEMO-1');
    expect(before.statusCode).toBe(200);
    const unsigned = before.json<{ state: string; message: string; links: { recordFound: boolean | null; openUrl: string | null }[] }>();
    expect(unsigned.state).toBe('login_required');
    expect(unsigned.message).toMatch(/^Zoho CRM login required/);
    expect(unsigned.links.length).toBeGreaterThan(0);
    expect(unsigned.links.every((l) => l.recordFound === null && l.openUrl === null)).toBe(true);
    const meta = await call('GET', '/metadata/zoho/modules');
    expect(meta.statusCode).toBe(409);
    expect(meta.json()).toMatchObject({ code: 'ZOHO_LOGIN_REQUIRED' });

    // The user's grant, as the sign-in callback stores it (sealed per tenant, column and Jira account).
    const code = zoho.mintGrantCode({ scopes: ZOHO_USER_SCOPES, dc: 'us' });
    const tokens = await createZohoOAuth({ credentials: zoho.demoClient, endpoints: t.zohoEndpoints }).exchangeGrantCode({ dc: 'us', code });
    const refresh = sealTo(t.deps.cipher, main.id, userTokenColumn.refresh('user-1'), tokens.refreshToken);
    await t.db.prisma.zohoUserToken.create({
      data: { tenantId: main.id, jiraAccountId: 'user-1', refreshTokenCiphertext: refresh.ciphertext, refreshTokenKeyId: refresh.keyId },
    });

    const after = (await call('GET', '/panel/issues/DEMO-1')).json<{ state: string; links: { recordFound: boolean | null; recordName: string | null }[] }>();
    expect(after.state).toBe('ok');
    expect(after.links.some((l) => l.recordFound === true && l.recordName === deal.Deal_Name)).toBe(true);
    // The refreshed access token went back to the user's row, sealed.
    const row = await t.db.prisma.zohoUserToken.findUniqueOrThrow({ where: { tenantId_jiraAccountId: { tenantId: main.id, jiraAccountId: 'user-1' } } });
    expect(row.accessTokenCiphertext).not.toBeNull();
    expect(openFrom(t.deps.cipher, main.id, userTokenColumn.access('user-1'), row.accessTokenCiphertext)).toMatch(/./);
    expect((await call('GET', '/metadata/zoho/modules')).statusCode).toBe(200);

    // Another Jira user of the same site is still not signed in.
    const otherUser = await app.inject({ method: 'GET', url: '/api/v1/panel/issues/DEMO-1', headers: await t.headers({ accountId: 'user-2' }) });
    expect(otherUser.json<{ state: string }>().state).toBe('login_required');

    // Creating an automated item with App-OAuth-only options is refused with the reason (F9).
    const create = await call('POST', '/scis', {
      name: 'Providers auto-create',
      syncMode: 'ONE_WAY',
      jiraProjectId: 'DEMO',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary' }],
      options: { autoCreate: true },
    });
    expect(create.statusCode).toBe(422);
    const problems = create.json<{ problems: { path: string; message: string }[] }>().problems;
    expect(problems.map((p) => p.path)).toEqual(['options.autoCreate']);
    expect(problems[0]!.message).toMatch(/needs App OAuth 2.0/);
  });
});
