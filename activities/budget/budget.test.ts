// API budgets on the real stack (F36): Temporal, both simulators, a worker whose Zoho budget is tiny.
// - the pause trips at the configured share, visibly (workflow status, run history, backfill progress), spends
//   no Zoho credit while paused, and lifts once the rolling window has let the credits go;
// - Zoho's own X-API-CREDITS-REMAINING pauses automation even when our count looks fine.
import { randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncActivities } from '..';
import { ZohoBudget } from '../../lib/budget/zoho-budget';
import { createLogger } from '../../lib/logger';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';
import { createSciWorker } from '../../worker/create-worker';
import { backfillProgressQuery, backfillWorkflowId, retryBackfillSignal } from '../../workflows/backfill-messages';
import type { backfillWorkflow } from '../../workflows/backfill-workflow';

const HOUR = 3_600_000;
let s: SyncStack;
let worker: Worker;
let running: Promise<void>;
let budget: ZohoBudget;
/** The budget's clock runs this far ahead of the wall clock (to let the 24 h window roll in a test). */
let skew = 0;

beforeAll(async () => {
  s = await startSyncStack({ inProcessWorker: false });
  budget = ZohoBudget.attach(s.t.deps.clients, { prisma: s.t.db.prisma, dailyCredits: 12, pauseShare: 0.5, now: () => Date.now() + skew, flushIntervalMs: 100 });
  worker = await createSciWorker({
    connection: s.t.temporal.nativeConnection,
    dataConverter: s.t.temporal.dataConverter,
    namespace: 'default',
    taskQueue: s.t.temporal.taskQueue,
    activities: createSyncActivities({ prisma: s.t.db.prisma, clients: s.t.deps.clients, cipher: s.t.deps.cipher, log: createLogger('silent'), zohoBudget: budget }),
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await budget?.close();
  await s?.close();
});

const zohoApiCalls = () => s.t.zoho!.stats().api;

describe('Zoho budget', () => {
  it('pauses automation at its share of the daily credits, visibly, and resumes when the window allows', async () => {
    const sci = await s.createSci({
      name: `budget-${randomUUID().slice(0, 6)}`,
      syncMode: 'ONE_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      options: { autoCreate: true },
    });
    // Each run costs credits (an idle poll costs one): keep syncing until the line at 6 of 12 is reached.
    let st = await s.status(sci);
    for (let i = 0; i < 20 && st.lastRun?.outcome !== 'failed'; i++) st = await s.syncNow(sci);
    expect(st.lastRun?.outcome).toBe('failed');
    expect(st.lastError).toMatch(/^Paused: Zoho API budget — \d+ of 12 credits used in the last 24 h \(automation pauses at 50%\); resumes around /);
    expect(st.state).toBe('waiting'); // not blocked: the next wake-up looks again by itself

    const status = await budget.status(s.tenant.id);
    expect(status.paused).toBe(true);
    expect(status.used).toBeGreaterThanOrEqual(6);
    const rows = await s.t.db.prisma.apiBudgetCounter.findMany({ where: { tenantId: s.tenant.id, provider: 'ZOHO' } });
    expect(rows.reduce((n, r) => n + r.used, 0)).toBe(status.used);
    expect(rows[0]!.limit).toBe(12);
    const history = await s.t.db.prisma.syncRun.findMany({ where: { sciId: sci.id, outcome: 'CANCELLED' } });
    expect(history.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(history[0]!.errors)).toMatch(/Paused: Zoho API budget/);

    // While paused, a run spends nothing at Zoho, and a new record waits.
    const before = zohoApiCalls();
    const [row] = await s.zoho.records.insert('Deals', [{ Deal_Name: `Waits for budget ${randomUUID().slice(0, 6)}`, Stage: 'Qualification' }]);
    expect(row?.ok).toBe(true);
    const afterInsert = zohoApiCalls();
    st = await s.syncNow(sci);
    expect(st.lastRun?.outcome).toBe('failed');
    expect(zohoApiCalls()).toBe(afterInsert);
    expect(afterInsert - before).toBe(1); // the person's insert only
    expect(await s.t.db.prisma.recordLink.count({ where: { sciId: sci.id } })).toBe(0);
    // Jira events that arrive meanwhile wait in the queue: paused runs are not failures that park them, and
    // a queued event does not make the workflow spin on the pause (one run per wake-up).
    const runsBefore = st.runs;
    await s.t.deps.workflows.deliverJiraEvents(sci, [{ eventId: `budget-${randomUUID()}`, kind: 'issue_updated', issueId: '10001', occurredAt: new Date().toISOString() }]);
    for (let i = 0; i < 4; i++) st = await s.syncNow(sci);
    expect(st.pendingEvents).toBe(1);
    expect(st.parkedEvents).toBe(0);
    expect(st.runs - runsBefore).toBeLessThanOrEqual(5);
    expect(zohoApiCalls()).toBe(afterInsert);

    // A backfill started now waits for the window too, and says so.
    const bfSci = await s.createSci({
      name: `budget-backfill-${randomUUID().slice(0, 6)}`,
      syncMode: 'ONE_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      options: { backfill: { mode: 'IMPORT' } },
    });
    // The create started it.
    const bf = s.t.temporal.client.workflow.getHandle<typeof backfillWorkflow>(backfillWorkflowId(bfSci.tenantId, bfSci.id));
    const waiting = await s.eventually(() => bf.query(backfillProgressQuery), (p) => p.phase === 'paused-budget');
    expect(waiting.lastError).toMatch(/^Paused: Zoho API budget/);
    expect(waiting.resumesAt).not.toBeNull();
    expect(waiting.done).toBe(0);

    // A day later the credits have come back: the next run syncs, and the waiting record arrives.
    skew += 25 * HOUR;
    expect((await budget.status(s.tenant.id)).paused).toBe(false);
    st = await s.syncNow(sci);
    expect(st.lastRun?.outcome).toBe('ok');
    expect(st.pendingEvents).toBe(0);
    // The backfill looks again (here at once, instead of at its timer) and finishes.
    await bf.signal(retryBackfillSignal);
    const done = await bf.result();
    expect(done.phase).toBe('succeeded');
    expect(done.created).toBeGreaterThan(0);
    expect(await s.t.db.prisma.recordLink.count({ where: { sciId: sci.id, zohoRecordId: row!.ok ? row!.id : '' } })).toBe(1);
  }, 180_000);

  it("pauses on Zoho's X-API-CREDITS-REMAINING even when our own count is below the line", async () => {
    skew += 25 * HOUR; // our own count starts from nothing
    const sim = s.t.zoho!.sim;
    sim.traffic.resetCredits();
    sim.traffic.creditsPerDay = 8; // Zoho sends the header once half are used, i.e. at 4 remaining
    const sci = await s.createSci({
      name: `budget-header-${randomUUID().slice(0, 6)}`,
      syncMode: 'ONE_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
    });
    let st = await s.status(sci);
    for (let i = 0; i < 10 && st.lastRun?.outcome !== 'failed'; i++) st = await s.syncNow(sci);
    expect(st.lastError).toMatch(/^Paused: Zoho API budget/);
    const status = await budget.status(s.tenant.id);
    expect(status.reportedRemaining).not.toBeNull();
    expect(status.reportedRemaining!).toBeLessThanOrEqual(4);
    // Zoho's word (12 − remaining ≥ 6), not our own count, put it over the line.
    const ours = (await s.t.db.prisma.apiBudgetCounter.findMany({ where: { tenantId: s.tenant.id, windowStart: { gte: new Date(Date.now() + skew - 2 * HOUR) } } })).reduce((n, r) => n + r.used, 0);
    expect(ours).toBeLessThan(6);
    expect(status.paused).toBe(true);
    sim.traffic.creditsPerDay = 100_000;
  }, 120_000);
});
