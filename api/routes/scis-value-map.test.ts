// Value and user maps (F41) validated against live metadata on save: values unknown on either side, a map
// on a field pair it cannot apply to, and users neither side knows are refused with a message each and
// nothing saved; a valid map is saved and read back.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../prisma/generated/client';
import { USERS as JIRA_USERS } from '../../sandbox/jira/seed';
import { USERS as ZOHO_USERS } from '../../sandbox/zoho/store';
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

async function post(url: string, payload: unknown) {
  return app.inject({
    method: 'POST',
    url: `/api/v1${url}`,
    headers: await t.headers({ accountId: 'admin-1' }),
    payload: payload as object,
  });
}

const aisha = JIRA_USERS.find((u) => u.displayName === 'Aisha Patel')!;
const patriciaJira = JIRA_USERS.find((u) => u.displayName === 'Patricia Boyle')!;
const patriciaZoho = ZOHO_USERS.find((u) => u.name === 'Patricia Boyle')!;

const body = (fieldMappings: unknown[]) => ({
  name: `Value maps ${Math.random().toString(36).slice(2, 8)}`,
  syncMode: 'TWO_WAY',
  jiraProjectId: 'DEMO',
  jiraIssueTypeId: '10001',
  zohoModule: 'Deals',
  fieldMappings,
});

const PRIORITY_MAP = {
  zohoField: 'Deal_Priority',
  jiraField: 'priority',
  valueMap: {
    entries: [
      { zohoValue: 'Critical', jiraValue: 'Highest' },
      { zohoValue: 'Urgent', jiraValue: 'Highest' },
      { zohoValue: 'Normal', jiraValue: 'Medium' },
    ],
    defaultJiraValue: 'Low',
    defaultZohoValue: 'Normal',
    unmapped: 'LEAVE',
  },
};
const TIER_MAP = {
  zohoField: 'Type',
  jiraField: 'customfield_10032',
  owner: 'ZOHO',
  valueMap: { entries: [{ zohoValue: 'New Business', jiraValue: 'Bronze' }], unmapped: 'CLEAR' },
};
const OWNER_MAP = {
  zohoField: 'Owner',
  jiraField: 'assignee',
  userMap: {
    overrides: [{ jiraAccountId: patriciaJira.accountId, zohoUserId: patriciaZoho.id }],
    fallback: 'DEFAULT_USER',
    defaultJiraAccountId: aisha.accountId,
    defaultZohoUserId: patriciaZoho.id,
  },
};

