// The sync engine end to end (F13–F22): SCI workflows on the real Temporal dev server, the real activities,
// and the Zoho and Jira simulators over HTTP. Each change is made the way a person would make it (the
// simulators' own APIs) and the other side is read back the same way.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adfToText } from '../../clients/jira';
import type { RecordLink, SmartConnectedItem } from '../../prisma/generated/client';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';
import type { JiraEventSignal } from '../../workflows/messages';

let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack();
}, 180_000);
afterAll(async () => {
  await s?.close();
});

const STATUS_MAP = [
  { zohoValue: 'Qualification', jiraStatusId: '10000' },
  { zohoValue: 'Negotiation/Review', jiraStatusId: '3' },
  { zohoValue: 'Closed Won', jiraStatusId: '10001' },
];

async function newDeal(values: Record<string, unknown>): Promise<string> {
  const [row] = await s.zoho.records.insert('Deals', [{ Stage: 'Qualification', ...values }]);
  if (!row?.ok) throw new Error(`deal not created: ${JSON.stringify(row)}`);
  return row.id;
}

async function manualLink(sci: SmartConnectedItem, issueKey: string, recordId: string): Promise<RecordLink> {
  const issue = await s.jira.issues.get(issueKey, { fields: ['summary'] });
  return s.t.db.prisma.recordLink.create({
    data: { tenantId: sci.tenantId, sciId: sci.id, jiraIssueId: issue.id, jiraIssueKey: issue.key, zohoModule: sci.zohoModule, zohoRecordId: recordId, managed: 'MANUAL' },
  });
}

async function newIssue(summary: string): Promise<{ id: string; key: string }> {
  const created = await s.jira.issues.create({ project: { key: 'DEMO' }, issueType: { id: '10001' }, summary });
  return { id: created.id, key: created.key };
}

function jiraEvent(issueId: string, kind: JiraEventSignal['kind'], extra: Partial<JiraEventSignal> = {}): JiraEventSignal {
  return { eventId: randomUUID(), kind, issueId, occurredAt: new Date().toISOString(), ...extra };
}

describe('1 Way (F14, F20)', () => {
  let sci: SmartConnectedItem;
  beforeAll(async () => {
    sci = await s.createSci({
      name: `one-way-${randomUUID().slice(0, 6)}`,
      syncMode: 'ONE_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      fieldMappings: [
        { zohoField: 'Description', jiraField: 'summary' },
        { zohoField: 'Amount', jiraField: 'customfield_10034' },
        { zohoField: 'Closing_Date', jiraField: 'customfield_10031' },
      ],
    });
  });

  it('a CRM edit reaches the linked issue, with the summary cut to 255 characters', async () => {
    const dealId = await newDeal({ Deal_Name: 'Northern expansion', Description: 'Short', Amount: 1000 });
    const issue = await newIssue('Placeholder');
    await manualLink(sci, issue.key, dealId);
    const longText = 'Expansion deal for the northern region '.repeat(9);
    const [row] = await s.zoho.records.update('Deals', [{ id: dealId, Description: longText, Amount: 25000.5, Closing_Date: '2026-12-31' }]);
    expect(row?.ok).toBe(true);
    await s.syncNow(sci);
    const after = await s.jira.issues.get(issue.key, { fields: ['summary', 'customfield_10034', 'customfield_10031'] });
    const f = after.fields;
    expect((f.summary as string).length).toBeLessThanOrEqual(255);
    expect(f.summary as string).toMatch(/^Expansion deal for the northern region/);
    expect(f.customfield_10034).toBe(25000.5);
    expect(f.customfield_10031).toBe('2026-12-31');
  });

  it('an idle poll makes exactly one Zoho call and no Jira call (P3)', async () => {
    await s.syncNow(sci); // settle anything pending
    s.t.zoho!.resetStats();
    s.t.jira.resetStats();
    await s.syncNow(sci);
    expect(s.t.zoho!.stats().api).toBe(1);
    expect(s.t.jira.stats().total).toBe(0);
  });
});

