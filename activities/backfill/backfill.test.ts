// Backfill end to end (F34) on Temporal + both simulators: IMPORT makes one issue per existing record (and a
// second run makes none), MATCH links records to the issues holding the same value, progress is visible
// through the query and the stored row, and records created after the SCI are left to auto-create.
import { randomUUID } from 'node:crypto';
import type { SmartConnectedItem } from '../../prisma/generated/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';
import { backfillProgress, startBackfill } from '../../lib/backfill/start';
import { backfillProgressQuery, backfillWorkflowId, type BackfillProgress } from '../../workflows/backfill-messages';
import type { backfillWorkflow } from '../../workflows/backfill-workflow';
import { LINK_PROPERTY } from '../sync/auto-create';

let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack();
}, 180_000);

afterAll(async () => {
  await s?.close();
});

async function bulkDeals(count: number, namePattern: string): Promise<void> {
  const res = await fetch(`${s.t.zoho!.url}/__sandbox/records/Deals/bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count, values: { Deal_Name: namePattern, Stage: 'Qualification' } }),
  });
  expect(res.status).toBe(201);
  // Zoho's times have one-second resolution: let the SCI be created strictly after these records.
  await new Promise((r) => setTimeout(r, 1100));
}

/** The outcome of the backfill the SCI's creation started (the API starts it with the SCI). */
function backfillOfCreate(sci: SmartConnectedItem): Promise<BackfillProgress> {
  return s.t.temporal.client.workflow.getHandle<typeof backfillWorkflow>(backfillWorkflowId(sci.tenantId, sci.id)).result();
}

/** Starts the SCI's backfill again, as the admin page's "start again" does, and waits for its outcome. */
async function runBackfillAgain(sciId: string): Promise<BackfillProgress> {
  const sci = await s.t.db.prisma.smartConnectedItem.findUniqueOrThrow({ where: { id: sciId } });
  const { workflowId } = await startBackfill(s.t.temporal.client, sci, { taskQueue: s.t.temporal.taskQueue });
  return s.t.temporal.client.workflow.getHandle<typeof backfillWorkflow>(workflowId).result();
}

async function issuesOfSci(sciId: string): Promise<{ id: string; recordId: string }[]> {
  const out: { id: string; recordId: string }[] = [];
  for await (const page of s.jira.issues.searchPages({
    jql: `project = DEMO AND issue.property[${LINK_PROPERTY}].sciId = "${sciId}"`,
    properties: [LINK_PROPERTY],
    maxResults: 100,
  })) {
    for (const i of page.issues) out.push({ id: i.id, recordId: String((i.properties?.[LINK_PROPERTY] as { recordId?: string } | undefined)?.recordId) });
  }
  return out;
}

describe('IMPORT', () => {
  it('creates one issue per existing record, links each once, and a second run creates nothing', async () => {
    const tag = randomUUID().slice(0, 6);
    await bulkDeals(450, `Import ${tag} {n}`);
    const sci = await s.createSci(
      {
        name: `import-${tag}`,
        syncMode: 'ONE_WAY',
        jiraProjectId: '10000',
        jiraIssueTypeId: '10001',
        zohoModule: 'Deals',
        fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary' }],
        options: { backfill: { mode: 'IMPORT' } },
      },
      { settings: { BACKFILL_PAGES_PER_CALL: '2' }, waitForFirstRun: false },
    );
    // A record made after the SCI belongs to auto-create, not to the backfill.
    const [late] = await s.zoho.records.insert('Deals', [{ Deal_Name: `Late ${tag}`, Stage: 'Qualification' }]);
    expect(late?.ok).toBe(true);

    const first = await backfillOfCreate(sci);
    expect(first.phase).toBe('succeeded');
    expect(first.failed).toBe(0);
    const links = await s.t.db.prisma.recordLink.findMany({ where: { sciId: sci.id } });
    expect(links.length).toBeGreaterThanOrEqual(450);
    expect(first.created).toBe(links.length);
    expect(links.some((l) => late!.ok && l.zohoRecordId === late!.id)).toBe(false);
    const issues = await issuesOfSci(sci.id);
    expect(issues).toHaveLength(links.length);
    expect(new Set(issues.map((i) => i.recordId)).size).toBe(links.length);
    // The issue carries the mapped value, and the link counts the record as applied.
    const one = links.find((l) => l.lastZohoFingerprint !== null);
    expect(one).toBeDefined();
    const issue = await s.jira.issues.get(links[0]!.jiraIssueId, { fields: ['summary'] });
    expect(String(issue.fields?.summary)).toMatch(/^Import |^[A-Z]/);

    const row = await s.t.db.prisma.backfillRun.findUniqueOrThrow({ where: { sciId: sci.id } });
    expect(row.state).toBe('SUCCEEDED');
    expect(row.done).toBe(first.done);
    expect(row.total).toBeGreaterThanOrEqual(row.done - 1);
    const stored = await backfillProgress(s.t.temporal.client, s.t.db.prisma, sci);
    expect(stored?.phase).toBe('succeeded');
    expect(stored?.created).toBe(links.length);
    const history = await s.t.db.prisma.syncRun.findMany({ where: { sciId: sci.id, kind: 'BACKFILL' } });
    expect(history).toHaveLength(1);
    expect(history[0]!.recordsCreated).toBe(links.length);

    const second = await runBackfillAgain(sci.id);
    expect(second.phase).toBe('succeeded');
    expect(second.created).toBe(0);
    expect(second.linked).toBe(0);
    expect(await s.t.db.prisma.recordLink.count({ where: { sciId: sci.id } })).toBe(links.length);
    expect(await issuesOfSci(sci.id)).toHaveLength(links.length);
  }, 180_000);

  it('answers the progress query while it runs, across continue-as-new', async () => {
    const tag = randomUUID().slice(0, 6);
    await bulkDeals(600, `Progress ${tag} {n}`);
    // One page per call and a tiny history limit: the workflow continues as new several times on the way.
    const sci = await s.createSci(
      {
        name: `progress-${tag}`,
        syncMode: 'ONE_WAY',
        jiraProjectId: '10000',
        jiraIssueTypeId: '10001',
        zohoModule: 'Deals',
        options: { backfill: { mode: 'IMPORT' } },
      },
      { settings: { BACKFILL_PAGES_PER_CALL: '1', BACKFILL_MAX_HISTORY_EVENTS: '15' }, waitForFirstRun: false },
    );
    const handle = s.t.temporal.client.workflow.getHandle(backfillWorkflowId(sci.tenantId, sci.id));
    const seen = await s.eventually(() => handle.query(backfillProgressQuery), (p) => p.done > 0, 60_000);
    expect(seen.mode).toBe('IMPORT');
    expect(seen.total).not.toBeNull();
    const final = await s.eventually(() => handle.query(backfillProgressQuery), (p) => p.phase === 'succeeded', 120_000);
    expect(final.created).toBeGreaterThanOrEqual(600);
    expect(final.rate).toBeGreaterThan(0);
    expect(final.generation).toBeGreaterThanOrEqual(1);
    expect(final.done).toBeGreaterThanOrEqual(final.created);
    expect(await s.t.db.prisma.recordLink.count({ where: { sciId: sci.id } })).toBe(final.created);
  }, 180_000);
});

describe('MATCH', () => {
  it('links records to the one issue holding the same value, and leaves ambiguous and unmatched ones', async () => {
    const tag = randomUUID().slice(0, 6);
    const names = [0, 1, 2, 3].map((i) => `Match ${tag} ${i}`);
    const rows = await s.zoho.records.insert('Deals', [...names.map((n) => ({ Deal_Name: n, Stage: 'Qualification' })), { Deal_Name: `Nomatch ${tag}`, Stage: 'Qualification' }]);
    expect(rows.every((r) => r.ok)).toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    const made = await s.jira.issues.createMany([
      ...names.slice(0, 3).map((n) => ({ project: { key: 'DEMO' }, issueType: { name: 'Task' }, summary: n.toUpperCase() })),
      // Two issues hold the last name: ambiguous.
      { project: { key: 'DEMO' }, issueType: { name: 'Task' }, summary: names[3]! },
      { project: { key: 'DEMO' }, issueType: { name: 'Task' }, summary: `  ${names[3]!}  ` },
    ]);
    expect(made.issues).toHaveLength(5);
    // 1 Way: a backfill needs a synchronized item (the API refuses one for Display). No mapping: the poll
    // changes none of the issues the match links.
    const sci = await s.createSci(
      {
        name: `match-${tag}`,
        syncMode: 'ONE_WAY',
        jiraProjectId: '10000',
        jiraIssueTypeId: '10001',
        zohoModule: 'Deals',
        options: { backfill: { mode: 'MATCH', matchZohoField: 'Deal_Name', matchJiraField: 'summary' } },
      },
      { waitForFirstRun: false },
    );
    const result = await backfillOfCreate(sci);
    expect(result.phase).toBe('succeeded');
    // Earlier tests' imported issues carry their records' names too: those match as well.
    expect(result.linked).toBeGreaterThanOrEqual(3);
    // …and IMPORT tests above made two issues for some records: those values are ambiguous here.
    expect(result.failed).toBeGreaterThanOrEqual(1);
    const links = await s.t.db.prisma.recordLink.findMany({ where: { sciId: sci.id } });
    expect(links).toHaveLength(result.linked);
    const byRecord = new Map(links.map((l) => [l.zohoRecordId, l.jiraIssueId]));
    for (let i = 0; i < 3; i++) {
      const row = rows[i]!;
      expect(row.ok && byRecord.get(row.id)).toBe(made.issues[i]!.id);
    }
    const [ambiguous, unmatched] = [rows[3]!, rows[4]!];
    expect(ambiguous.ok && byRecord.has(ambiguous.id)).toBe(false);
    expect(unmatched.ok && byRecord.has(unmatched.id)).toBe(false);
    const stored = await s.t.db.prisma.backfillRun.findUniqueOrThrow({ where: { sciId: sci.id } });
    expect(JSON.stringify(stored.errors)).toMatch(/same Deal_Name value/);
    // Again: nothing new.
    const again = await runBackfillAgain(sci.id);
    expect(again.linked).toBe(0);
    expect(await s.t.db.prisma.recordLink.count({ where: { sciId: sci.id } })).toBe(links.length);
  }, 180_000);
});
