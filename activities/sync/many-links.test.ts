// F43 end to end: an SCI workflow on the real Temporal dev server, the real activities and the Zoho and Jira
// simulators. A record linked to two issues (primary in both) updates both; a secondary link of an issue
// neither drives the issue's fields from its record nor receives the issue's edits; making it primary does.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordLink, SmartConnectedItem } from '../../prisma/generated/client';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';
import type { JiraEventSignal } from '../../workflows/messages';

let s: SyncStack;
let sci: SmartConnectedItem;

beforeAll(async () => {
  s = await startSyncStack();
  sci = await s.createSci({
    name: `many-links-${randomUUID().slice(0, 6)}`,
    syncMode: 'TWO_WAY',
    jiraProjectId: '10000',
    jiraIssueTypeId: '10001',
    zohoModule: 'Deals',
    fieldMappings: [
      { zohoField: 'Deal_Name', jiraField: 'summary', owner: 'BOTH' },
      { zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'BOTH' },
    ],
    options: {},
  });
}, 180_000);
afterAll(async () => {
  await s?.close();
});

async function newDeal(values: Record<string, unknown>): Promise<string> {
  const [row] = await s.zoho.records.insert('Deals', [{ Stage: 'Qualification', ...values }]);
  if (!row?.ok) throw new Error(`deal not created: ${JSON.stringify(row)}`);
  return row.id;
}

async function newIssue(summary: string): Promise<{ id: string; key: string }> {
  const created = await s.jira.issues.create({ project: { key: 'DEMO' }, issueType: { id: '10001' }, summary });
  return { id: created.id, key: created.key };
}

function link(issue: { id: string; key: string }, recordId: string, primary: boolean): Promise<RecordLink> {
  return s.t.db.prisma.recordLink.create({
    data: {
      tenantId: sci.tenantId,
      sciId: sci.id,
      jiraIssueId: issue.id,
      jiraIssueKey: issue.key,
      zohoModule: 'Deals',
      zohoRecordId: recordId,
      managed: 'MANUAL',
      primary,
    },
  });
}

async function issueFields(issueId: string): Promise<{ summary: unknown; amount: unknown }> {
  const issue = await s.jira.issues.get(issueId, { fields: ['summary', 'customfield_10034'] });
  return { summary: issue.fields.summary, amount: issue.fields.customfield_10034 };
}

function jiraEvent(issueId: string, changedFields: string[]): JiraEventSignal {
  return { eventId: randomUUID(), kind: 'issue_updated', issueId, occurredAt: new Date().toISOString(), changedFields };
}

describe('many links (F43)', () => {
  it('a record linked to two issues updates both where it is primary; a secondary link does not drive fields', async () => {
    const tag = randomUUID().slice(0, 6);
    const shared = await newDeal({ Deal_Name: `Shared ${tag}`, Amount: 1000 });
    const other = await newDeal({ Deal_Name: `Other ${tag}`, Amount: 2000 });
    const first = await newIssue('first, to be synced');
    const second = await newIssue('second, to be synced');
    await link(first, shared, true);
    await link(second, shared, true);
    await link(first, other, false);

    await s.syncNow(sci);
    expect(await issueFields(first.id)).toEqual({ summary: `Shared ${tag}`, amount: 1000 });
    expect(await issueFields(second.id)).toEqual({ summary: `Shared ${tag}`, amount: 1000 });

    // The secondary record changes: the issue keeps its primary record's values.
    const [row] = await s.zoho.records.update('Deals', [
      { id: other, Deal_Name: `Other renamed ${tag}`, Amount: 2500 },
    ]);
    expect(row?.ok).toBe(true);
    await s.syncNow(sci);
    expect(await issueFields(first.id)).toEqual({ summary: `Shared ${tag}`, amount: 1000 });

    // The shared record changes: both issues follow. Zoho's times have one-second resolution: the edit
    // lands in a later second than our Jira writes, so latest-change-wins gives it to Zoho.
    await new Promise((r) => setTimeout(r, 1_100));
    const [again] = await s.zoho.records.update('Deals', [{ id: shared, Amount: 1500 }]);
    expect(again?.ok).toBe(true);
    await s.syncNow(sci);
    expect((await issueFields(first.id)).amount).toBe(1500);
    expect((await issueFields(second.id)).amount).toBe(1500);
  });

  it('a Jira edit reaches only the record of the issue’s primary link, until another link is made primary', async () => {
    const tag = randomUUID().slice(0, 6);
    const primaryDeal = await newDeal({ Deal_Name: `Primary ${tag}`, Amount: 10 });
    const secondaryDeal = await newDeal({ Deal_Name: `Secondary ${tag}`, Amount: 20 });
    const issue = await newIssue('edited in Jira');
    const primary = await link(issue, primaryDeal, true);
    const secondary = await link(issue, secondaryDeal, false);
    await s.syncNow(sci);

    await s.jira.issues.edit(issue.id, { fields: { customfield_10034: 333 } });
    await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(issue.id, ['customfield_10034'])]);
    await s.eventually(
      () => s.zoho.records.get('Deals', primaryDeal, { fields: ['Amount'] }),
      (r) => r?.Amount === 333,
    );
    await s.syncNow(sci);
    expect((await s.zoho.records.get('Deals', secondaryDeal, { fields: ['Amount'] }))?.Amount).toBe(20);

    // Made primary (as the panel's "Make primary" does): now the other record drives and receives.
    await s.t.db.prisma.$transaction([
      s.t.db.prisma.recordLink.update({ where: { id: primary.id }, data: { primary: false } }),
      s.t.db.prisma.recordLink.update({
        where: { id: secondary.id },
        data: { primary: true, lastZohoModifiedAt: null },
      }),
    ]);
    await s.jira.issues.edit(issue.id, { fields: { customfield_10034: 444 } });
    await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(issue.id, ['customfield_10034'])]);
    await s.eventually(
      () => s.zoho.records.get('Deals', secondaryDeal, { fields: ['Amount'] }),
      (r) => r?.Amount === 444,
    );
    await s.syncNow(sci);
    expect((await s.zoho.records.get('Deals', primaryDeal, { fields: ['Amount'] }))?.Amount).toBe(333);
  });
});
