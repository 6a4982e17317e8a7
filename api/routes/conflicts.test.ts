// The conflict inbox routes (F48) over app.inject with FITs, the real database and both simulators: the
// admin list and resolve, the panel's issue-scoped list and resolve, and the refusals (a user who may browse
// but not edit the issue, a non-admin on the admin routes, another issue's conflict, an unknown conflict,
// a conflict already resolved) with nothing written.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZohoClient } from '../../clients/zoho';
import type { ConflictDto } from '../../contracts/conflicts';
import type { SmartConnectedItem, Tenant } from '../../prisma/generated/client';
import { connectZohoClient } from '../../sandbox/zoho/testing';
import type { TestApp } from '../test/helper';
import { seedSci, startRouteSuite, type RouteSuite } from '../test/route-suite';

let suite: RouteSuite;
let t: TestApp;
let app: FastifyInstance;
let main: Tenant;
let sci: SmartConnectedItem;
let zoho: ZohoClient;

beforeAll(async () => {
  suite = await startRouteSuite({ zoho: true });
  ({ t, app } = suite);
  main = await t.tenant('main');
  await suite.connectZoho(main);
  ({ client: zoho } = await connectZohoClient(suite.zoho!));
  sci = await seedSci(t, main, {
    name: 'Deals both ways',
    syncMode: 'TWO_WAY',
    fieldMappings: [{ zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'BOTH', conflict: 'ask' }],
  });
  t.jira.addUser({ accountId: 'viewer-1', viewOnlyProjects: ['DEMO'] });
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

async function call(method: 'GET' | 'POST', url: string, payload?: unknown, accountId?: string) {
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers: await t.headers(accountId ? { accountId } : {}),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function held(issueKey: string, zohoAmount: number, jiraAmount: number) {
  const [row] = await zoho.records.insert('Deals', [{ Deal_Name: `Conflict on ${issueKey}`, Stage: 'Qualification', Amount: zohoAmount }]);
  if (!row?.ok) throw new Error('deal not created');
  const jira = await t.deps.clients.jira(main.id);
  const issue = await jira.issues.get(issueKey, { fields: ['summary'] });
  await jira.issues.edit(issue.id, { fields: { customfield_10034: jiraAmount } });
  // One link per issue here: an earlier test's link of this issue makes way for this deal's.
  await t.db.prisma.recordLink.deleteMany({ where: { sciId: sci.id, jiraIssueId: issue.id } });
  const link = await t.db.prisma.recordLink.create({
    data: { tenantId: main.id, sciId: sci.id, jiraIssueId: issue.id, jiraIssueKey: issue.key, zohoModule: 'Deals', zohoRecordId: row.id, managed: 'MANUAL' },
  });
  const conflict = await t.db.prisma.syncConflict.upsert({
    where: { linkId_zohoField_jiraField: { linkId: link.id, zohoField: 'Amount', jiraField: 'customfield_10034' } },
    create: { tenantId: main.id, sciId: sci.id, linkId: link.id, zohoField: 'Amount', jiraField: 'customfield_10034', zohoValue: zohoAmount, jiraValue: jiraAmount },
    update: { status: 'HELD', zohoValue: zohoAmount, jiraValue: jiraAmount },
  });
  return { dealId: row.id, issueId: issue.id, linkId: link.id, conflictId: conflict.id };
}

describe('conflict inbox routes (F48)', () => {
  it('lists held conflicts for the admin and resolves one by keeping the Jira value, once', async () => {
    const c = await held('DEMO-1', 100, 150);
    const list = await call('GET', '/conflicts');
    expect(list.statusCode, list.body).toBe(200);
    const shown = list.json<{ conflicts: ConflictDto[] }>().conflicts.find((x) => x.id === c.conflictId);
    expect(shown).toMatchObject({ sciName: 'Deals both ways', issueKey: 'DEMO-1', fieldLabel: 'Amount ↔ customfield_10034', zoho: { value: 100, display: '100' }, jira: { value: 150 } });

    const resolved = await call('POST', `/conflicts/${c.conflictId}/resolve`, { keep: 'jira' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect((await zoho.records.get('Deals', c.dealId, { fields: ['Amount'] }))?.Amount).toBe(150);
    const baseline = await t.db.prisma.syncBaseline.findFirstOrThrow({ where: { linkId: c.linkId } });
    expect(baseline.value).toEqual({ zoho: 150, jira: 150 });
    const again = await call('POST', `/conflicts/${c.conflictId}/resolve`, { keep: 'zoho' });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ message: string }>().message).toBe('This conflict was already resolved.');
    expect((await call('POST', '/conflicts/nope-1/resolve', { keep: 'zoho' })).statusCode).toBe(404);
  });

  it('refuses the admin routes to a user who is not a Jira admin', async () => {
    expect((await call('GET', '/conflicts', undefined, 'viewer-1')).statusCode).toBe(403);
  });

  it("the panel lists only the issue's conflicts, resolves for an editor, and refuses a viewer with nothing written", async () => {
    const c = await held('DEMO-2', 200, 250);
    const other = await held('DEMO-3', 300, 350);
    const list = await call('GET', '/panel/issues/DEMO-2/conflicts', undefined, 'viewer-1');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json<{ conflicts: ConflictDto[] }>().conflicts.map((x) => x.id)).toEqual([c.conflictId]);

    const viewer = await call('POST', `/panel/issues/DEMO-2/conflicts/${c.conflictId}/resolve`, { keep: 'zoho' }, 'viewer-1');
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json()).toMatchObject({ code: 'ISSUE_NOT_EDITABLE' });
    const jira = await t.deps.clients.jira(main.id);
    expect((await jira.issues.get(c.issueId, { fields: ['customfield_10034'] })).fields.customfield_10034).toBe(250);

    // Another issue's conflict is not reachable through this issue's panel.
    expect((await call('POST', `/panel/issues/DEMO-2/conflicts/${other.conflictId}/resolve`, { keep: 'zoho' })).statusCode).toBe(404);
    const bad = await call('POST', `/panel/issues/DEMO-2/conflicts/${c.conflictId}/resolve`, { keep: 'neither' });
    expect(bad.statusCode).toBe(400);

    const ok = await call('POST', `/panel/issues/DEMO-2/conflicts/${c.conflictId}/resolve`, { keep: 'zoho' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await jira.issues.get(c.issueId, { fields: ['customfield_10034'] })).fields.customfield_10034).toBe(200);
    expect((await call('GET', '/panel/issues/DEMO-2/conflicts')).json<{ conflicts: unknown[] }>().conflicts).toEqual([]);
  });
});
