// Conditional sync rules (F40) end to end: an SCI workflow on the real Temporal dev server, the real
// activities and the Zoho and Jira simulators. Records outside the conditions are not auto-created and not
// synced; a linked record that stops matching keeps its link, stops syncing and its panel card says so; once
// it matches again its current values reach Jira. Jira events of issues outside the JQL filter do not reach Zoho.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkCard } from '../../contracts/panel';
import { startBackfill } from '../../lib/backfill/start';
import type { backfillWorkflow } from '../../workflows/backfill-workflow';
import type { RecordLink, SmartConnectedItem } from '../../prisma/generated/client';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';
import type { JiraEventSignal } from '../../workflows/messages';

let s: SyncStack;
let sci: SmartConnectedItem;

const IN_SCOPE_STAGES = ['Negotiation/Review', 'Closed Won'];

beforeAll(async () => {
  s = await startSyncStack();
  sci = await s.createSci({
    name: `rules-${randomUUID().slice(0, 6)}`,
    syncMode: 'TWO_WAY',
    jiraProjectId: '10000',
    jiraIssueTypeId: '10001',
    zohoModule: 'Deals',
    fieldMappings: [
      { zohoField: 'Deal_Name', jiraField: 'summary', owner: 'BOTH' },
      { zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'BOTH' },
    ],
    options: {
      autoCreate: true,
      syncRules: {
        match: 'all',
        conditions: [
          { zohoField: 'Stage', operator: 'in', values: IN_SCOPE_STAGES },
          { zohoField: 'Amount', operator: 'greater_equal', values: ['10000'] },
        ],
        jql: 'labels = crm-sync',
      },
    },
  });
}, 180_000);
afterAll(async () => {
  await s?.close();
});

async function newDeal(values: Record<string, unknown>): Promise<string> {
  const [row] = await s.zoho.records.insert('Deals', [values]);
  if (!row?.ok) throw new Error(`deal not created: ${JSON.stringify(row)}`);
  return row.id;
}

async function updateDeal(id: string, values: Record<string, unknown>): Promise<void> {
  const [row] = await s.zoho.records.update('Deals', [{ id, ...values }]);
  expect(row?.ok).toBe(true);
}

const linkOf = (dealId: string) => s.t.db.prisma.recordLink.findFirst({ where: { sciId: sci.id, zohoRecordId: dealId } });

async function summaryOf(link: RecordLink): Promise<string> {
  return (await s.jira.issues.get(link.jiraIssueId, { fields: ['summary'] })).fields.summary as string;
}

async function panelCard(link: RecordLink): Promise<LinkCard> {
  const res = await s.t.app.inject({ method: 'GET', url: `/api/v1/panel/issues/${link.jiraIssueKey}`, headers: await s.t.headers({ accountId: 'user-1' }) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ links: LinkCard[] }>().links.find((l) => l.id === link.id)!;
}

function jiraEvent(issueId: string, changedFields: string[]): JiraEventSignal {
  return { eventId: randomUUID(), kind: 'issue_updated', issueId, occurredAt: new Date().toISOString(), changedFields };
}

describe('Zoho conditions', () => {
  it('does not auto-create an issue for a new record outside the conditions', async () => {
    const small = await newDeal({ Deal_Name: `Small ${randomUUID().slice(0, 6)}`, Stage: 'Negotiation/Review', Amount: 500 });
    const early = await newDeal({ Deal_Name: `Early ${randomUUID().slice(0, 6)}`, Stage: 'Qualification', Amount: 90000 });
    const status = await s.syncNow(sci);
    expect(status.lastRun?.created ?? 0).toBe(0);
    expect(await linkOf(small)).toBeNull();
    expect(await linkOf(early)).toBeNull();
  });

  it('a record that starts matching syncs from then on: the next poll creates its issue with its current values', async () => {
    const name = `Starts matching ${randomUUID().slice(0, 6)}`;
    const dealId = await newDeal({ Deal_Name: name, Stage: 'Qualification', Amount: 42000 });
    await s.syncNow(sci);
    expect(await linkOf(dealId)).toBeNull();

    await updateDeal(dealId, { Stage: 'Negotiation/Review' });
    await s.syncNow(sci);
    const link = await linkOf(dealId);
    expect(link).not.toBeNull();
    const issue = await s.jira.issues.get(link!.jiraIssueId, { fields: ['summary', 'customfield_10034'] });
    expect(issue.fields.summary).toBe(name);
    expect(issue.fields.customfield_10034).toBe(42000);
  });

  it('a linked record that stops matching keeps its link, is not synced and its panel card says so; matching again syncs it', async () => {
    const name = `Stops matching ${randomUUID().slice(0, 6)}`;
    const dealId = await newDeal({ Deal_Name: name, Stage: 'Closed Won', Amount: 30000 });
    await s.syncNow(sci);
    const link = (await linkOf(dealId))!;
    expect(link).not.toBeNull();
    expect(await summaryOf(link)).toBe(name);
    // The issue side is in scope too (the JQL filter asks for the label).
    await s.jira.issues.edit(link.jiraIssueId, { fields: { labels: ['crm-sync'] } });
    expect((await panelCard(link)).outsideRules).toBeNull();

    // Out of scope: the rename does not reach Jira, the link stays.
    await updateDeal(dealId, { Stage: 'Closed Lost', Deal_Name: `${name} (lost)` });
    const outside = await s.syncNow(sci);
    expect(outside.lastRun?.changed ?? 0).toBe(0);
    expect(await summaryOf(link)).toBe(name);
    expect(await linkOf(dealId)).toMatchObject({ id: link.id, jiraIssueId: link.jiraIssueId });
    const card = await panelCard(link);
    expect(card.outsideRules).toMatch(/^Outside this SCI's rules: this Zoho CRM record does not match/);

    // In scope again: the values it has now go to Jira, including the rename made while it was outside.
    await updateDeal(dealId, { Stage: 'Negotiation/Review', Amount: 31000 });
    await s.syncNow(sci);
    expect(await summaryOf(link)).toBe(`${name} (lost)`);
    expect((await s.jira.issues.get(link.jiraIssueId, { fields: ['customfield_10034'] })).fields.customfield_10034).toBe(31000);
    expect((await panelCard(link)).outsideRules).toBeNull();
  });
});

describe('JQL filter on the Jira side', () => {
  it('an issue outside the filter is not synced to Zoho; once it matches, its edits are', async () => {
    const dealId = await newDeal({ Deal_Name: `Jira side ${randomUUID().slice(0, 6)}`, Stage: 'Closed Won', Amount: 20000 });
    await s.syncNow(sci);
    const link = (await linkOf(dealId))!;
    expect(link).not.toBeNull();
    expect((await panelCard(link)).outsideRules).toMatch(/this issue does not match the item's JQL filter/);

    await s.jira.issues.edit(link.jiraIssueId, { fields: { customfield_10034: 22222 } });
    const before = (await s.status(sci)).runs;
    await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(link.jiraIssueId, ['customfield_10034'])]);
    await s.eventually(() => s.status(sci), (st) => st.runs > before && st.pendingEvents === 0 && st.state !== 'syncing');
    expect((await s.zoho.records.get('Deals', dealId, { fields: ['Amount'] }))?.Amount).toBe(20000);

    await s.jira.issues.edit(link.jiraIssueId, { fields: { labels: ['crm-sync'], customfield_10034: 23456 } });
    await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(link.jiraIssueId, ['labels', 'customfield_10034'])]);
    await s.eventually(() => s.zoho.records.get('Deals', dealId, { fields: ['Amount'] }), (r) => r?.Amount === 23456);
    expect((await panelCard(link)).outsideRules).toBeNull();
  });
});

