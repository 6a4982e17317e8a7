// The SCI workflow on the real Temporal dev server, with activities built by the real factory over an
// in-memory SciSync that records what it was asked to do.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type SciSync } from '../activities';
import type { ApplyEventsInput, PollInput } from '../activities/types';
import { createSciWorker } from '../worker/create-worker';
import { addFixture } from '../test/support/history-fixtures';
import { connectTestTemporal, type TestTemporal } from '../test/support/temporal';
import { sciWorkflowId } from './ids';
import { jiraEventSignal, jiraEventsSignal, pauseSignal, resumeSignal, statusQuery, syncNowSignal, type SciStatus } from './messages';
import type { JiraEventSignal } from './messages';
import { sciWorkflow } from './sci-workflow';

class RecordingSync implements SciSync {
  polls: PollInput[] = [];
  applied: ApplyEventsInput[] = [];
  pollZohoChanges(input: PollInput) {
    this.polls.push(input);
    const n = this.polls.length;
    return Promise.resolve({ cursor: `cursor-${n}`, recordsSeen: 1, changed: 1, created: 0, skipped: 0, errors: [] });
  }
  applyPendingEvents(input: ApplyEventsInput) {
    this.applied.push(input);
    return Promise.resolve({ recordsSeen: input.events.length, changed: input.events.length, created: 0, skipped: 0, errors: [] });
  }
}

let t: TestTemporal;
let worker: Worker;
let running: Promise<void>;
const sync = new RecordingSync();