describe('2 Way with auto-create, status, notes and attachments (F15–F19, F21)', () => {
  let sci: SmartConnectedItem;
  beforeAll(async () => {
    sci = await s.createSci({
      name: `two-way-${randomUUID().slice(0, 6)}`,
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
        statusSync: { zohoField: 'Stage', valueMap: STATUS_MAP },
        notesSync: true,
        attachmentSync: true,
        attachmentMaxBytes: 64 * 1024,
      },
    });
  });

  async function linkOf(dealId: string): Promise<RecordLink> {
    return s.eventually(
      () => s.t.db.prisma.recordLink.findFirst({ where: { sciId: sci.id, zohoRecordId: dealId } }),
      (l): l is RecordLink => l !== null,
    ) as Promise<RecordLink>;
  }

  it('a new CRM record creates exactly one issue, linked as auto-managed, even when polled again', async () => {
    const name = `Auto deal ${randomUUID().slice(0, 8)}`;
    const dealId = await newDeal({ Deal_Name: name, Amount: 5000 });
    await s.syncNow(sci);
    await s.syncNow(sci);
    const link = await linkOf(dealId);
    expect(link.managed).toBe('AUTO');
    const found = await s.jira.issues.search({ jql: `project = DEMO AND summary ~ "${name}"`, fields: ['summary', 'customfield_10034'] });
    expect(found.issues).toHaveLength(1);
    expect(found.issues[0]!.id).toBe(link.jiraIssueId);
    expect((found.issues[0]!.fields).customfield_10034).toBe(5000);
  });

  it('a Jira edit reaches Zoho, and its echo does not come back as a change', async () => {
    const dealId = await newDeal({ Deal_Name: `Two-way ${randomUUID().slice(0, 8)}`, Amount: 100 });
    await s.syncNow(sci);
    const link = await linkOf(dealId);
    await s.jira.issues.edit(link.jiraIssueId, { fields: { customfield_10034: 777 } });
    await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(link.jiraIssueId, 'issue_updated', { changedFields: ['customfield_10034'] })]);
    await s.eventually(() => s.zoho.records.get('Deals', dealId, { fields: ['Amount'] }), (r) => r?.Amount === 777);
    // The next poll sees our own write to Zoho: recognised, nothing written back to Jira.
    s.t.jira.resetStats();
    const status = await s.syncNow(sci);
    expect(status.lastRun?.changed).toBe(0);
    expect(s.t.jira.stats().byEndpoint['PUT /rest/api/3/issue/{issueIdOrKey}'] ?? 0).toBe(0);
  });

  it('status follows both ways through the value map and Jira transitions (F17)', async () => {
    const dealId = await newDeal({ Deal_Name: `Status ${randomUUID().slice(0, 8)}` });
    await s.syncNow(sci);
    const link = await linkOf(dealId);
    await s.zoho.records.update('Deals', [{ id: dealId, Stage: 'Negotiation/Review' }]);
    await s.syncNow(sci);
    const moved = await s.jira.issues.get(link.jiraIssueId, { fields: ['status'] });
    expect((moved.fields as { status: { id: string } }).status.id).toBe('3');

    const transitions = await s.jira.issues.getTransitions(link.jiraIssueId);
    await s.jira.issues.transition(link.jiraIssueId, { transitionId: transitions.find((t) => t.to.id === '10001')!.id, fields: { resolution: { name: 'Done' } } });
    await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(link.jiraIssueId, 'issue_updated', { changedFields: ['status'] })]);
    await s.eventually(() => s.zoho.records.get('Deals', dealId, { fields: ['Stage'] }), (r) => r?.Stage === 'Closed Won');
  });

  it('a note becomes a comment and a comment a note, once each, with no echo (F18)', async () => {
    const dealId = await newDeal({ Deal_Name: `Notes ${randomUUID().slice(0, 8)}` });
    await s.syncNow(sci);
    const link = await linkOf(dealId);
    await s.zoho.notes.create([{ module: 'Deals', recordId: dealId, title: 'Call notes', content: 'Customer wants a pilot in January.' }]);
    await s.zoho.records.update('Deals', [{ id: dealId, Amount: 4242 }]); // notes ride on record changes in polling
    await s.syncNow(sci);
    await s.syncNow(sci);
    const comments = await s.jira.comments.list(link.jiraIssueId);
    const mirrored = comments.comments.filter((c) => adfToText(c.body as never).includes('pilot in January'));
    expect(mirrored).toHaveLength(1);

    const added = await s.jira.comments.add(link.jiraIssueId, { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Jira side: contract sent.' }] }] });
    const event = jiraEvent(link.jiraIssueId, 'comment_created', { commentId: added.id });
    await s.t.deps.workflows.deliverJiraEvents(sci, [event]);
    await s.t.deps.workflows.deliverJiraEvents(sci, [{ ...event, eventId: randomUUID() }]); // a second delivery of the same comment
    const notes = await s.eventually(
      () => s.zoho.notes.listForRecord('Deals', dealId),
      (r) => r.notes.some((n) => (n.Note_Content ?? '').includes('contract sent')),
    );
    await s.syncNow(sci);
    const again = await s.zoho.notes.listForRecord('Deals', dealId);
    expect(again.notes.filter((n) => (n.Note_Content ?? '').includes('contract sent'))).toHaveLength(1);
    expect(notes.notes.length).toBe(again.notes.length);
    // Our own mirrored comment triggers a comment event too: it must not become a note.
    await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(link.jiraIssueId, 'comment_created', { commentId: mirrored[0]!.id })]);
    await s.syncNow(sci);
    expect((await s.zoho.notes.listForRecord('Deals', dealId)).notes.length).toBe(again.notes.length);
  });

  it('attachments cross both ways; an oversized one is skipped and recorded (F19)', async () => {
    const dealId = await newDeal({ Deal_Name: `Files ${randomUUID().slice(0, 8)}` });
    await s.syncNow(sci);
    const link = await linkOf(dealId);
    await s.zoho.attachments.upload('Deals', dealId, { fileName: 'quote.pdf', contentType: 'application/pdf', data: Readable.from([Buffer.alloc(10_000, 7)]) });
    await s.zoho.attachments.upload('Deals', dealId, { fileName: 'huge.bin', data: Readable.from([Buffer.alloc(200 * 1024, 1)]) });
    await s.zoho.records.update('Deals', [{ id: dealId, Amount: 31337 }]);
    const status = await s.syncNow(sci);
    const issue = await s.jira.issues.get(link.jiraIssueId, { fields: ['attachment'] });
    const names = ((issue.fields as { attachment?: { filename: string }[] }).attachment ?? []).map((a) => a.filename);
    expect(names).toContain('quote.pdf');
    expect(names).not.toContain('huge.bin');
    expect(status.lastError ?? '').toMatch(/huge\.bin.*larger than the 64 KB attachment limit/);
    const run = await s.t.db.prisma.syncRun.findFirst({ where: { sciId: sci.id }, orderBy: { startedAt: 'desc' } });
    expect(JSON.stringify(run?.errors)).toContain('huge.bin');

    const [uploaded] = await s.jira.attachments.upload(link.jiraIssueId, { filename: 'signed.txt', contentType: 'text/plain', data: Readable.from([Buffer.from('signed contract')]) });
    await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(link.jiraIssueId, 'attachment_created', { attachmentId: uploaded!.id })]);
    await s.eventually(() => s.zoho.attachments.list('Deals', dealId), (r) => r.attachments.some((a) => a.File_Name === 'signed.txt'));
  });
});

