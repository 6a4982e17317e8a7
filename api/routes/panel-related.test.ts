// Related records (F42) against the Zoho simulator's demo org: a Deal's Account, Contact and Owner shown
// with the linked Deal, each with its own preview fields, Open in Zoho and Refresh, read through the
// tenant's credit budget; and the SCI setting validated against live metadata (nothing saved when wrong).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmartConnectedItem, Tenant } from '../../prisma/generated/client';
import type { RelatedCard } from '../../contracts/related-records';
import { USERS } from '../../sandbox/zoho/store';
import { meterZohoCalls } from '../deps';
import { ZohoBudget } from '../../lib/budget/zoho-budget';
import type { TestApp } from '../test/helper';
import { eventually, seedSci, startRouteSuite, type RouteSuite } from '../test/route-suite';

let suite: RouteSuite;
let t: TestApp;
let app: FastifyInstance;
let main: Tenant;
let display: SmartConnectedItem;
let deal: { id: string; account: { id: string; name: string }; contact: { id: string; name: string }; owner: { id: string; name: string; email: string } };

const RELATED = [
  { lookupField: 'Account_Name', displayFields: ['Account_Name', 'Phone', 'Industry'] },
  { lookupField: 'Contact_Name', displayFields: ['Email', 'Title'] },
  { lookupField: 'Owner', displayFields: ['email', 'role'] },
];

