// The SCI workflow's queue on the real Temporal dev server: outages waited out (never parked), poison events
// parked with their reason and retried, the queue coalesced and capped with the overflow stored outside the
// workflow, and the cursor reset as an update. The activities are the real factory over an in-memory sync
// and an in-memory queue store that follow the contracts of activities/types.ts.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../activities';
import type {
  ApplyEventsInput,
  ApplyOutcome,
  ApplyStoredInput,
  ParkEventsInput,
  PollInput,
  PollOutcome,
  ResetCursorInput,
  SciIds,
  SciQueue,
  SciSync,
  StoreEventsInput,
} from '../activities/types';
import { connectTestTemporal, type TestTemporal } from '../test/support/temporal';
import { createSciWorker } from '../worker/create-worker';
import { eventKey } from './event-queue';
import { sciWorkflowId } from './ids';
import { SCI_SYNC_MODE, SCI_ZOHO_MODULE } from './search-attributes';
import { configChangedSignal, jiraEventsSignal, pauseSignal, resumeSignal, resyncUpdate, retryParkedSignal, statusQuery, type JiraEventSignal, type PendingEvent, type SciStatus } from './messages';
import { sciWorkflow } from './sci-workflow';

/** Per SCI: what was applied, what fails, and whether the "vendor" is down. */
class ScriptedSync implements SciSync {
  applied = new Map<string, PendingEvent[]>();
  polls = new Map<string, PollInput[]>();
  down = new Set<string>();
  failedCalls = new Map<string, number>();
  poison = new Set<string>();
  queue: MemoryQueue | undefined;

  pollZohoChanges(input: PollInput): Promise<PollOutcome> {
    if (this.down.has(input.sciId)) return this.fail(input.sciId);
    this.polls.set(input.sciId, [...(this.polls.get(input.sciId) ?? []), input]);
    return Promise.resolve({ cursor: input.cursor ?? 'c0', recordsSeen: 0, changed: 0, created: 0, skipped: 0, errors: [] });
  }

  async applyPendingEvents(input: ApplyEventsInput): Promise<ApplyOutcome> {
    if (this.down.has(input.sciId)) return this.fail(input.sciId);
    const bad = input.events.find((e) => e.source === 'jira' && this.poison.has(e.event.issueId));
    if (bad) throw ApplicationFailure.create({ type: 'Jira.400', message: `issue ${bad.source === 'jira' ? bad.event.issueId : ''}: Field 'x' cannot be set`, nonRetryable: true });
    this.applied.set(input.sciId, [...(this.applied.get(input.sciId) ?? []), ...input.events]);
    return { recordsSeen: input.events.length, changed: input.events.length, created: 0, skipped: 0, errors: [], parkedTotal: await this.parkedOf(input) };
  }

  private parkedOf(ids: SciIds): Promise<number> {
    return Promise.resolve(this.queue?.rows(ids.sciId).filter((r) => r.parked).length ?? 0);
  }

  private fail(sciId: string): Promise<never> {
    this.failedCalls.set(sciId, (this.failedCalls.get(sciId) ?? 0) + 1);
    // What the HTTP chokepoint throws for a 503: retryable, so the activity's retry policy applies first.
    return Promise.reject(new Error('Zoho 503: service unavailable'));
  }

  appliedOf(sciId: string): PendingEvent[] {
    return this.applied.get(sciId) ?? [];
  }
}

type Row = { event: PendingEvent; parked: boolean; reason?: string };

class MemoryQueue implements SciQueue {
  private readonly byKey = new Map<string, Map<string, Row>>();
  resets: ResetCursorInput[] = [];
  maxStoredAtOnce = 0;

  rows(sciId: string) {
    return [...(this.byKey.get(sciId)?.values() ?? [])];
  }
  private of(sciId: string) {
    let m = this.byKey.get(sciId);
    if (!m) this.byKey.set(sciId, (m = new Map<string, Row>()));
    return m;
  }
  private counts(sciId: string) {
    const rows = this.rows(sciId);
    return { queued: rows.filter((r) => !r.parked).length, parked: rows.filter((r) => r.parked).length };
  }
  store_(input: StoreEventsInput | ParkEventsInput, parked: boolean) {
    const m = this.of(input.sciId);
    for (const e of input.events) m.set(eventKey(e), { event: e, parked, ...('reason' in input ? { reason: input.reason } : {}) });
    this.maxStoredAtOnce = Math.max(this.maxStoredAtOnce, m.size);
  }
  store(input: StoreEventsInput) {
    this.store_(input, false);
    return Promise.resolve(this.counts(input.sciId));
  }
  async applyStored(input: ApplyStoredInput, apply: SciSync['applyPendingEvents']) {
    const m = this.of(input.sciId);
    const batch = [...m.entries()].filter(([, r]) => !r.parked).slice(0, input.limit);
    const out = await apply({ tenantId: input.tenantId, sciId: input.sciId, events: batch.map(([, r]) => r.event) });
    for (const [k, r] of batch) if (m.get(k) === r) m.delete(k);
    const c = this.counts(input.sciId);
    return { ...out, parkedTotal: c.parked, remaining: c.queued };
  }
  park(input: ParkEventsInput) {
    this.store_(input, true);
    return Promise.resolve({ parkedTotal: this.counts(input.sciId).parked });
  }
  requeueParked(ids: SciIds) {
    let requeued = 0;
    for (const r of this.rows(ids.sciId)) {
      if (r.parked) {
        r.parked = false;
        requeued += 1;
      }
    }
    return Promise.resolve({ ...this.counts(ids.sciId), requeued });
  }
  resetCursor(input: ResetCursorInput) {
    this.resets.push(input);
    return Promise.resolve({ cursor: input.since });
  }
}

