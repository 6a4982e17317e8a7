// Value and user mapping (F41) end to end: SCI workflows on the Temporal dev server, the real activities,
// and the Zoho and Jira simulators over HTTP. A Deal's Priority picklist (values unlike Jira's priorities)
// maps through a table with a default; its Owner maps to the issue's assignee by e-mail address or
// override, and an owner with no Jira account leaves the assignee as it is and says so in the run history.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordLink, SmartConnectedItem } from '../../prisma/generated/client';
import { USERS as JIRA_USERS } from '../../sandbox/jira/seed';
import { USERS as ZOHO_USERS } from '../../sandbox/zoho/store';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';
import type { JiraEventSignal } from '../../workflows/messages';

let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack();
}, 180_000);
afterAll(async () => {
  await s?.close();
});

const jiraUser = (name: string) => JIRA_USERS.find((u) => u.displayName === name)!;
const zohoUser = (name: string) => ZOHO_USERS.find((u) => u.name === name)!;

const PRIORITY_MAP = {
  entries: [
    { zohoValue: 'Critical', jiraValue: 'Highest' },
    { zohoValue: 'Urgent', jiraValue: 'Highest' },
    { zohoValue: 'Normal', jiraValue: 'Medium' },
  ],
  defaultJiraValue: 'Low',
};

async function newDeal(values: Record<string, unknown>): Promise<string> {
  const [row] = await s.zoho.records.insert('Deals', [
    { Stage: 'Qualification', Deal_Name: `Mapped ${randomUUID().slice(0, 6)}`, ...values },
  ]);
  if (!row?.ok) throw new Error(`deal not created: ${JSON.stringify(row)}`);
  return row.id;
}

async function linkedIssue(
  sci: SmartConnectedItem,
  recordId: string,
  fields: Record<string, unknown> = {},
): Promise<RecordLink> {
  const created = await s.jira.issues.create({
    project: { key: 'DEMO' },
    issueType: { id: '10001' },
    summary: 'Placeholder',
    fields,
  });
  return s.t.db.prisma.recordLink.create({
    data: {
      tenantId: sci.tenantId,
      sciId: sci.id,
      jiraIssueId: created.id,
      jiraIssueKey: created.key,
      zohoModule: sci.zohoModule,
      zohoRecordId: recordId,
      managed: 'MANUAL',
    },
  });
}

interface MappedIssueFields {
  priority: { name?: string } | undefined;
  assignee: { accountId?: string } | null | undefined;
}

async function issueFields(link: RecordLink): Promise<MappedIssueFields> {
  const fields: Record<string, unknown> = (
    await s.jira.issues.get(link.jiraIssueId, { fields: ['priority', 'assignee'] })
  ).fields;
  return {
    priority: fields.priority as MappedIssueFields['priority'],
    assignee: fields.assignee as MappedIssueFields['assignee'],
  };
}

async function runNotes(sci: SmartConnectedItem): Promise<string> {
  const runs = await s.t.db.prisma.syncRun.findMany({ where: { sciId: sci.id } });
  return JSON.stringify(runs.map((r) => r.errors));
}

function jiraEvent(issueId: string, changedFields: string[]): JiraEventSignal {
  return { eventId: randomUUID(), kind: 'issue_updated', issueId, occurredAt: new Date().toISOString(), changedFields };
}