describe('Display (F13)', () => {
  it('starts no sync: a Display SCI writes nothing to Jira', async () => {
    const sci = await s.createSci({ name: `display-${randomUUID().slice(0, 6)}`, syncMode: 'DISPLAY', jiraProjectId: '10000', jiraIssueTypeId: '10001', zohoModule: 'Deals', displayFields: ['Deal_Name', 'Stage'] });
    expect(sci.workflowId).toBeNull();
    expect(await s.t.deps.workflows.status(sci)).toBeNull();
    const refused = await s.t.app.inject({ method: 'POST', url: `/api/v1/scis/${sci.id}/sync`, headers: await s.t.headers() });
    expect(refused.statusCode).toBe(409);
    // The other SCIs of this file may still be at work: what counts is that this one never ran.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await s.t.deps.workflows.status(sci)).toBeNull();
    expect(await s.t.db.prisma.syncRun.count({ where: { sciId: sci.id } })).toBe(0);
    expect(await s.t.db.prisma.recordLink.count({ where: { sciId: sci.id } })).toBe(0);
  });
});

describe('per-field ownership in 2 Way (F35)', () => {
  it('owners win conflicting simultaneous edits, both-owned fields follow the latest change, and conflicts are recorded', async () => {
    const sci = await s.createSci({
      name: `owners-${randomUUID().slice(0, 6)}`,
      syncMode: 'TWO_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      fieldMappings: [
        { zohoField: 'Description', jiraField: 'summary', owner: 'ZOHO' },
        { zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'JIRA' },
        { zohoField: 'Closing_Date', jiraField: 'customfield_10031', owner: 'BOTH' },
      ],
    });
    const dealId = await newDeal({ Deal_Name: `Owners ${randomUUID().slice(0, 6)}`, Description: 'CRM text', Amount: 10, Closing_Date: '2026-12-01' });
    const issue = await s.jira.issues.create({ project: { key: 'DEMO' }, issueType: { id: '10001' }, summary: 'CRM text', fields: { customfield_10034: 10, customfield_10031: '2026-12-01' } });
    const link = await manualLink(sci, issue.key, dealId);
    await s.syncNow(sci);

    // Simultaneous edits of the one-owner fields on both sides.
    await s.jira.issues.edit(issue.id, { fields: { summary: 'Jira rewrote the CRM-owned summary', customfield_10034: 999 } });
    await s.zoho.records.update('Deals', [{ id: dealId, Description: 'CRM text, revised', Amount: 555 }]);
    await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(link.jiraIssueId, 'issue_updated', { changedFields: ['summary', 'customfield_10034'] })]);
    await s.syncNow(sci);
    await s.syncNow(sci);

    const f = (await s.jira.issues.get(issue.id, { fields: ['summary', 'customfield_10034'] })).fields;
    const r = await s.zoho.records.get('Deals', dealId, { fields: ['Description', 'Amount'] });
    expect(f.summary).toBe('CRM text, revised'); // Zoho owns it
    expect(r?.Description).toBe('CRM text, revised');
    expect(f.customfield_10034).toBe(999); // Jira owns it
    expect(r?.Amount).toBe(999);
    const runs = await s.t.db.prisma.syncRun.findMany({ where: { sciId: sci.id } });
    const notes = JSON.stringify(runs.map((x) => x.errors));
    expect(notes).toMatch(/conflict on summary/);
    expect(notes).toMatch(/conflict on Amount/);

    // Both-owned: the later change wins, whichever side made it.
    await s.jira.issues.edit(issue.id, { fields: { customfield_10031: '2027-01-15' } });
    await new Promise((res) => setTimeout(res, 1100)); // Zoho dates records to the second
    await s.zoho.records.update('Deals', [{ id: dealId, Closing_Date: '2027-02-20' }]);
    await s.t.deps.workflows.deliverJiraEvents(sci, [jiraEvent(link.jiraIssueId, 'issue_updated', { changedFields: ['customfield_10031'] })]);
    await s.syncNow(sci);
    const both = (await s.jira.issues.get(issue.id, { fields: ['customfield_10031'] })).fields;
    expect(both.customfield_10031).toBe('2027-02-20');
    expect((await s.zoho.records.get('Deals', dealId, { fields: ['Closing_Date'] }))?.Closing_Date).toBe('2027-02-20');
  });
});