beforeAll(async () => {
  t = await connectTestTemporal('sci-wf');
  worker = await createSciWorker({
    connection: t.nativeConnection,
    dataConverter: t.dataConverter,
    namespace: 'default',
    taskQueue: t.taskQueue,
    activities: createActivities({ sync }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker.shutdown();
  await running;
  await t.close();
});

/**
 * With RECORD_HISTORIES=1 (`npm run fixtures:record`), adds a finished workflow's history to the current
 * release's replay fixtures (workflows/replay.test.ts); a fixture recorded already is kept as it is.
 */
async function maybeRecord(handle: WorkflowHandle, name: string, scenario: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  await addFixture({ workflowType: 'sciWorkflow', name, workflowId: handle.workflowId, scenario, history });
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('sciWorkflow on the Temporal dev server', () => {
  it('syncs at start, answers status, wakes on syncNow and on Jira events, pauses and resumes', async () => {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const workflowId = sciWorkflowId(tenantId, 'sci-1');
    expect(workflowId).toBe(`sci:${tenantId}:sci-1`);
    const handle = await t.client.workflow.start(sciWorkflow, {
      taskQueue: t.taskQueue,
      workflowId,
      args: [{ tenantId, sciId: 'sci-1', pollIntervalMs: 3_600_000 }],
    });
    const status = (): Promise<SciStatus> => handle.query(statusQuery);

    const first = await eventually(status, (s) => s.runs === 1);
    expect(first.cursor).toBe('cursor-1');
    expect(first.lastRun?.outcome).toBe('ok');

    await handle.signal(syncNowSignal);
    const second = await eventually(status, (s) => s.runs === 2);
    expect(second.lastRun?.kind).toBe('manual');
    // The cursor handed to the poll is the one the previous poll returned.
    expect(sync.polls.filter((p) => p.tenantId === tenantId).map((p) => p.cursor)).toEqual([null, 'cursor-1']);

    const event = { eventId: 'ev-1', kind: 'issue_updated' as const, issueId: '10001', occurredAt: '2026-11-28T10:00:00Z' };
    await handle.signal(jiraEventSignal, event);
    await handle.signal(jiraEventSignal, event); // a redelivery while queued is absorbed
    const third = await eventually(status, (s) => s.runs === 3);
    expect(third.lastRun?.kind).toBe('event');
    const mine = sync.applied.filter((a) => a.tenantId === tenantId);
    expect(mine.flatMap((a) => a.events)).toHaveLength(1);

    await handle.signal(pauseSignal);
    await eventually(status, (s) => s.state === 'paused');
    await handle.signal(syncNowSignal);
    await new Promise((r) => setTimeout(r, 500));
    expect((await status()).runs).toBe(3);
    await handle.signal(resumeSignal);
    await eventually(status, (s) => s.runs === 4 && s.state === 'waiting');
    await handle.terminate('test done');
    await maybeRecord(handle, 'signals-pause-resume', 'SCI run: start, status query, syncNow and Jira event signals, pause and resume; fake activities');
  });

  it('takes several Jira events in one signal (the API batches them), each once', async () => {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const handle = await t.client.workflow.start(sciWorkflow, {
      taskQueue: t.taskQueue,
      workflowId: sciWorkflowId(tenantId, 'sci-batch'),
      args: [{ tenantId, sciId: 'sci-batch', pollIntervalMs: 3_600_000 }],
    });
    await eventually(() => handle.query(statusQuery), (s) => s.runs === 1);
    await handle.signal(pauseSignal); // hold the queue so both signals land before a run drains it
    const ev = (n: number) => ({ eventId: `ev-${n}`, kind: 'issue_updated' as const, issueId: `1000${n}`, occurredAt: '2026-12-01T10:00:00Z' });
    await handle.signal(jiraEventsSignal, [ev(1), ev(2), ev(3)]);
    await handle.signal(jiraEventsSignal, [ev(3), ev(4)]); // ev-3 redelivered while queued
    expect((await handle.query(statusQuery)).pendingEvents).toBe(4);
    await handle.signal(resumeSignal);
    await eventually(() => handle.query(statusQuery), (s) => s.runs === 2 && s.pendingEvents === 0);
    const ids = sync.applied.filter((a) => a.tenantId === tenantId).flatMap((a) => a.events.map((e) => (e.source === 'jira' ? e.event.eventId : '')));
    expect(ids).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4']);
    await handle.terminate('test done');
  });

  it('continues as new under a low history limit, keeping cursor and queued events', async () => {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const handle = await t.client.workflow.start(sciWorkflow, {
      taskQueue: t.taskQueue,
      workflowId: sciWorkflowId(tenantId, 'sci-can'),
      args: [{ tenantId, sciId: 'sci-can', pollIntervalMs: 3_600_000, maxHistoryEvents: 40 }],
    });
    const firstRunId = handle.firstExecutionRunId;
    for (let i = 0; i < 8; i++) {
      await handle.signal(syncNowSignal);
      await new Promise((r) => setTimeout(r, 150));
    }
    const s = await eventually(() => handle.query(statusQuery), (st) => st.generation >= 1);
    const description = await t.client.workflow.getHandle(handle.workflowId).describe();
    expect(description.runId).not.toBe(firstRunId);
    expect(s.cursor).toMatch(/^cursor-/);
    expect(s.runs).toBeGreaterThanOrEqual(3);
    await t.client.workflow.getHandle(handle.workflowId).terminate('test done');
    await maybeRecord(
      t.client.workflow.getHandle(handle.workflowId, firstRunId),
      'continue-as-new-first-run',
      'SCI run that continued as new after a history limit (first run of the chain); fake activities',
    );
  });

  it('carries queued events and the paused state across continue-as-new', async () => {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const handle = await t.client.workflow.start(sciWorkflow, {
      taskQueue: t.taskQueue,
      workflowId: sciWorkflowId(tenantId, 'sci-queue'),
      args: [{ tenantId, sciId: 'sci-queue', pollIntervalMs: 3_600_000, maxHistoryEvents: 40 }],
    });
    await eventually(() => handle.query(statusQuery), (st) => st.runs === 1);
    await handle.signal(pauseSignal);
    const events: JiraEventSignal[] = Array.from({ length: 25 }, (_, i) => ({
      eventId: `queued-${i}`,
      kind: 'issue_updated',
      issueId: String(20000 + i),
      occurredAt: '2026-11-28T10:00:00Z',
    }));
    for (const e of events) await handle.signal(jiraEventSignal, e);
    const carried = await eventually(() => handle.query(statusQuery), (st) => st.generation >= 1 && st.pendingEvents === 25);
    expect(carried.state).toBe('paused');
    expect(carried.cursor).toMatch(/^cursor-/);
    await handle.signal(resumeSignal);
    await eventually(() => handle.query(statusQuery), (st) => st.pendingEvents === 0 && st.state === 'waiting');
    const applied = sync.applied.filter((a) => a.tenantId === tenantId).flatMap((a) => a.events.map((e) => (e.source === 'jira' ? e.event.eventId : '')));
    expect(applied.sort()).toEqual(events.map((e) => e.eventId).sort());
    await t.client.workflow.getHandle(handle.workflowId).terminate('test done');
    await maybeRecord(
      t.client.workflow.getHandle(handle.workflowId),
      'paused-queue-after-continue-as-new',
      'SCI run started by continue-as-new with queued Jira events and the paused state carried over; fake activities',
    );
  });
});