let t: TestTemporal;
let worker: Worker;
let running: Promise<void>;
const sync = new ScriptedSync();
const queue = new MemoryQueue();
sync.queue = queue;

beforeAll(async () => {
  t = await connectTestTemporal('sci-queue');
  worker = await createSciWorker({ connection: t.nativeConnection, dataConverter: t.dataConverter, namespace: 'default', taskQueue: t.taskQueue, activities: createActivities({ sync, queue }) });
  running = worker.run();
});

afterAll(async () => {
  worker.shutdown();
  await running;
  await t.close();
});

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ev = (issue: number, n = 0): JiraEventSignal => ({
  eventId: `e-${issue}-${n}`,
  kind: 'issue_updated',
  issueId: String(issue),
  occurredAt: new Date(Date.parse('2026-12-01T10:00:00Z') + n * 1000).toISOString(),
});

async function start(sciId: string, extra: Record<string, unknown> = {}) {
  const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
  const handle = await t.client.workflow.start(sciWorkflow, {
    taskQueue: t.taskQueue,
    workflowId: sciWorkflowId(tenantId, sciId),
    args: [{ tenantId, sciId, pollIntervalMs: 3_600_000, activityAttempts: 2, maxBackoffMs: 1000, ...extra }],
  });
  const status = (): Promise<SciStatus> => handle.query(statusQuery);
  await eventually(status, (s) => s.runs >= 1);
  return { handle, status };
}

