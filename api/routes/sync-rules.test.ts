// Conditional sync rules (F40) through the SCI routes: each condition checked against the Zoho simulator's
// live Deals metadata (unknown field, an operator or value the field's type does not take) and the JQL filter
// checked by the Jira simulator's POST /rest/api/3/jql/parse; refused with a message per control and nothing
// saved, valid rules saved and read back, and each field's operators published with the editor's metadata.
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

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers: await t.headers({ accountId: 'admin-1' }),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

const body = (syncRules: unknown, syncMode = 'ONE_WAY') => ({
  name: `Rules ${Math.random().toString(36).slice(2, 8)}`,
  syncMode,
  jiraProjectId: 'DEMO',
  jiraIssueTypeId: '10001',
  zohoModule: 'Deals',
  displayFields: syncMode === 'DISPLAY' ? ['Deal_Name'] : [],
  fieldMappings: syncMode === 'DISPLAY' ? [] : [{ zohoField: 'Deal_Name', jiraField: 'summary' }],
  options: { syncRules },
});

type Problems = { problems: { path: string; message: string }[] };

describe('sync rules are validated against live metadata and Jira’s JQL parser', () => {
  it('refuses an unknown field, an operator or value of the wrong type and invalid JQL; nothing is saved', async () => {
    const before = await t.db.prisma.smartConnectedItem.count();
    const res = await call(
      'POST',
      '/scis',
      body({
        match: 'any',
        conditions: [
          { zohoField: 'No_Such_Field', operator: 'equals', values: ['x'] },
          { zohoField: 'Stage', operator: 'greater_than', values: ['Closed Won'] },
          { zohoField: 'Amount', operator: 'greater_than', values: ['a lot'] },
          { zohoField: 'Closing_Date', operator: 'less_than', values: ['31/12/2026'] },
          { zohoField: 'Stage', operator: 'in', values: ['Closed Won', 'Won-ish'] },
        ],
        jql: 'universe = 42',
      }),
    );
    expect(res.statusCode, res.body).toBe(422);
    const problems = res.json<Problems>().problems;
    expect(problems.map((p) => p.path)).toEqual([
      'options.syncRules.conditions.0.zohoField',
      'options.syncRules.conditions.1.operator',
      'options.syncRules.conditions.2.values',
      'options.syncRules.conditions.3.values',
      'options.syncRules.conditions.4.values',
      'options.syncRules.jql',
    ]);
    expect(problems[0]!.message).toBe('The Zoho CRM module Deals has no field "No_Such_Field".');
    expect(problems[1]!.message).toMatch(/^"is greater than" does not apply to Stage \(a picklist field\); use "is", "is not"/);
    expect(problems[2]!.message).toBe('Amount is a number field: "a lot" is not a number.');
    expect(problems[3]!.message).toMatch(/Closing Date is a date field: write the date as YYYY-MM-DD/);
    expect(problems[4]!.message).toBe('"Won-ish" is not a value of the Zoho CRM picklist Stage.');
    expect(problems[5]!.message).toBe("Jira does not accept this JQL filter: Field 'universe' does not exist or you do not have permission to view it.");
    expect(await t.db.prisma.smartConnectedItem.count()).toBe(before);
  });

  it('refuses a JQL filter with a syntax error or ORDER BY, and rules on a Display item', async () => {
    const syntax = await call('POST', '/scis/validate', body({ jql: 'labels = ' }));
    expect(syntax.statusCode, syntax.body).toBe(200);
    expect(syntax.json<Problems>().problems).toEqual([
      { path: 'options.syncRules.jql', message: 'Jira does not accept this JQL filter: Error in the JQL Query: Expecting a value but reached the end of the query.' },
    ]);
    const ordered = await call('POST', '/scis/validate', body({ jql: 'labels = vip ORDER BY created' }));
    expect(ordered.json<Problems>().problems).toEqual([{ path: 'options.syncRules.jql', message: 'The JQL filter chooses issues; it cannot sort them. Remove ORDER BY.' }]);
    const display = await call('POST', '/scis/validate', body({ conditions: [{ zohoField: 'Stage', operator: 'empty' }] }, 'DISPLAY'));
    expect(display.json<Problems>().problems.map((p) => p.path)).toEqual(['options.syncRules']);
  });

  it('saves valid rules and reads them back; no rules is the default', async () => {
    const rules = {
      match: 'all',
      conditions: [
        { zohoField: 'Stage', operator: 'in', values: ['Negotiation/Review', 'Closed Won'] },
        { zohoField: 'Amount', operator: 'greater_equal', values: ['10000'] },
        { zohoField: 'Closing_Date', operator: 'less_equal', values: ['2027-06-30'] },
        { zohoField: 'Description', operator: 'not_empty', values: [] },
      ],
      jql: 'labels = crm-sync AND priority in (High, Highest)',
    };
    const res = await call('POST', '/scis', body(rules));
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json<{ id: string }>().id;
    const read = await call('GET', `/scis/${id}`);
    expect(read.json<{ options: { syncRules: unknown } }>().options.syncRules).toEqual(rules);

    const plain = await call('POST', '/scis', { ...body(undefined), options: {} });
    expect(plain.statusCode, plain.body).toBe(201);
    expect(plain.json<{ options: { syncRules: unknown } }>().options.syncRules).toEqual({ match: 'all', conditions: [], jql: '' });
  });

  it("publishes each Zoho field's rule operators with the editor's metadata", async () => {
    const res = await call('GET', '/metadata/zoho/modules/Deals/fields');
    expect(res.statusCode, res.body).toBe(200);
    const fields = res.json<{ fields: { apiName: string; ruleOperators: string[] }[] }>().fields;
    const ops = (name: string) => fields.find((f) => f.apiName === name)?.ruleOperators;
    expect(ops('Amount')).toContain('greater_than');
    expect(ops('Stage')).toEqual(['equals', 'not_equals', 'in', 'not_in', 'empty', 'not_empty']);
  });
});
