// R9 (and F18, F19): a note and an attachment added to a Zoho record that is otherwise untouched reach Jira
// within one poll. Zoho leaves the record's Modified_Time alone and its notification channels do not cover
// Notes or Attachments, so record polling and notifications alone would never see them; the poll's Notes
// listing and attachment sweep do. Also the price: the Zoho calls one idle poll makes with detection on.
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adfToText } from '../../clients/jira';
import { startSyncStack, type SyncStack } from '../support/sync-stack';
import { report } from './support';

let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack();
}, 180_000);

afterAll(async () => {
  await s?.close();
});

describe('R9: quiet records', () => {
  it('a note and an attachment on an untouched record reach Jira within one poll', async () => {
    const sci = await s.createSci({
      name: `r9-quiet-${randomUUID().slice(0, 6)}`,
      syncMode: 'ONE_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary' }],
      options: { autoCreate: true, notesSync: true, attachmentSync: true },
    });
    const [row] = await s.zoho.records.insert('Deals', [{ Deal_Name: `Quiet ${randomUUID().slice(0, 6)}`, Stage: 'Qualification' }]);
    if (!row?.ok) throw new Error('deal not created');
    await s.syncNow(sci);
    const link = await s.eventually(() => s.t.db.prisma.recordLink.findFirst({ where: { sciId: sci.id, zohoRecordId: row.id } }), (l) => l !== null);
    await s.syncNow(sci); // the record's own change is behind us: from here it is quiet
    const before = await s.zoho.records.get('Deals', row.id, { fields: ['Modified_Time'] });

    await new Promise((r) => setTimeout(r, 1100)); // Zoho's times have one-second resolution
    const [note] = await s.zoho.notes.create([{ module: 'Deals', recordId: row.id, title: 'Quiet note', content: 'Added without touching the deal.' }]);
    expect(note?.ok).toBe(true);
    const uploaded = await s.zoho.attachments.upload('Deals', row.id, { fileName: 'quiet.txt', contentType: 'text/plain', data: Readable.from([Buffer.from('quiet attachment')]) });
    expect(uploaded.ok).toBe(true);
    // The record itself did not change: a poll by Modified_Time alone would not look at it again.
    const after = await s.zoho.records.get('Deals', row.id, { fields: ['Modified_Time'] });
    expect(after?.Modified_Time).toBe(before?.Modified_Time);

    // Exactly one poll after the note and the attachment.
    const polled = await s.syncNow(sci);
    expect(polled.lastRun?.outcome).toBe('ok');
    const comments = await s.jira.comments.list(link!.jiraIssueId);
    expect(comments.comments.map((c) => adfToText(c.body as never))).toEqual([expect.stringContaining('Added without touching the deal.')]);
    const issue = await s.jira.issues.get(link!.jiraIssueId, { fields: ['attachment'] });
    expect(((issue.fields as { attachment?: { filename: string }[] }).attachment ?? []).map((a) => a.filename)).toEqual(['quiet.txt']);

    // Once copied, nothing more: the next poll is idle and its cost is what the docs say. (Cursors hold back
    // 5 s from "now", so a poll within 5 s of a change reads that change again; wait that out first.)
    await new Promise((r) => setTimeout(r, 5500));
    await s.syncNow(sci);
    s.t.zoho!.resetStats();
    s.t.jira.resetStats();
    const idle = await s.syncNow(sci);
    const zohoCalls = s.t.zoho!.stats().api;
    const links = await s.t.db.prisma.recordLink.count({ where: { sciId: sci.id } });
    report('R9 quiet records', { idlePollZohoCalls: zohoCalls, idlePollJiraCalls: s.t.jira.stats().total, links, expected: `1 records + 1 notes + min(3, ${links}) attachment lists` });
    expect(idle.lastRun?.changed).toBe(0);
    expect(zohoCalls).toBe(1 + 1 + Math.min(3, links));
    expect(s.t.jira.stats().total).toBe(0);
    const again = await s.jira.comments.list(link!.jiraIssueId);
    expect(again.comments).toHaveLength(1);
    await s.t.deps.workflows.stop(sci, 'test done');
  }, 120_000);
});