describe('1 Way: picklist values and owners', () => {
  let sci: SmartConnectedItem;
  beforeAll(async () => {
    sci = await s.createSci({
      name: `value-map-${randomUUID().slice(0, 6)}`,
      syncMode: 'ONE_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      fieldMappings: [
        { zohoField: 'Deal_Priority', jiraField: 'priority', valueMap: PRIORITY_MAP },
        {
          zohoField: 'Owner',
          jiraField: 'assignee',
          userMap: {
            overrides: [
              { jiraAccountId: jiraUser('Patricia Boyle').accountId, zohoUserId: zohoUser('Patricia Boyle').id },
            ],
          },
        },
      ],
    });
  });

  it('converts a mapped value, and an unmapped one takes the default', async () => {
    const dealId = await newDeal({ Deal_Priority: 'Normal', Owner: { id: zohoUser('Aisha Patel').id } });
    const link = await linkedIssue(sci, dealId);
    await s.syncNow(sci);
    expect((await issueFields(link)).priority?.name).toBe('Medium');

    await s.zoho.records.update('Deals', [{ id: dealId, Deal_Priority: 'Urgent' }]);
    await s.syncNow(sci);
    expect((await issueFields(link)).priority?.name).toBe('Highest'); // many to one: Critical and Urgent

    await s.zoho.records.update('Deals', [{ id: dealId, Deal_Priority: 'Someday' }]);
    await s.syncNow(sci);
    expect((await issueFields(link)).priority?.name).toBe('Low'); // no entry: the default
  });

  it('finds the Jira account by e-mail address or override; an unmatched owner leaves the assignee and the run history says so', async () => {
    const dealId = await newDeal({ Deal_Priority: 'Normal', Owner: { id: zohoUser('Aisha Patel').id } });
    const link = await linkedIssue(sci, dealId);
    await s.syncNow(sci);
    expect((await issueFields(link)).assignee?.accountId).toBe(jiraUser('Aisha Patel').accountId); // same address on both sides

    await s.zoho.records.update('Deals', [{ id: dealId, Owner: { id: zohoUser('Patricia Boyle').id } }]);
    await s.syncNow(sci);
    expect((await issueFields(link)).assignee?.accountId).toBe(jiraUser('Patricia Boyle').accountId); // other address: the override

    // Marcus Chen has no Jira account with his address and no override.
    await s.zoho.records.update('Deals', [
      { id: dealId, Owner: { id: zohoUser('Marcus Chen').id }, Deal_Priority: 'Critical' },
    ]);
    await s.syncNow(sci);
    const after = await issueFields(link);
    expect(after.assignee?.accountId).toBe(jiraUser('Patricia Boyle').accountId);
    expect(after.priority?.name).toBe('Highest'); // the rest of the record still syncs
    const notes = await runNotes(sci);
    expect(notes).toContain(
      `${link.jiraIssueKey}: Zoho CRM user Marcus Chen (marcus.chen@zylker.example) has no Jira account with the same e-mail address or an override; assignee left unchanged`,
    );
  });
});

describe('2 Way: values and users going back to Zoho CRM', () => {
  let sci: SmartConnectedItem;
  beforeAll(async () => {
    sci = await s.createSci({
      name: `value-map-2way-${randomUUID().slice(0, 6)}`,
      syncMode: 'TWO_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      fieldMappings: [
        {
          zohoField: 'Deal_Priority',
          jiraField: 'priority',
          owner: 'JIRA',
          valueMap: { ...PRIORITY_MAP, defaultZohoValue: 'Someday' },
        },
        { zohoField: 'Owner', jiraField: 'assignee', owner: 'JIRA' },
      ],
    });
  });

  it('takes the first entry of a many-to-one value, the Zoho default for an unmapped one, and leaves the Owner for an unmatched Jira user', async () => {
    const dealId = await newDeal({ Deal_Priority: 'Normal', Owner: { id: zohoUser('Marcus Chen').id } });
    const link = await linkedIssue(sci, dealId, {
      priority: { name: 'Highest' },
      assignee: { accountId: jiraUser('Aisha Patel').accountId },
    });
    await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(link.jiraIssueId, ['priority', 'assignee'])]);
    await s.syncNow(sci);
    let record = await s.zoho.records.get('Deals', dealId, { fields: ['Deal_Priority', 'Owner'] });
    expect(record?.Deal_Priority).toBe('Critical'); // Highest ← Critical, Urgent: the first listed goes back
    expect((record?.Owner as { id: string }).id).toBe(zohoUser('Aisha Patel').id);

    // Marcus Lee (Jira) has no Zoho CRM user with his address: Owner stays, the run history names him.
    await s.jira.issues.edit(link.jiraIssueId, {
      fields: { priority: { name: 'Lowest' }, assignee: { accountId: jiraUser('Marcus Lee').accountId } },
    });
    await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(link.jiraIssueId, ['priority', 'assignee'])]);
    await s.syncNow(sci);
    record = await s.zoho.records.get('Deals', dealId, { fields: ['Deal_Priority', 'Owner'] });
    expect(record?.Deal_Priority).toBe('Someday'); // no entry for Lowest: the Zoho default
    expect((record?.Owner as { id: string }).id).toBe(zohoUser('Aisha Patel').id);
    expect(await runNotes(sci)).toContain(
      'Jira user Marcus Lee (marcus.lee@demo-sandbox.example) has no Zoho CRM user with the same e-mail address or an override; Owner left unchanged',
    );
  });
});