describe('value and user maps are validated against live metadata', () => {
  it('refuses values and users neither side has, and maps on fields they cannot apply to; nothing is saved', async () => {
    const before = await t.db.prisma.smartConnectedItem.count();
    const res = await post(
      '/scis',
      body([
        {
          zohoField: 'Deal_Priority',
          jiraField: 'priority',
          valueMap: {
            entries: [
              { zohoValue: 'Blocker', jiraValue: 'Highest' },
              { zohoValue: 'Normal', jiraValue: 'Normalish' },
            ],
            defaultJiraValue: 'Trivial',
          },
        },
        {
          zohoField: 'Type',
          jiraField: 'customfield_10032',
          owner: 'ZOHO',
          valueMap: { entries: [{ zohoValue: 'New Business', jiraValue: 'Platinum' }] },
        },
        {
          zohoField: 'Amount',
          jiraField: 'customfield_10034',
          valueMap: { entries: [{ zohoValue: '1', jiraValue: '2' }] },
        },
        {
          zohoField: 'Owner',
          jiraField: 'assignee',
          userMap: { overrides: [{ jiraAccountId: 'no-such-account', zohoUserId: '123' }], fallback: 'NAME_AS_TEXT' },
        },
      ]),
    );
    expect(res.statusCode, res.body).toBe(422);
    const problems = res.json<{ problems: { path: string; message: string }[] }>().problems;
    expect(problems.map((p) => p.path)).toEqual([
      'fieldMappings.0.valueMap.entries.0.zohoValue',
      'fieldMappings.0.valueMap.entries.1.jiraValue',
      'fieldMappings.0.valueMap.defaultJiraValue',
      'fieldMappings.1.valueMap.entries.0.jiraValue',
      'fieldMappings.2.valueMap',
      'fieldMappings.3.userMap.overrides.0.jiraAccountId',
      'fieldMappings.3.userMap.overrides.0.zohoUserId',
      'fieldMappings.3.userMap.nameJiraField',
      'fieldMappings.3.userMap.nameZohoField',
    ]);
    const messages = problems.map((p) => p.message);
    expect(messages[0]).toContain('"Blocker" is not a value of the Zoho CRM picklist Priority');
    expect(messages[1]).toContain(
      '"Normalish" is not a value of the Jira field Priority (its values: "Highest", "High", "Medium", "Low", "Lowest")',
    );
    expect(messages[3]).toContain(
      '"Platinum" is not a value of the Jira field Customer tier (its values: "Gold", "Silver", "Bronze")',
    );
    expect(messages[4]).toContain('Map values needs a Zoho CRM picklist and a Jira priority, select or labels field');
    expect(messages[5]).toBe('Jira has no user with account id no-such-account.');
    expect(messages[6]).toBe('Zoho CRM has no active user with id 123.');
    expect(await t.db.prisma.smartConnectedItem.count()).toBe(before);
  });

  it('saves valid maps and reads them back', async () => {
    const res = await post('/scis', body([PRIORITY_MAP, TIER_MAP, OWNER_MAP]));
    expect(res.statusCode, res.body).toBe(201);
    const saved = res.json<{ fieldMappings: Record<string, unknown>[] }>().fieldMappings;
    expect(saved[0]).toMatchObject({ valueMap: PRIORITY_MAP.valueMap });
    expect(saved[1]).toMatchObject({
      valueMap: { ...TIER_MAP.valueMap, defaultJiraValue: null, defaultZohoValue: null },
    });
    expect(saved[2]).toMatchObject({ userMap: { ...OWNER_MAP.userMap, nameJiraField: null, nameZohoField: null } });
  });
});

describe("the editor's value and user lists come from live metadata", () => {
  async function get(url: string) {
    return app.inject({ method: 'GET', url: `/api/v1${url}`, headers: await t.headers({ accountId: 'admin-1' }) });
  }

  it("lists Jira priorities, a select field's options and labels; refuses a field with no values", async () => {
    const priorities = await get('/metadata/jira/fields/priority/values');
    expect(priorities.statusCode, priorities.body).toBe(200);
    expect(priorities.json()).toEqual({ values: ['Highest', 'High', 'Medium', 'Low', 'Lowest'], anyValue: false });
    expect((await get('/metadata/jira/fields/customfield_10032/values')).json()).toEqual({
      values: ['Gold', 'Silver', 'Bronze'],
      anyValue: false,
    });
    const labels = (await get('/metadata/jira/fields/labels/values')).json<{ values: string[]; anyValue: boolean }>();
    expect(labels.anyValue).toBe(true);
    expect(labels.values).toContain('onboarding');
    const text = await get('/metadata/jira/fields/customfield_10036/values');
    expect(text.statusCode).toBe(400);
    expect(text.json<{ message: string }>().message).toBe(
      'Account name is not a priority, select or labels field, so it has no values to map.',
    );
    expect((await get('/metadata/jira/fields/customfield_99999/values')).statusCode).toBe(404);
  });

  it("lists both sides' users with their e-mail addresses, people only on the Jira side", async () => {
    const res = await get('/metadata/users');
    expect(res.statusCode, res.body).toBe(200);
    const users = res.json<{
      jira: { accountId: string; displayName: string; emailAddress: string | null }[];
      zoho: { id: string; name: string; email: string | null }[];
    }>();
    // The site's people (the seeded ones and those the test signs in as), never the app's own account.
    expect(users.jira.map((u) => u.displayName)).toEqual(expect.arrayContaining(JIRA_USERS.map((u) => u.displayName)));
    expect(users.jira.find((u) => u.displayName === 'Aisha Patel')?.emailAddress).toBe('aisha.patel@zylker.example');
    expect(users.jira.some((u) => u.displayName === 'Zoho CRM Connector')).toBe(false);
    expect(users.zoho).toEqual(ZOHO_USERS.map((u) => ({ id: u.id, name: u.name, email: u.email })));
  });
});
