// F45 end to end: an SCI's chosen CRM values land on the linked issue's indexed property after a sync, so a
// JQL search in the Jira simulator (which indexes it per the Forge manifest's searchAliases) finds the issue
// by those values; a CRM change updates it; an idle poll writes nothing (P3: 1 Zoho call, 0 Jira calls).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JQL_FIELDS_PROPERTY } from '../../contracts/jql-fields';
import type { SmartConnectedItem } from '../../prisma/generated/client';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';

let s: SyncStack;
let sci: SmartConnectedItem;
const tag = randomUUID().slice(0, 8);

beforeAll(async () => {
  s = await startSyncStack();
  sci = await s.createSci({
    name: `jql-fields-${tag}`,
    syncMode: 'ONE_WAY',
    jiraProjectId: '10000',
    jiraIssueTypeId: '10001',
    zohoModule: 'Deals',
    fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary', owner: 'ZOHO' }],
    options: {
      autoCreate: true,
      jqlFields: [
        { zohoField: 'Stage', jqlName: 'zohoDealStage' },
        { zohoField: 'Amount', jqlName: 'zohoAmount' },
        { zohoField: 'id', jqlName: 'zohoRecordId' },
        { zohoField: 'Closing_Date', jqlName: 'zohoClosingDate' },
      ],
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

const keysFor = async (jql: string) =>
  (await s.jira.issues.search({ jql, fields: ['summary'] })).issues.map((i) => i.key);
const propertyWrites = () =>
  s.t.jira.stats().byEndpoint['PUT /rest/api/3/issue/:issueIdOrKey/properties/:propertyKey'] ?? 0;
const linkOf = (dealId: string) =>
  s.t.db.prisma.recordLink.findFirst({ where: { sciId: sci.id, zohoRecordId: dealId } });

describe('CRM values searchable in JQL (F45)', () => {
  let dealId: string;
  let issueKey: string;

  it('after a sync, JQL on the search aliases finds the issue by its CRM values', async () => {
    dealId = await newDeal({
      Deal_Name: `Big deal ${tag}`,
      Stage: 'Closed Won',
      Amount: 75000,
      Closing_Date: '2026-11-30',
    });
    await newDeal({ Deal_Name: `Small deal ${tag}`, Stage: 'Qualification', Amount: 1200 });
    await s.syncNow(sci);
    const link = await linkOf(dealId);
    expect(link).not.toBeNull();
    issueKey = link!.jiraIssueKey;
    expect((await s.jira.issues.getProperty(issueKey, JQL_FIELDS_PROPERTY)) as object).toEqual({
      zohoDealStage: 'Closed Won',
      zohoAmount: 75000,
      zohoRecordId: dealId,
      zohoClosingDate: '2026-11-30',
    });
    expect(await keysFor(`project = DEMO AND zohoDealStage = "Closed Won"`)).toContain(issueKey);
    const big = await keysFor(`project = DEMO AND zohoAmount > 50000`);
    expect(big).toContain(issueKey);
    const smallLink = await s.t.db.prisma.recordLink.findMany({
      where: { sciId: sci.id, NOT: { zohoRecordId: dealId } },
    });
    for (const l of smallLink) expect(big).not.toContain(l.jiraIssueKey);
    expect(await keysFor(`zohoRecordId = "${dealId}"`)).toEqual([issueKey]);
    expect(await keysFor(`zohoRecordId = "${dealId}" AND zohoClosingDate >= "2026-11-01"`)).toEqual([issueKey]);
  });

  it('a CRM change updates the property and the search follows', async () => {
    const [row] = await s.zoho.records.update('Deals', [{ id: dealId, Stage: 'Closed Lost', Amount: 40000 }]);
    expect(row?.ok).toBe(true);
    s.t.jira.resetStats();
    await s.syncNow(sci);
    expect(propertyWrites()).toBe(1);
    expect(await keysFor(`zohoRecordId = "${dealId}" AND zohoDealStage = "Closed Won"`)).toEqual([]);
    expect(await keysFor(`zohoRecordId = "${dealId}" AND zohoDealStage = "Closed Lost"`)).toEqual([issueKey]);
    expect(await keysFor(`zohoRecordId = "${dealId}" AND zohoAmount > 50000`)).toEqual([]);
    expect(await keysFor(`zohoRecordId = "${dealId}" AND zohoAmount <= 40000`)).toEqual([issueKey]);
  });

  it('an idle poll writes nothing: one Zoho call and no Jira call (P3)', async () => {
    await s.syncNow(sci);
    s.t.zoho!.resetStats();
    s.t.jira.resetStats();
    await s.syncNow(sci);
    expect(s.t.zoho!.stats().api).toBe(1);
    expect(s.t.jira.stats().total).toBe(0);
  });

  it('a record change that leaves the chosen values alone writes no property', async () => {
    const [row] = await s.zoho.records.update('Deals', [{ id: dealId, Description: `Touched ${tag}` }]);
    expect(row?.ok).toBe(true);
    s.t.jira.resetStats();
    await s.syncNow(sci);
    expect(propertyWrites()).toBe(0);
  });
});

describe('2 Way: a Jira edit written to Zoho CRM', () => {
  let twoWay: SmartConnectedItem;
  beforeAll(async () => {
    twoWay = await s.createSci({
      name: `jql-two-way-${tag}`,
      syncMode: 'TWO_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      fieldMappings: [
        { zohoField: 'Deal_Name', jiraField: 'summary', owner: 'BOTH' },
        { zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'BOTH' },
      ],
      options: { autoCreate: true, jqlFields: [{ zohoField: 'Amount', jqlName: 'zohoNumber1' }] },
    });
  }, 180_000);

  it('moves the searchable value too, though the poll skips that write as an echo', async () => {
    const dealId = await newDeal({ Deal_Name: `Two way deal ${tag}`, Stage: 'Qualification', Amount: 3000 });
    await s.syncNow(twoWay);
    const link = await s.t.db.prisma.recordLink.findFirst({ where: { sciId: twoWay.id, zohoRecordId: dealId } });
    expect(link).not.toBeNull();
    expect(await keysFor(`project = DEMO AND zohoNumber1 = 3000`)).toContain(link!.jiraIssueKey);

    await s.jira.issues.edit(link!.jiraIssueId, { fields: { customfield_10034: 64000 } });
    const before = (await s.status(twoWay)).runs;
    await s.t.deps.workflows.deliverJiraEvents(twoWay, [
      {
        eventId: randomUUID(),
        kind: 'issue_updated',
        issueId: link!.jiraIssueId,
        occurredAt: new Date().toISOString(),
        changedFields: ['customfield_10034'],
      },
    ]);
    await s.eventually(
      () => s.status(twoWay),
      (st) => st.runs > before && st.pendingEvents === 0 && st.state !== 'syncing',
    );
    expect((await s.zoho.records.get('Deals', dealId, { fields: ['Amount'] }))?.Amount).toBe(64000);
    expect(await keysFor(`project = DEMO AND zohoNumber1 > 50000`)).toContain(link!.jiraIssueKey);

    // The echo poll writes nothing more to Jira.
    s.t.jira.resetStats();
    await s.syncNow(twoWay);
    expect(propertyWrites()).toBe(0);
    expect(await keysFor(`project = DEMO AND zohoNumber1 = 64000`)).toContain(link!.jiraIssueKey);
  });
});
