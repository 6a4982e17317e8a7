// "Create a Zoho CRM record" from the issue panel (F44) over app.inject with FITs, the real database,
// Temporal, the Jira simulator and the Zoho simulator: the form prefilled through the SCI's mappings, the
// create linked at once as a manual link, refusals (a missing required field, a user who cannot edit the
// issue, a Display item, an issue already linked) with nothing created, and one record per request key.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZohoClient } from '../../clients/zoho';
import { createZohoOAuth, criteria, ZOHO_USER_SCOPES } from '../../clients/zoho';
import type { CreateRecordForm } from '../../contracts/create-record';
import type { CardWithSync } from '../../contracts/panel';
import type { SmartConnectedItem, Tenant } from '../../prisma/generated/client';
import { connectZohoClient } from '../../sandbox/zoho/testing';
import { sealTo } from '../../lib/tenant-clients';
import { userTokenColumn } from '../services/zoho-access';
import type { TestApp } from '../test/helper';
import { seedSci, startRouteSuite, type RouteSuite } from '../test/route-suite';

let suite: RouteSuite;
let t: TestApp;
let app: FastifyInstance;
let main: Tenant;
let deals: SmartConnectedItem;
let display: SmartConnectedItem;
let zoho: ZohoClient;

const MAPPINGS = [
  { zohoField: 'Deal_Name', jiraField: 'summary', owner: 'BOTH' },
  { zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'BOTH' },
  { zohoField: 'Next_Step', jiraField: 'customfield_10036', owner: 'BOTH' },
  { zohoField: 'Closing_Date', jiraField: 'duedate', owner: 'BOTH' },
];