beforeAll(async () => {
  suite = await startRouteSuite({ zoho: true });
  ({ t, app } = suite);
  main = await t.tenant('main');
  await suite.connectZoho(main);
  display = await seedSci(t, main, {
    name: 'Deals with related records',
    syncMode: 'DISPLAY',
    fieldMappings: [],
    displayFields: ['Deal_Name', 'Stage'],
    options: { relatedRecords: RELATED },
  });
  const zoho = await t.deps.clients.zoho(main.id);
  const page = await zoho.records.list('Deals', { fields: ['Deal_Name', 'Account_Name', 'Contact_Name', 'Owner'], perPage: 5 });
  const first = page.records[0]!;
  // Zoho returns lookups as {name, id} and Owner as {name, id, email}; the simulator's seeded deals do too.
  deal = {
    id: first.id,
    account: first.Account_Name as { id: string; name: string },
    contact: first.Contact_Name as { id: string; name: string },
    owner: first.Owner as { id: string; name: string; email: string },
  };
  expect(Object.keys(deal.account).sort()).toEqual(['id', 'name']);
  expect(Object.keys(deal.contact).sort()).toEqual(['id', 'name']);
  expect(Object.keys(deal.owner).sort()).toEqual(['email', 'id', 'name']);
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, accountId = 'user-1') {
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers: await t.headers({ accountId }),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

describe('related records on the issue panel', () => {
  let linkId = '';

  it("shows a Deal's Account, Contact and Owner with their own preview fields and Open in Zoho", async () => {
    const res = await call('POST', '/panel/issues/DEMO-1/links', { sciId: display.id, recordId: deal.id });
    expect(res.statusCode, res.body).toBe(201);
    linkId = res.json<{ id: string }>().id;

    const panel = await call('GET', '/panel/issues/DEMO-1');
    expect(panel.statusCode, panel.body).toBe(200);
    const card = panel.json<{ links: { id: string; related: RelatedCard[] }[] }>().links.find((l) => l.id === linkId)!;
    const [account, contact, owner] = card.related;

    const zoho = await t.deps.clients.zoho(main.id);
    const acc = (await zoho.records.get('Accounts', deal.account.id))!;
    const con = (await zoho.records.get('Contacts', deal.contact.id))!;

    expect(account).toMatchObject({ lookupField: 'Account_Name', label: 'Account Name', module: 'Accounts', recordId: deal.account.id, recordName: deal.account.name, recordFound: true, message: null });
    expect(account!.previewFields).toEqual([
      { apiName: 'Account_Name', label: 'Account Name', value: deal.account.name },
      { apiName: 'Phone', label: 'Phone', value: acc.Phone },
      { apiName: 'Industry', label: 'Industry', value: acc.Industry },
    ]);
    expect(account!.openUrl).toMatch(new RegExp(`/tab/Accounts/${deal.account.id}$`));

    expect(contact).toMatchObject({ module: 'Contacts', recordId: deal.contact.id, recordFound: true });
    expect(contact!.previewFields.map((f) => f.value)).toEqual([con.Email, con.Title]);
    expect(contact!.openUrl).toMatch(new RegExp(`/tab/Contacts/${deal.contact.id}$`));

    const user = USERS.find((u) => u.id === deal.owner.id)!;
    expect(owner).toMatchObject({ lookupField: 'Owner', module: 'users', recordId: deal.owner.id, recordName: user.name, recordFound: true, openUrl: null });
    expect(owner!.previewFields).toEqual([
      { apiName: 'email', label: 'Email', value: user.email },
      { apiName: 'role', label: 'Role', value: user.role },
    ]);
  });

  it('refreshes one related record on its own, through the tenant credit budget', async () => {
    meterZohoCalls({ clients: t.deps.clients, prisma: t.db.prisma, config: t.deps.config });
    const budget = ZohoBudget.attach(t.deps.clients, { prisma: t.db.prisma });
    const before = (await budget.status(main.id)).used;
    const res = await call('POST', `/panel/issues/DEMO-1/links/${linkId}/related/Contact_Name/refresh`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ lookupField: 'Contact_Name', recordId: deal.contact.id, recordFound: true });
    await eventually(async () => (await budget.status(main.id)).used, (used) => used > before);

    // An edit in Zoho shows on the next refresh.
    const zoho = await t.deps.clients.zoho(main.id);
    await zoho.records.update('Contacts', [{ id: deal.contact.id, Title: 'Chief Related Officer' }]);
    const again = await call('POST', `/panel/issues/DEMO-1/links/${linkId}/related/Contact_Name/refresh`);
    expect(again.json<RelatedCard>().previewFields.find((f) => f.apiName === 'Title')?.value).toBe('Chief Related Officer');

    const unknown = await call('POST', `/panel/issues/DEMO-1/links/${linkId}/related/Vendor_Name/refresh`);
    expect(unknown.statusCode).toBe(404);
  });

  it('an empty lookup says so instead of showing a record', async () => {
    const zoho = await t.deps.clients.zoho(main.id);
    const [row] = await zoho.records.insert('Deals', [{ Deal_Name: 'Deal without account', Stage: 'Qualification' }]);
    expect(row?.ok).toBe(true);
    const res = await call('POST', '/panel/issues/DEMO-4/links', { sciId: display.id, recordId: row!.ok ? row!.id : '' });
    expect(res.statusCode, res.body).toBe(201);
    const related = res.json<{ related: RelatedCard[] }>().related;
    expect(related[0]).toMatchObject({ lookupField: 'Account_Name', recordId: null, recordFound: null, openUrl: null, message: 'No Account Name is set on this record.' });
  });
});

describe('related-record settings are validated against live metadata', () => {
  const body = (relatedRecords: unknown) => ({
    name: `Related ${Math.random().toString(36).slice(2, 8)}`,
    syncMode: 'DISPLAY',
    jiraProjectId: 'DEMO',
    jiraIssueTypeId: '10001',
    zohoModule: 'Deals',
    displayFields: ['Deal_Name'],
    fieldMappings: [],
    options: { relatedRecords },
  });

  it('refuses a field that is not a lookup, an unknown field, and fields the looked-up module does not have; nothing is saved', async () => {
    const before = await t.db.prisma.smartConnectedItem.count();
    const res = await call(
      'POST',
      '/scis',
      body([
        { lookupField: 'Stage', displayFields: [] },
        { lookupField: 'No_Such_Field', displayFields: [] },
        { lookupField: 'Account_Name', displayFields: ['Phone', 'Deal_Name'] },
        { lookupField: 'Owner', displayFields: ['email', 'Phone'] },
      ]),
      'admin-1',
    );
    expect(res.statusCode, res.body).toBe(422);
    const problems = res.json<{ problems: { path: string; message: string }[] }>().problems;
    expect(problems.map((p) => p.path)).toEqual([
      'options.relatedRecords.0.lookupField',
      'options.relatedRecords.1.lookupField',
      'options.relatedRecords.2.displayFields.1',
      'options.relatedRecords.3.displayFields.1',
    ]);
    expect(problems[0]!.message).toContain('Stage is a picklist field, not a lookup');
    expect(problems[1]!.message).toBe('The Zoho CRM module Deals has no field "No_Such_Field".');
    expect(problems[2]!.message).toBe('The Zoho CRM module Accounts has no field "Deal_Name".');
    expect(problems[3]!.message).toContain('Owner is a user; its card can show Name, Email');
    expect(await t.db.prisma.smartConnectedItem.count()).toBe(before);
  });

  it('saves valid settings and reads them back', async () => {
    const res = await call('POST', '/scis', body(RELATED), 'admin-1');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<{ options: { relatedRecords: unknown } }>().options.relatedRecords).toEqual(RELATED);
  });
});