describe('backfill', () => {
  it('imports only the existing records inside the conditions', async () => {
    const tag = randomUUID().slice(0, 6);
    const big = await newDeal({ Deal_Name: `Backfill big ${tag}`, Stage: 'Closed Won', Amount: 50000 });
    const small = await newDeal({ Deal_Name: `Backfill small ${tag}`, Stage: 'Closed Won', Amount: 100 });
    // Zoho's times have one-second resolution: the SCI is created strictly after these records.
    await new Promise((r) => setTimeout(r, 1100));
    const imported = await s.createSci({
      name: `rules-import-${tag}`,
      syncMode: 'ONE_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary' }],
      options: {
        backfill: { mode: 'IMPORT' },
        syncRules: {
          conditions: [
            { zohoField: 'Deal_Name', operator: 'in', values: [`Backfill big ${tag}`, `Backfill small ${tag}`] },
            { zohoField: 'Amount', operator: 'greater_equal', values: ['10000'] },
          ],
        },
      },
    });
    const { workflowId } = await startBackfill(s.t.temporal.client, imported, { taskQueue: s.t.temporal.taskQueue, input: {} });
    const progress = await s.t.temporal.client.workflow.getHandle<typeof backfillWorkflow>(workflowId).result();
    expect(progress.phase).toBe('succeeded');
    const links = await s.t.db.prisma.recordLink.findMany({ where: { sciId: imported.id } });
    expect(links.map((l) => l.zohoRecordId)).toEqual([big]);
    expect(links.some((l) => l.zohoRecordId === small)).toBe(false);
  }, 120_000);
});

describe('attachments of a linked record outside the conditions', () => {
  it('are not copied by the attachment sweep; once the record matches again they are', async () => {
    const tag = randomUUID().slice(0, 6);
    const files = await s.createSci({
      name: `rules-files-${tag}`,
      syncMode: 'ONE_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary' }],
      options: { autoCreate: true, attachmentSync: true, syncRules: { conditions: [{ zohoField: 'Stage', operator: 'equals', values: ['Closed Won'] }] } },
    });
    const dealId = await newDeal({ Deal_Name: `Files ${tag}`, Stage: 'Closed Won', Amount: 1 });
    await s.syncNow(files);
    const link = (await s.t.db.prisma.recordLink.findFirst({ where: { sciId: files.id, zohoRecordId: dealId } }))!;
    expect(link).not.toBeNull();
    await updateDeal(dealId, { Stage: 'Closed Lost' });
    await s.syncNow(files);

    await s.zoho.attachments.upload('Deals', dealId, { fileName: 'outside.txt', contentType: 'text/plain', data: Readable.from([Buffer.from('not for Jira yet')]) });
    await s.syncNow(files);
    await s.syncNow(files);
    const names = async () =>
      ((await s.jira.issues.get(link.jiraIssueId, { fields: ['attachment'] })).fields as { attachment?: { filename: string }[] }).attachment?.map((a) => a.filename) ?? [];
    expect(await names()).not.toContain('outside.txt');
    // The sweep still moved past the link (it does not stall on it).
    const checked = await s.t.db.prisma.recordLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(checked.attachmentsCheckedAt).not.toBeNull();

    await updateDeal(dealId, { Stage: 'Closed Won' });
    await s.syncNow(files);
    expect(await names()).toContain('outside.txt');
  }, 120_000);
});
