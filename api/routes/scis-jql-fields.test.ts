// JQL fields (F45) validated against live Zoho metadata on save: a field the module lacks, a field Jira
// cannot index, and a value type that does not fit the JQL name are refused with a message each and
// nothing saved; a JQL name chosen twice is refused by the shape; a valid choice is saved and read back.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../prisma/generated/client';
import type { TestApp } from '../test/helper';
import { startRouteSuite, type RouteSuite } from '../test/route-suite';

let suite: RouteSuite;
let t: TestApp;
let app: FastifyInstance;
let main: Tenant;

beforeAll(async () => {
  suite = await startRouteSuite({ zoho: true });
  ({ t, app } = suite);
  main = await t.tenant('main');
  await suite.connectZoho(main);
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

async function post(payload: unknown) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/scis',
    headers: await t.headers({ accountId: 'admin-1' }),
    payload: payload as object,
  });
}

const body = (jqlFields: unknown[]) => ({
  name: `JQL fields ${Math.random().toString(36).slice(2, 8)}`,
  syncMode: 'ONE_WAY',
  jiraProjectId: 'DEMO',
  jiraIssueTypeId: '10001',
  zohoModule: 'Deals',
  fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary' }],
  options: { jqlFields },
});

describe('JQL fields are checked against live metadata (F45)', () => {
  it('refuses unknown, unindexable and mistyped fields, saving nothing', async () => {
    const before = await t.db.prisma.smartConnectedItem.count();
    const res = await post(
      body([
        { zohoField: 'No_Such_Field', jqlName: 'zohoText1' },
        { zohoField: 'Description', jqlName: 'zohoText2' },
        { zohoField: 'Amount', jqlName: 'zohoDealStage' },
        { zohoField: 'id', jqlName: 'zohoNumber1' },
      ]),
    );
    expect(res.statusCode, res.body).toBe(422);
    const problems = res.json<{ problems: { path: string; message: string }[] }>().problems;
    expect(problems.map((p) => p.path)).toEqual([0, 1, 2, 3].map((i) => `options.jqlFields.${i}.zohoField`));
    expect(problems[0]!.message).toContain('has no field "No_Such_Field"');
    expect(problems[1]!.message).toContain('Jira cannot index');
    expect(problems[2]!.message).toContain('holds number values, but zohoDealStage is searched as string');
    expect(problems[3]!.message).toContain('record id is text');
    expect(await t.db.prisma.smartConnectedItem.count()).toBe(before);
  });

  it('refuses a JQL name chosen twice', async () => {
    const res = await post(
      body([
        { zohoField: 'Stage', jqlName: 'zohoText1' },
        { zohoField: 'Lead_Source', jqlName: 'zohoText1' },
      ]),
    );
    expect(res.statusCode, res.body).toBe(400);
    expect(res.body).toContain('zohoText1 is chosen twice');
  });

  it('saves a valid choice and reads it back', async () => {
    const chosen = [
      { zohoField: 'Stage', jqlName: 'zohoDealStage' },
      { zohoField: 'Amount', jqlName: 'zohoAmount' },
      { zohoField: 'Account_Name', jqlName: 'zohoAccountName' },
      { zohoField: 'id', jqlName: 'zohoRecordId' },
      { zohoField: 'Closing_Date', jqlName: 'zohoClosingDate' },
    ];
    const res = await post(body(chosen));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<{ options: { jqlFields: unknown } }>().options.jqlFields).toEqual(chosen);
  });
});
