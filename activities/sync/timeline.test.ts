// The issue's "CRM sync" timeline (F46) end to end: an SCI workflow on the real Temporal dev server, the real
// activities and the Zoho and Jira simulators. A CRM edit and a Jira edit each show on the timeline with the
// field's label and old → new values; a write Zoho refuses shows as a failure with its reason; Retry from
// the issue applies it once the cause is fixed.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineDto } from '../../contracts/timeline';
import type { RecordLink, SmartConnectedItem } from '../../prisma/generated/client';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';
import type { JiraEventSignal } from '../../workflows/messages';

let s: SyncStack;
let sci: SmartConnectedItem;
let link: RecordLink;
let dealId: string;
let amountLabel: string;

beforeAll(async () => {
  s = await startSyncStack();
  sci = await s.createSci({
    name: `timeline-${randomUUID().slice(0, 6)}`,
    syncMode: 'TWO_WAY',
    jiraProjectId: '10000',
    jiraIssueTypeId: '10001',
    zohoModule: 'Deals',
    fieldMappings: [
      { zohoField: 'Deal_Name', jiraField: 'summary', owner: 'BOTH' },
      { zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'BOTH' },
    ],
    options: { autoCreate: true },
  });
  const [row] = await s.zoho.records.insert('Deals', [
    { Deal_Name: `Timeline ${randomUUID().slice(0, 6)}`, Stage: 'Qualification', Amount: 1000 },
  ]);
  if (!row?.ok) throw new Error('deal not created');
  dealId = row.id;
  await s.syncNow(sci);
  link = (await s.t.db.prisma.recordLink.findFirst({ where: { sciId: sci.id, zohoRecordId: dealId } }))!;
  amountLabel = (await s.jira.metadata.listFields()).find((f) => f.id === 'customfield_10034')!.name;
}, 180_000);
afterAll(async () => {
  await s?.close();
});

async function timeline(accountId = 'user-1'): Promise<TimelineDto> {
  const res = await s.t.app.inject({
    method: 'GET',
    url: `/api/v1/panel/issues/${link.jiraIssueKey}/timeline`,
    headers: await s.t.headers({ accountId }),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<TimelineDto>();
}

function jiraEvent(changedFields: string[]): JiraEventSignal {
  return {
    eventId: randomUUID(),
    kind: 'issue_updated',
    issueId: link.jiraIssueId,
    occurredAt: new Date().toISOString(),
    changedFields,
  };
}

async function deliverAndWait(changedFields: string[]): Promise<void> {
  const before = (await s.status(sci)).runs;
  await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(changedFields)]);
  await s.eventually(
    () => s.status(sci),
    (st) => st.runs > before && st.pendingEvents === 0 && st.state !== 'syncing',
  );
}

