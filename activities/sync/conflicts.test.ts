// The conflict inbox (F48) end to end: SCI workflows on the Temporal dev server, the real activities, the
// Zoho and Jira simulators, and the inbox routes through app.inject. A both-owned field with the "ask"
// policy changed on both sides is held (neither side overwritten) while a field changed on one side keeps
// syncing; resolving writes the kept value to the other side, and the next sync leaves both alone.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConflictDto } from '../../contracts/conflicts';
import type { RecordLink, SmartConnectedItem } from '../../prisma/generated/client';
import { injectAdminApi, type AdminApi } from '../../test/support/admin-api';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';
import type { JiraEventSignal } from '../../workflows/messages';

let s: SyncStack;
let api: AdminApi;

beforeAll(async () => {
  s = await startSyncStack();
  api = injectAdminApi(s.t.app, () => s.t.headers());
}, 180_000);
afterAll(async () => {
  await s?.close();
});

function jiraEvent(issueId: string, changedFields: string[]): JiraEventSignal {
  return { eventId: randomUUID(), kind: 'issue_updated', issueId, occurredAt: new Date().toISOString(), changedFields };
}

async function linkedPair(sci: SmartConnectedItem, values: { Amount: number; Closing_Date: string }): Promise<{ dealId: string; link: RecordLink }> {
  const [row] = await s.zoho.records.insert('Deals', [{ Stage: 'Qualification', Deal_Name: `Conflict ${randomUUID().slice(0, 6)}`, ...values }]);
  if (!row?.ok) throw new Error(`deal not created: ${JSON.stringify(row)}`);
  const issue = await s.jira.issues.create({
    project: { key: 'DEMO' },
    issueType: { id: '10001' },
    summary: 'Conflict test',
    fields: { customfield_10034: values.Amount, customfield_10031: values.Closing_Date },
  });
  const link = await s.t.db.prisma.recordLink.create({
    data: { tenantId: sci.tenantId, sciId: sci.id, jiraIssueId: issue.id, jiraIssueKey: issue.key, zohoModule: 'Deals', zohoRecordId: row.id, managed: 'MANUAL' },
  });
  return { dealId: row.id, link };
}

const jiraFields = async (link: RecordLink) => (await s.jira.issues.get(link.jiraIssueId, { fields: ['customfield_10034', 'customfield_10031'] })).fields;
const zohoValues = (dealId: string) => s.zoho.records.get('Deals', dealId, { fields: ['Amount', 'Closing_Date'] });

