// Issue panel routes over app.inject with FITs, the real database, Temporal and the Jira simulator (issues
// DEMO-1 Task and DEMO-2 Bug of project DEMO). The parts that read Zoho run against the Zoho simulator in
// panel-zoho.test.ts; here: states without a usable Zoho identity, covering SCIs, unlink rules, isolation.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../prisma/generated/client';
import type { TestApp } from '../test/helper';
import { seedSci, startRouteSuite, type RouteSuite } from '../test/route-suite';

let suite: RouteSuite;
let t: TestApp;
let app: FastifyInstance;
let main: Tenant;
let other: Tenant;
let demo1: { id: string; key: string };

beforeAll(async () => {
  suite = await startRouteSuite();
  ({ t, app } = suite);
  main = await t.tenant('main');
  other = await t.tenant('other');
  const jira = await t.deps.clients.jira(main.id);
  const issue = await jira.issues.get('DEMO-1', { fields: ['issuetype'] });
  demo1 = { id: issue.id, key: issue.key };
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

async function as(site: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, accountId = 'user-1') {
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers: await t.headers({ site, accountId }),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

describe('panel without a usable Zoho identity', () => {
  it('App mode with no connection: "Zoho CRM authentication required", links still listed, covering SCIs offered', async () => {
    const task = await seedSci(t, main, { name: 'Panel: Deals for DEMO tasks', syncMode: 'DISPLAY', fieldMappings: [], displayFields: ['Deal_Name', 'Stage'] });
    const anyType = await seedSci(t, main, { name: 'Panel: Accounts for all DEMO', zohoModule: 'Accounts', jiraIssueTypeId: null });
    await seedSci(t, main, { name: 'Panel: Bugs only', jiraIssueTypeId: '10002' });
    await seedSci(t, main, { name: 'Panel: disabled', enabled: false });
    await seedSci(t, main, { name: 'Panel: SUP', jiraProjectId: '10001', jiraProjectKey: 'SUP' });
    const link = await t.db.prisma.recordLink.create({
      data: { tenantId: main.id, sciId: task.id, jiraIssueId: demo1.id, jiraIssueKey: demo1.key, zohoModule: 'Deals', zohoRecordId: '5000000000001', managed: 'MANUAL' },
    });

    const res = await as('main', 'GET', '/panel/issues/DEMO-1');
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      issue: Record<string, string>;
      state: string;
      message: string;
      links: Record<string, unknown>[];
      scis: { name: string }[];
    }>();
    expect(body.issue).toEqual({ id: demo1.id, key: 'DEMO-1', projectId: '10000', issueTypeId: '10001' });
    expect(body.state).toBe('auth_required');
    expect(body.message).toMatch(/^Zoho CRM authentication required/);
    expect(body.scis.map((s) => s.name).sort()).toEqual([anyType.name, task.name].sort());
    expect(body.links).toHaveLength(1);
    expect(body.links[0]).toMatchObject({
      id: link.id,
      sciName: task.name,
      managed: 'MANUAL',
      canUnlink: true,
      recordFound: null,
      openUrl: null,
      previewFields: [
        { apiName: 'Deal_Name', value: null },
        { apiName: 'Stage', value: null },
      ],
    });

    // By issue id, the same panel.
    const byId = await as('main', 'GET', `/panel/issues/${demo1.id}`);
    expect(byId.json<{ links: unknown[] }>().links).toHaveLength(1);

    // Actions that need Zoho say why they cannot run.
    const search = await as('main', 'GET', '/panel/issues/DEMO-1/search?q=Acme');
    expect(search.statusCode).toBe(409);
    expect(search.json()).toMatchObject({ code: 'ZOHO_AUTH_REQUIRED' });
    const linkRes = await as('main', 'POST', '/panel/issues/DEMO-1/links', { sciId: task.id, recordId: '5000000000002' });
    expect(linkRes.statusCode).toBe(409);
    expect(await t.db.prisma.recordLink.count({ where: { sciId: task.id } })).toBe(1);
  });

  it('Providers mode without the user\'s sign-in: "Zoho CRM login required"', async () => {
    const site = await t.tenant('providers');
    await t.db.prisma.zohoConnection.create({ data: { tenantId: site.id, mode: 'PROVIDERS', state: 'CONNECTED', dataCenter: 'eu', clientId: '1000.X' } });
    // The providers site's Jira calls go to the simulator under another cloud id, which it does not know;
    // so the login state is checked where no Jira call is needed first: the access resolver itself.
    const { zohoAccess } = await import('../services/zoho-access');
    const access = await zohoAccess(t.deps, site.id, 'user-1');
    expect(access).toMatchObject({ state: 'login_required', mode: 'PROVIDERS' });
    expect(access.state === 'ok' ? '' : access.message).toMatch(/^Zoho CRM login required/);
    const anonymous = await zohoAccess(t.deps, site.id, undefined);
    expect(anonymous.state).toBe('login_required');
  });
});

describe('unlink', () => {
  it('removes manual links, refuses auto-managed ones with 409, and 404s links of other issues or tenants', async () => {
    const sci = await seedSci(t, main, { name: 'Unlink SCI' });
    const manual = await t.db.prisma.recordLink.create({
      data: { tenantId: main.id, sciId: sci.id, jiraIssueId: demo1.id, jiraIssueKey: 'DEMO-1', zohoModule: 'Deals', zohoRecordId: '5000000000010', managed: 'MANUAL' },
    });
    const auto = await t.db.prisma.recordLink.create({
      data: { tenantId: main.id, sciId: sci.id, jiraIssueId: '99999', jiraIssueKey: 'DEMO-2', zohoModule: 'Deals', zohoRecordId: '5000000000011', managed: 'AUTO' },
    });
    const demo2 = await (await t.deps.clients.jira(main.id)).issues.get('DEMO-2');
    await t.db.prisma.recordLink.update({ where: { id: auto.id }, data: { jiraIssueId: demo2.id } });

    // A link id under the wrong issue is unknown there.
    expect((await as('main', 'DELETE', `/panel/issues/DEMO-2/links/${manual.id}`)).statusCode).toBe(404);
    // Another tenant cannot see the issue's links at all (its own Jira site has no such issue either).
    expect((await as('other', 'DELETE', `/panel/issues/DEMO-1/links/${manual.id}`)).statusCode).toBe(404);
    expect(await t.db.prisma.recordLink.count({ where: { id: manual.id } })).toBe(1);

    const refused = await as('main', 'DELETE', `/panel/issues/DEMO-2/links/${auto.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ message: string }>().message).toMatch(/created automatically by the sync and is read-only/);
    expect(await t.db.prisma.recordLink.count({ where: { id: auto.id } })).toBe(1);

    const panel = await as('main', 'GET', '/panel/issues/DEMO-2');
    expect(panel.json<{ links: { id: string; canUnlink: boolean }[] }>().links.find((l) => l.id === auto.id)?.canUnlink).toBe(false);

    const ok = await as('main', 'DELETE', `/panel/issues/DEMO-1/links/${manual.id}`);
    expect(ok.statusCode).toBe(204);
    expect(await t.db.prisma.recordLink.count({ where: { id: manual.id } })).toBe(0);
  });
});

describe('bad input', () => {
  it('answers 400 for malformed ids and 404 for unknown issues, never 5xx', async () => {
    expect((await as('main', 'GET', '/panel/issues/not%20a%20key')).statusCode).toBe(400);
    expect((await as('main', 'GET', '/panel/issues/DEMO-99999')).statusCode).toBe(404);
    expect((await as('main', 'GET', '/panel/issues/DEMO-1/search?q=a')).statusCode).toBe(400);
    const sci = await seedSci(t, main, { name: 'Bad input SCI' });
    for (const payload of [{}, { sciId: sci.id }, { sciId: sci.id, recordId: 'abc' }, { sciId: 5, recordId: '1' }, []]) {
      const res = await as('main', 'POST', '/panel/issues/DEMO-1/links', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const foreign = await seedSci(t, other, { name: 'Foreign SCI' });
    const res = await as('main', 'POST', '/panel/issues/DEMO-1/links', { sciId: foreign.id, recordId: '5000000000001' });
    expect(res.statusCode).toBe(404);
    const notCovering = await seedSci(t, main, { name: 'SUP only', jiraProjectId: '10001', jiraProjectKey: 'SUP' });
    const res2 = await as('main', 'POST', '/panel/issues/DEMO-1/links', { sciId: notCovering.id, recordId: '5000000000001' });
    expect(res2.statusCode).toBe(422);
    expect(res2.json()).toMatchObject({ problems: [{ path: 'sciId' }] });
  });
});