describe('CRM sync timeline', () => {
  it('a CRM edit shows as Zoho CRM → Jira with the Jira field label and old → new, tied to its run', async () => {
    expect(link).toBeTruthy();
    const [row] = await s.zoho.records.update('Deals', [{ id: dealId, Amount: 2000 }]);
    expect(row?.ok).toBe(true);
    await s.syncNow(sci);
    const t = await timeline();
    const entry = t.entries.find(
      (e) => e.direction === 'ZOHO_TO_JIRA' && e.changes.some((c) => c.field === amountLabel && c.to === '2000'),
    );
    expect(entry, JSON.stringify(t.entries)).toBeDefined();
    expect(entry).toMatchObject({ outcome: 'APPLIED', linkId: link.id, sciName: sci.name, reason: null });
    expect(entry!.changes.find((c) => c.field === amountLabel)).toEqual({
      field: amountLabel,
      from: '1000',
      to: '2000',
    });
    const run = await s.t.db.prisma.syncRun.findUnique({ where: { id: entry!.runId! } });
    expect(run).toMatchObject({ sciId: sci.id, kind: 'MANUAL' });
    expect(t.health).toEqual([expect.objectContaining({ linkId: link.id, state: 'in_sync' })]);
    expect(t.health[0]!.lastSyncedAt).not.toBeNull();
  });

  it('a Jira edit shows as Jira → Zoho CRM with the Zoho field label and old → new', async () => {
    await s.jira.issues.edit(link.jiraIssueId, { fields: { customfield_10034: 3000 } });
    await deliverAndWait(['customfield_10034']);
    const t = await timeline();
    const entry = t.entries.find((e) => e.direction === 'JIRA_TO_ZOHO' && e.outcome === 'APPLIED');
    expect(entry, JSON.stringify(t.entries)).toBeDefined();
    expect(entry!.changes).toEqual([{ field: 'Amount', from: '2000', to: '3000' }]);
  });

  it('a write Zoho refuses shows as a failure with its reason and the badge says failed; Retry applies it once fixed', async () => {
    const tooLong = `Too long ${'x'.repeat(150)}`;
    await s.jira.issues.edit(link.jiraIssueId, { fields: { summary: tooLong } });
    await deliverAndWait(['summary']);
    let t = await timeline();
    const failure = t.entries[0]!;
    expect(failure).toMatchObject({ direction: 'JIRA_TO_ZOHO', outcome: 'FAILED' });
    expect(failure.reason).toMatch(/record/);
    expect(t.health[0]).toMatchObject({ state: 'failed' });
    expect(t.health[0]!.reason).toBeTruthy();
    expect(t.canRetry).toBe(true);

    // The cause fixed in Jira, Retry from the issue: the parked event is applied again.
    const fixed = `Fixed ${randomUUID().slice(0, 6)}`;
    await s.jira.issues.edit(link.jiraIssueId, { fields: { summary: fixed } });
    const res = await s.t.app.inject({
      method: 'POST',
      url: `/api/v1/panel/issues/${link.jiraIssueKey}/links/${link.id}/retry`,
      headers: await s.t.headers({ accountId: 'user-1' }),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ retriedEvents: true, resyncQueued: true });
    await s.eventually(
      () => s.zoho.records.get('Deals', dealId, { fields: ['Deal_Name'] }),
      (r) => r?.Deal_Name === fixed,
    );
    t = await s.eventually(
      () => timeline(),
      (x) => x.health[0]?.state === 'in_sync',
    );
    const applied = t.entries.find(
      (e) => e.direction === 'JIRA_TO_ZOHO' && e.outcome === 'APPLIED' && e.changes.some((c) => c.to === fixed),
    );
    expect(applied, JSON.stringify(t.entries)).toBeDefined();
    expect(Date.parse(applied!.at)).toBeGreaterThan(Date.parse(failure.at));
    // The retry's re-read of the record finishes too (nothing left to change) before the next test edits.
    await s.eventually(
      () => s.status(sci),
      (st) => st.pendingEvents === 0 && st.parkedEvents === 0 && st.state !== 'syncing',
    );
  });

  it('writes one timeline insert per activity call however many fields changed', async () => {
    // Zoho's times have whole seconds: an edit in the second of the previous test's Jira write would lose
    // Deal_Name to it under latest-change-wins, so this edit starts in a later second.
    await new Promise((r) => setTimeout(r, 1100));
    const [row] = await s.zoho.records.update('Deals', [
      { id: dealId, Amount: 4000, Deal_Name: `Both ${randomUUID().slice(0, 6)}` },
    ]);
    expect(row?.ok).toBe(true);
    const before = await s.t.db.prisma.syncTimelineEntry.count({ where: { linkId: link.id } });
    await s.syncNow(sci);
    const after = await s.t.db.prisma.syncTimelineEntry.findMany({
      where: { linkId: link.id },
      orderBy: { createdAt: 'desc' },
      take: 1,
    });
    expect(await s.t.db.prisma.syncTimelineEntry.count({ where: { linkId: link.id } })).toBe(before + 1);
    expect(after[0]!.changes, JSON.stringify(after[0])).toHaveLength(2);
  });
});