describe('2 Way conflicts held for review (F48)', () => {
  let sci: SmartConnectedItem;
  beforeAll(async () => {
    sci = await s.createSci({
      name: `conflicts-${randomUUID().slice(0, 6)}`,
      syncMode: 'TWO_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      fieldMappings: [
        { zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'BOTH', conflict: 'ask' },
        { zohoField: 'Closing_Date', jiraField: 'customfield_10031', owner: 'BOTH', conflict: 'ask' },
      ],
    });
  });

  it('holds a field changed on both sides without overwriting either, syncs a field changed on one side, and resolving applies the kept value', async () => {
    const { dealId, link } = await linkedPair(sci, { Amount: 10, Closing_Date: '2026-12-01' });
    await s.syncNow(sci);
    // The first sync found both sides agreeing: that is each field's baseline.
    expect(await s.t.db.prisma.syncBaseline.count({ where: { linkId: link.id } })).toBe(2);

    await s.jira.issues.edit(link.jiraIssueId, { fields: { customfield_10034: 999 } });
    await s.zoho.records.update('Deals', [{ id: dealId, Amount: 555, Closing_Date: '2027-03-03' }]);
    await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(link.jiraIssueId, ['customfield_10034'])]);
    await s.syncNow(sci);
    await s.syncNow(sci);

    expect((await jiraFields(link)).customfield_10034).toBe(999); // held: not overwritten either way
    expect((await zohoValues(dealId))?.Amount).toBe(555);
    expect((await jiraFields(link)).customfield_10031).toBe('2027-03-03'); // changed in Zoho only: synced

    const held = await s.t.db.prisma.syncConflict.findMany({ where: { linkId: link.id } });
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ zohoField: 'Amount', jiraField: 'customfield_10034', status: 'HELD', zohoValue: 555, jiraValue: 999 });
    expect(held[0]!.jiraChangedAt).not.toBeNull();
    expect(held[0]!.zohoChangedAt).not.toBeNull();
    expect(held[0]!.zohoChangedBy).toEqual(expect.any(String));
    const runs = await s.t.db.prisma.syncRun.findMany({ where: { sciId: sci.id } });
    expect(JSON.stringify(runs.map((r) => r.errors))).toContain(`${link.jiraIssueKey}: conflict on customfield_10034 (Zoho CRM Amount) held for review`);

    // A later edit of the other field in Jira still reaches Zoho while Amount stays held.
    await s.jira.issues.edit(link.jiraIssueId, { fields: { customfield_10031: '2027-04-04' } });
    await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(link.jiraIssueId, ['customfield_10031'])]);
    await s.eventually(() => zohoValues(dealId), (r) => r?.Closing_Date === '2027-04-04');
    expect((await zohoValues(dealId))?.Amount).toBe(555);

    // The admin inbox lists it with both values and who changed them.
    const list = await api<{ conflicts: ConflictDto[] }>('GET', '/conflicts');
    expect(list.status).toBe(200);
    const shown = list.body.conflicts.find((c) => c.linkId === link.id)!;
    expect(shown).toMatchObject({ sciName: sci.name, issueKey: link.jiraIssueKey, zoho: { display: '555' }, jira: { display: '999' } });

    const resolved = await api('POST', `/conflicts/${shown.id}/resolve`, { keep: 'jira' });
    expect(resolved).toMatchObject({ status: 200, body: { id: shown.id, status: 'RESOLVED', keep: 'jira' } });
    expect((await zohoValues(dealId))?.Amount).toBe(999);
    expect((await api('POST', `/conflicts/${shown.id}/resolve`, { keep: 'zoho' })).status).toBe(409);
    expect((await api<{ conflicts: ConflictDto[] }>('GET', '/conflicts')).body.conflicts.some((c) => c.id === shown.id)).toBe(false);

    // The field syncs again: the next sync sees both sides agree, and a new one-sided change flows.
    await s.syncNow(sci);
    expect((await jiraFields(link)).customfield_10034).toBe(999);
    await s.zoho.records.update('Deals', [{ id: dealId, Amount: 1234 }]);
    await s.syncNow(sci);
    expect((await jiraFields(link)).customfield_10034).toBe(1234);
    expect(await s.t.db.prisma.syncConflict.count({ where: { linkId: link.id, status: 'HELD' } })).toBe(0);
  });

  it('the issue panel lists the issue\'s held conflicts and resolves one by keeping the Zoho CRM value', async () => {
    const { dealId, link } = await linkedPair(sci, { Amount: 20, Closing_Date: '2026-12-01' });
    await s.syncNow(sci);
    await s.jira.issues.edit(link.jiraIssueId, { fields: { customfield_10034: 21 } });
    await s.zoho.records.update('Deals', [{ id: dealId, Amount: 22 }]);
    await s.syncNow(sci);

    const panel = async (url: string, method: 'GET' | 'POST' = 'GET', payload?: object) =>
      s.t.app.inject({ method, url: `/api/v1/panel/issues/${link.jiraIssueKey}${url}`, headers: await s.t.headers(), ...(payload ? { payload } : {}) });
    const listed = await panel('/conflicts');
    expect(listed.statusCode).toBe(200);
    const conflicts = listed.json<{ conflicts: ConflictDto[] }>().conflicts;
    expect(conflicts.map((c) => [c.issueKey, c.zohoField, c.zoho.value, c.jira.value])).toEqual([[link.jiraIssueKey, 'Amount', 22, 21]]);

    const bad = await panel(`/conflicts/${conflicts[0]!.id}/resolve`, 'POST', { keep: 'both' });
    expect(bad.statusCode).toBe(400);
    const ok = await panel(`/conflicts/${conflicts[0]!.id}/resolve`, 'POST', { keep: 'zoho' });
    expect(ok.statusCode).toBe(200);
    expect((await jiraFields(link)).customfield_10034).toBe(22);
    expect((await zohoValues(dealId))?.Amount).toBe(22);
    expect((await panel('/conflicts')).json<{ conflicts: unknown[] }>().conflicts).toEqual([]);
  });

  it('a "Jira wins" field takes the Jira value when both sides changed, and holds nothing', async () => {
    const jiraWins = await s.createSci({
      name: `conflicts-jira-${randomUUID().slice(0, 6)}`,
      syncMode: 'TWO_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      fieldMappings: [{ zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'BOTH', conflict: 'jira' }],
    });
    const { dealId, link } = await linkedPair(jiraWins, { Amount: 30, Closing_Date: '2026-12-01' });
    await s.syncNow(jiraWins);
    await s.zoho.records.update('Deals', [{ id: dealId, Amount: 32 }]);
    await new Promise((res) => setTimeout(res, 1100)); // later in Jira: latest wins would pick Jira too, so
    await s.jira.issues.edit(link.jiraIssueId, { fields: { customfield_10034: 31 } });
    await new Promise((res) => setTimeout(res, 1100));
    await s.zoho.records.update('Deals', [{ id: dealId, Amount: 33 }]); // ...Zoho changes last
    await s.syncNow(jiraWins);
    expect((await zohoValues(dealId))?.Amount).toBe(31);
    expect((await jiraFields(link)).customfield_10034).toBe(31);
    expect(await s.t.db.prisma.syncConflict.count({ where: { linkId: link.id } })).toBe(0);
  });
});