beforeAll(async () => {
  suite = await startRouteSuite({ zoho: true });
  ({ t, app } = suite);
  main = await t.tenant('main');
  await suite.connectZoho(main);
  // The test's own client of the simulator's org: it keeps working after the site moves to Providers mode.
  ({ client: zoho } = await connectZohoClient(suite.zoho!));
  deals = await seedSci(t, main, { name: 'Deals from tasks', syncMode: 'TWO_WAY', fieldMappings: MAPPINGS });
  display = await seedSci(t, main, { name: 'Deals shown on tasks', syncMode: 'DISPLAY', fieldMappings: [], displayFields: ['Deal_Name'] });
  t.jira.addUser({ accountId: 'viewer-1', viewOnlyProjects: ['DEMO'] });
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

async function call(method: 'GET' | 'POST', url: string, payload?: unknown, accountId = 'user-1') {
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers: await t.headers({ accountId }),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

const formUrl = (issue: string, sci = deals.id) => `/panel/issues/${issue}/scis/${sci}/create-record`;

async function dealsNamed(name: string): Promise<string[]> {
  const page = await zoho.records.search('Deals', { criteria: criteria.condition('Deal_Name', 'equals', name) }, { fields: ['Deal_Name'] });
  return page.records.map((r) => r.id);
}

async function newTask(summary: string, fields: Record<string, unknown> = {}) {
  const jira = await t.deps.clients.jira(main.id);
  const created = await jira.issues.create({ project: { key: 'DEMO' }, issueType: { id: '10001' }, summary, fields });
  return created.key;
}

describe('create a Zoho CRM record from the issue panel (F44)', () => {
  it('prefills the form from the issue through the mappings and marks the required fields', async () => {
    const res = await call('GET', formUrl('DEMO-1'));
    expect(res.statusCode, res.body).toBe(200);
    const form = res.json<CreateRecordForm>();
    expect(form).toMatchObject({ sciId: deals.id, sciName: 'Deals from tasks', zohoModule: 'Deals', moduleLabel: 'Deal' });
    const byName = new Map(form.fields.map((f) => [f.apiName, f]));
    expect(form.fields.map((f) => f.apiName)).toEqual(['Deal_Name', 'Amount', 'Next_Step', 'Closing_Date', 'Stage']);
    expect(byName.get('Deal_Name')).toMatchObject({ label: 'Deal Name', required: true, jiraField: 'Summary', value: 'Onboard Acme Corp to the enterprise plan' });
    expect(byName.get('Amount')).toMatchObject({ label: 'Amount', dataType: 'currency', required: false, jiraField: 'Deal amount', value: 48000 });
    expect(byName.get('Next_Step')).toMatchObject({ value: 'Acme Corp', required: false });
    expect(byName.get('Closing_Date')).toMatchObject({ dataType: 'date', value: null });
    const stage = byName.get('Stage')!;
    expect(stage).toMatchObject({ label: 'Stage', dataType: 'picklist', required: true, jiraField: null, value: null });
    expect(stage.pickListValues.map((p) => p.actualValue)).toContain('Qualification');
  });

  it('refuses a missing required field by its label and creates nothing', async () => {
    const name = 'F44 no stage deal';
    const res = await call('POST', formUrl('DEMO-1'), { requestKey: 'req-missing-stage', values: { Deal_Name: name, Amount: 10 } });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json<{ message: string }>().message).toBe('Fill in the required field before creating the record: Stage.');
    expect(await dealsNamed(name)).toEqual([]);
    expect(await t.db.prisma.recordLink.count({ where: { sciId: deals.id } })).toBe(0);
    expect(await t.db.prisma.writeIntent.count({ where: { sciId: deals.id } })).toBe(0);
  });

  it("turns Zoho's refusal of a value into the field's label and leaves nothing behind", async () => {
    const name = 'F44 bad date deal';
    const res = await call('POST', formUrl('DEMO-1'), { requestKey: 'req-bad-date', values: { Deal_Name: name, Stage: 'Qualification', Closing_Date: 'next Tuesday' } });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json<{ message: string }>().message).toMatch(/^Zoho CRM did not accept the value of Closing Date/);
    const notNumber = await call('POST', formUrl('DEMO-1'), { requestKey: 'req-bad-amount', values: { Deal_Name: name, Stage: 'Qualification', Amount: 'lots' } });
    expect(notNumber.statusCode).toBe(422);
    expect(notNumber.json<{ message: string }>().message).toBe('Amount must be a number.');
    expect(await dealsNamed(name)).toEqual([]);
    expect(await t.db.prisma.writeIntent.count({ where: { sciId: deals.id } })).toBe(0);
  });

  it('refuses a user who can browse but not edit the issue, and a Display item', async () => {
    const form = await call('GET', formUrl('DEMO-1'), undefined, 'viewer-1');
    expect(form.statusCode, form.body).toBe(403);
    expect(form.json()).toMatchObject({ code: 'ISSUE_NOT_EDITABLE' });
    expect(form.json<{ message: string }>().message).toMatch(/^You do not have permission to edit DEMO-1/);
    const name = 'F44 viewer deal';
    const post = await call('POST', formUrl('DEMO-1'), { requestKey: 'req-viewer', values: { Deal_Name: name, Stage: 'Qualification' } }, 'viewer-1');
    expect(post.statusCode).toBe(403);
    // The panel itself stays readable for them.
    expect((await call('GET', '/panel/issues/DEMO-1', undefined, 'viewer-1')).statusCode).toBe(200);

    const shown = await call('POST', formUrl('DEMO-1', display.id), { requestKey: 'req-display', values: { Deal_Name: name, Stage: 'Qualification' } });
    expect(shown.statusCode).toBe(409);
    expect(shown.json<{ message: string }>().message).toMatch(/is a Display item/);
    expect(await dealsNamed(name)).toEqual([]);
  });

  it('creates the record with the edited values and links it at once as a manual link', async () => {
    const name = 'Acme Corp enterprise onboarding';
    const res = await call('POST', formUrl('DEMO-1'), { requestKey: 'req-create-demo-1', values: { Deal_Name: name, Amount: '52000', Next_Step: 'Acme Corp', Stage: 'Qualification' } });
    expect(res.statusCode, res.body).toBe(201);
    const card = res.json<CardWithSync>();
    expect(card).toMatchObject({ sciId: deals.id, jiraIssueKey: 'DEMO-1', zohoModule: 'Deals', managed: 'MANUAL', canUnlink: true, recordFound: true, recordName: name });
    const record = await zoho.records.get('Deals', card.zohoRecordId);
    expect(record).toMatchObject({ Deal_Name: name, Amount: 52000, Next_Step: 'Acme Corp', Stage: 'Qualification' });
    // The SCI's workflow was told, as for a manual link (App OAuth 2.0, a synchronized item).
    expect(card.syncQueued).toBe(true);

    const panel = await call('GET', '/panel/issues/DEMO-1');
    expect(panel.json<{ links: { id: string; zohoRecordId: string }[] }>().links).toEqual([expect.objectContaining({ id: card.id, zohoRecordId: card.zohoRecordId })]);

    // Linked now: the form and another create are refused, and no second record appears.
    expect((await call('GET', formUrl('DEMO-1'))).statusCode).toBe(409);
    const again = await call('POST', formUrl('DEMO-1'), { requestKey: 'req-create-demo-1-b', values: { Deal_Name: name, Stage: 'Qualification' } });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ message: string }>().message).toMatch(/^DEMO-1 is already linked/);
    // The same request again (a late double click) answers the link it made.
    const replay = await call('POST', formUrl('DEMO-1'), { requestKey: 'req-create-demo-1', values: { Deal_Name: name, Stage: 'Qualification' } });
    expect(replay.statusCode, replay.body).toBe(201);
    expect(replay.json<CardWithSync>().id).toBe(card.id);
    expect(await dealsNamed(name)).toEqual([card.zohoRecordId]);
  });

  it('a double submit creates one record', async () => {
    const key = await newTask('Double click deal');
    const name = 'F44 double click deal';
    const body = { requestKey: 'req-double-click', values: { Deal_Name: name, Stage: 'Needs Analysis' } };
    const [a, b] = await Promise.all([call('POST', formUrl(key), body), call('POST', formUrl(key), body)]);
    expect(a.statusCode, a.body).toBe(201);
    expect(b.statusCode, b.body).toBe(201);
    expect(a.json<CardWithSync>().id).toBe(b.json<CardWithSync>().id);
    expect(await dealsNamed(name)).toHaveLength(1);
    expect(await t.db.prisma.recordLink.count({ where: { sciId: deals.id, jiraIssueKey: key } })).toBe(1);
  });

  it('a retry after the link could not be stored links the record already made, creating no second one', async () => {
    const key = await newTask('Link failed deal');
    const jira = await t.deps.clients.jira(main.id);
    const issue = await jira.issues.get(key, { fields: ['summary'] });
    const name = 'F44 link failed deal';
    // What an attempt leaves when Zoho created the record and the link write failed: the intent with the id.
    const [made] = await zoho.records.insert('Deals', [{ Deal_Name: name, Stage: 'Qualification' }]);
    if (!made?.ok) throw new Error('seed deal not created');
    await t.db.prisma.writeIntent.create({
      data: { tenantId: main.id, sciId: deals.id, kind: 'ZOHO_RECORD', sourceId: issue.id, targetId: 'Deals', marker: JSON.stringify({ requestKey: 'req-first', name }), createdId: made.id },
    });
    const res = await call('POST', formUrl(key), { requestKey: 'req-first', values: { Deal_Name: name, Stage: 'Qualification' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<CardWithSync>().zohoRecordId).toBe(made.id);
    expect(await dealsNamed(name)).toEqual([made.id]);
  });
  it('a create another request has under way is refused; one that never heard back is resolved before creating again', async () => {
    const key = await newTask('Unanswered deal');
    const jira = await t.deps.clients.jira(main.id);
    const issueId = (await jira.issues.get(key, { fields: ['summary'] })).id;
    const name = 'F44 unanswered deal';
    const intent = await t.db.prisma.writeIntent.create({
      data: { tenantId: main.id, sciId: deals.id, kind: 'ZOHO_RECORD', sourceId: issueId, targetId: 'Deals', marker: JSON.stringify({ requestKey: 'req-other-tab', name }) },
    });
    // In flight (just recorded) under another key: refused, nothing created.
    const busy = await call('POST', formUrl(key), { requestKey: 'req-this-tab', values: { Deal_Name: name, Stage: 'Qualification' } });
    expect(busy.statusCode, busy.body).toBe(409);
    expect(busy.json<{ message: string }>().message).toMatch(/being created .* right now/);
    expect(await dealsNamed(name)).toEqual([]);

    // The earlier attempt made the record but never heard back, and its intent is past the in-flight window:
    // the record is found by its name and creation time and linked, not made twice.
    const [made] = await zoho.records.insert('Deals', [{ Deal_Name: name, Stage: 'Qualification' }]);
    if (!made?.ok) throw new Error('seed deal not created');
    const past = new Date(Date.now() - 3 * 60_000);
    await t.db.prisma.$executeRaw`UPDATE "WriteIntent" SET "createdAt" = ${new Date(Date.now() - 1_000)}, "updatedAt" = ${past} WHERE id = ${intent.id}`;
    const res = await call('POST', formUrl(key), { requestKey: 'req-this-tab', values: { Deal_Name: name, Stage: 'Qualification' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<CardWithSync>().zohoRecordId).toBe(made.id);
    expect(await dealsNamed(name)).toEqual([made.id]);
  });

  it('an unanswered attempt that made nothing is taken over and the record created once', async () => {
    const key = await newTask('Lost deal');
    const jira = await t.deps.clients.jira(main.id);
    const issueId = (await jira.issues.get(key, { fields: ['summary'] })).id;
    const name = 'F44 lost deal';
    const intent = await t.db.prisma.writeIntent.create({
      data: { tenantId: main.id, sciId: deals.id, kind: 'ZOHO_RECORD', sourceId: issueId, targetId: 'Deals', marker: JSON.stringify({ requestKey: 'req-lost', name }) },
    });
    const past = new Date(Date.now() - 3 * 60_000);
    await t.db.prisma.$executeRaw`UPDATE "WriteIntent" SET "createdAt" = ${past}, "updatedAt" = ${past} WHERE id = ${intent.id}`;
    const res = await call('POST', formUrl(key), { requestKey: 'req-lost-again', values: { Deal_Name: name, Stage: 'Qualification' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(await dealsNamed(name)).toEqual([res.json<CardWithSync>().zohoRecordId]);
    expect(await t.db.prisma.writeIntent.findUnique({ where: { id: intent.id } })).toMatchObject({ createdId: res.json<CardWithSync>().zohoRecordId, targetId: `link:${res.json<CardWithSync>().id}` });
  });

  it("Zoho's DUPLICATE_DATA names the field and the record that already has the value", async () => {
    const contacts = await seedSci(t, main, {
      name: 'Contacts from tasks',
      syncMode: 'ONE_WAY',
      zohoModule: 'Contacts',
      fieldMappings: [
        { zohoField: 'Last_Name', jiraField: 'summary', owner: 'ZOHO' },
        { zohoField: 'Email', jiraField: 'customfield_10036', owner: 'ZOHO' },
      ],
    });
    const [existing] = await zoho.records.insert('Contacts', [{ Last_Name: 'Already there', Email: 'f44.duplicate@example.com' }]);
    if (!existing?.ok) throw new Error('seed contact not created');
    const key = await newTask('Duplicate contact', { customfield_10036: 'F44.Duplicate@example.com' });
    const form = await call('GET', formUrl(key, contacts.id));
    expect(form.json<CreateRecordForm>().fields.find((f) => f.apiName === 'Email')?.value).toBe('F44.Duplicate@example.com');
    const res = await call('POST', formUrl(key, contacts.id), { requestKey: 'req-duplicate', values: { Last_Name: 'Duplicate contact', Email: 'F44.Duplicate@example.com' } });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json<{ message: string }>().message).toBe(
      `A Zoho CRM record in Contacts already has this Email (record ${existing.id}). Link that record instead, or change Email.`,
    );
    expect(await t.db.prisma.writeIntent.count({ where: { sciId: contacts.id } })).toBe(0);
  });
  // Last: switches the site to Providers mode.
  it("Providers mode: refused with 'login required' until the user signs in, then created with the user's own grant", async () => {
    await t.db.prisma.zohoConnection.update({
      where: { tenantId: main.id },
      data: { mode: 'PROVIDERS', refreshTokenCiphertext: null, accessTokenCiphertext: null, accessTokenExpiresAt: null },
    });
    const key = await newTask('Providers deal');
    const name = 'F44 providers deal';
    const unsigned = await call('POST', formUrl(key), { requestKey: 'req-providers', values: { Deal_Name: name, Stage: 'Qualification' } });
    expect(unsigned.statusCode, unsigned.body).toBe(409);
    expect(unsigned.json()).toMatchObject({ code: 'ZOHO_LOGIN_REQUIRED' });
    expect(await t.db.prisma.writeIntent.count({ where: { sciId: deals.id, marker: { contains: 'req-providers' } } })).toBe(0);

    const zohoSim = suite.zoho!;
    const tokens = await createZohoOAuth({ credentials: zohoSim.demoClient, endpoints: t.zohoEndpoints }).exchangeGrantCode({
      dc: 'us',
      code: zohoSim.mintGrantCode({ scopes: ZOHO_USER_SCOPES, dc: 'us' }),
    });
    const refresh = sealTo(t.deps.cipher, main.id, userTokenColumn.refresh('user-1'), tokens.refreshToken);
    await t.db.prisma.zohoUserToken.create({ data: { tenantId: main.id, jiraAccountId: 'user-1', refreshTokenCiphertext: refresh.ciphertext, refreshTokenKeyId: refresh.keyId } });

    const form = await call('GET', formUrl(key));
    expect(form.statusCode, form.body).toBe(200);
    const res = await call('POST', formUrl(key), { requestKey: 'req-providers', values: { Deal_Name: name, Stage: 'Qualification' } });
    expect(res.statusCode, res.body).toBe(201);
    // As for a manual link in Providers mode, nothing runs in the background: the workflow is not asked.
    expect(res.json<CardWithSync>()).toMatchObject({ managed: 'MANUAL', recordName: name, syncQueued: false });
    // The user's own grant made the calls (its access token was fetched and stored on the user's row).
    const row = await t.db.prisma.zohoUserToken.findUniqueOrThrow({ where: { tenantId_jiraAccountId: { tenantId: main.id, jiraAccountId: 'user-1' } } });
    expect(row.accessTokenCiphertext).not.toBeNull();
    expect(await dealsNamed(name)).toEqual([res.json<CardWithSync>().zohoRecordId]);
  });
});