describe('SCI workflow queue', () => {
  it('waits out an outage longer than the activity retry budget: nothing parked, every event applied once', async () => {
    const sciId = `outage-${randomUUID().slice(0, 6)}`;
    const { handle, status } = await start(sciId);
    sync.down.add(sciId);
    await handle.signal(jiraEventsSignal, [ev(1), ev(2), ev(3)]);
    // The activity's two attempts fail, then the workflow backs off and tries again, more than once.
    await eventually(status, (s) => (s.failedTries ?? 0) >= 2 && s.retryingAt !== null);
    expect((await status()).parkedEvents).toBe(0);
    expect((await status()).pendingEvents).toBe(3);
    sync.down.delete(sciId);
    const done = await eventually(status, (s) => s.pendingEvents === 0 && s.lastRun?.outcome === 'ok');
    expect(done.parkedEvents).toBe(0);
    expect(sync.appliedOf(sciId).map((e) => (e.source === 'jira' ? e.event.issueId : '')).sort()).toEqual(['1', '2', '3']);
    expect(sync.failedCalls.get(sciId)).toBeGreaterThanOrEqual(4);
    await handle.terminate('test done');
  });

  it('parks only the poison event, with its reason, keeps it, and applies it once fixed and retried', async () => {
    const sciId = `poison-${randomUUID().slice(0, 6)}`;
    const { handle, status } = await start(sciId);
    sync.poison.add('66');
    await handle.signal(jiraEventsSignal, [ev(65), ev(66), ev(67)]);
    const s = await eventually(status, (st) => st.parkedEvents === 1 && st.pendingEvents === 0);
    expect(s.lastRun?.outcome).toBe('ok');
    expect(sync.appliedOf(sciId).map((e) => (e.source === 'jira' ? e.event.issueId : ''))).toEqual(['65', '67']);
    const parked = queue.rows(sciId).filter((r) => r.parked);
    expect(parked).toHaveLength(1);
    expect(parked[0]!.reason).toContain("Field 'x' cannot be set");
    // The admin fixes the mapping and retries: the event is applied, nothing stays parked.
    sync.poison.delete('66');
    await handle.signal(retryParkedSignal);
    await eventually(status, (st) => st.parkedEvents === 0 && st.pendingEvents === 0);
    expect(sync.appliedOf(sciId).map((e) => (e.source === 'jira' ? e.event.issueId : ''))).toEqual(['65', '67', '66']);
    await handle.terminate('test done');
  });

  it('retries parked events on its own timer', async () => {
    const sciId = `timer-${randomUUID().slice(0, 6)}`;
    const { handle, status } = await start(sciId, { parkedRetryMs: 1500 });
    sync.poison.add('88');
    await handle.signal(jiraEventsSignal, [ev(88)]);
    await eventually(status, (st) => st.parkedEvents === 1);
    sync.poison.delete('88');
    await eventually(status, (st) => st.parkedEvents === 0 && st.pendingEvents === 0, 15_000);
    expect(sync.appliedOf(sciId).map((e) => (e.source === 'jira' ? e.event.issueId : ''))).toEqual(['88']);
    await handle.terminate('test done');
  });

  it('coalesces per issue and stores what exceeds the cap outside the workflow while paused; all applied after resume', async () => {
    const sciId = `cap-${randomUUID().slice(0, 6)}`;
    const { handle, status } = await start(sciId, { queueCap: 20 });
    await handle.signal(pauseSignal);
    await eventually(status, (s) => s.state === 'paused');
    // 60 issues, each updated 5 times: 300 events, 60 distinct things to apply.
    for (let round = 0; round < 5; round++) {
      await handle.signal(jiraEventsSignal, Array.from({ length: 60 }, (_, i) => ev(1000 + i, round)));
    }
    // pendingEvents counts the overflow from the moment it leaves the queue, before the store activity has
    // written it: wait for the store too.
    const held = await eventually(status, (s) => s.pendingEvents === 60 && queue.rows(sciId).length >= 40);
    expect(held.state).toBe('paused');
    expect(queue.rows(sciId).length).toBe(40); // 20 in workflow state, 40 in the store
    const described = await handle.describe();
    expect(described.historyLength).toBeLessThan(200);
    await handle.signal(resumeSignal);
    await eventually(status, (s) => s.pendingEvents === 0 && s.state === 'waiting');
    const applied = sync.appliedOf(sciId).map((e) => (e.source === 'jira' ? e.event : undefined)!);
    // Each issue applied once, with its latest event.
    expect(applied).toHaveLength(60);
    expect(new Set(applied.map((e) => e.issueId)).size).toBe(60);
    expect(applied.every((e) => e.eventId.endsWith('-4'))).toBe(true);
    await handle.terminate('test done');
  });

  it('resets the cursor with an update inside the running workflow', async () => {
    const sciId = `resync-${randomUUID().slice(0, 6)}`;
    const { handle } = await start(sciId);
    const runId = (await handle.describe()).runId;
    const result = await handle.executeUpdate(resyncUpdate, { args: [{ since: '2026-01-01T00:00:00.000Z' }] });
    expect(result.cursor).toBe('2026-01-01T00:00:00.000Z');
    expect(queue.resets.filter((r) => r.sciId === sciId)).toHaveLength(1);
    await eventually(
      () => Promise.resolve(sync.polls.get(sciId) ?? []),
      (polls) => polls.some((p) => p.cursor === '2026-01-01T00:00:00.000Z'),
    );
    expect((await handle.describe()).runId).toBe(runId);
    await expect(handle.executeUpdate(resyncUpdate, { args: [{ since: 'yesterday' }] })).rejects.toThrow();
    await handle.terminate('test done');
  });

  it('follows a configuration change in its search attributes and current details', async () => {
    const sciId = `label-${randomUUID().slice(0, 6)}`;
    const { handle } = await start(sciId, { label: { name: 'Deals', zohoModule: 'Deals', syncMode: 'ONE_WAY' } });
    await handle.signal(configChangedSignal, { name: 'Deals both ways', zohoModule: 'Deals', syncMode: 'TWO_WAY' });
    const described = await eventually(
      () => handle.describe(),
      (d) => d.typedSearchAttributes.get(SCI_SYNC_MODE) === 'TWO_WAY',
    );
    expect(described.typedSearchAttributes.get(SCI_ZOHO_MODULE)).toBe('Deals');
    // The Temporal UI shows the current details from the built-in metadata query.
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toBe('SCI "Deals both ways": Zoho Deals ↔ Jira (TWO_WAY)');
    await handle.terminate('test done');
  });

  it('a start for a paused SCI starts paused', async () => {
    const tenantId = `tenant-${randomUUID().slice(0, 8)}`;
    const sciId = `paused-${randomUUID().slice(0, 6)}`;
    const handle = await t.client.workflow.signalWithStart(sciWorkflow, {
      taskQueue: t.taskQueue,
      workflowId: sciWorkflowId(tenantId, sciId),
      args: [{ tenantId, sciId, pollIntervalMs: 3_600_000, paused: true }],
      signal: jiraEventsSignal,
      signalArgs: [[ev(5)]],
    });
    await new Promise((r) => setTimeout(r, 800));
    const s = await handle.query(statusQuery);
    expect(s.state).toBe('paused');
    expect(s.pendingEvents).toBe(1);
    expect(sync.appliedOf(sciId)).toHaveLength(0);
    await handle.terminate('test done');
  });
});
