// R2, extended to event intake (P6), short version: Forge-shaped Jira events reach the API's event route
// in a steady stream while the Temporal server (a dev server of this file's own, persistent SQLite store) is
// stopped and later started again. Every delivery is acknowledged while Temporal is down (the route only
// writes the outbox), and once the server is back the intake dispatcher delivers every event to the SCI
// workflow: each applied exactly once, none lost, none twice, the outbox empty. Temporal may hand an event to
// the activity again (an attempt finished while the server was down is run again); the applied-events record
// the engine keeps makes that second arrival a no-op, and the report counts such arrivals.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type SciSync } from '../../activities';
import { AppliedEvents } from '../../activities/sync/applied-events';
import { SciEventStore } from '../../activities/sync/event-store';
import type { ApplyEventsInput, PollInput } from '../../activities/types';
import { createTestApp, type TestApp } from '../../api/test/helper';
import { IntakeDispatcher } from '../../api/services/intake-dispatcher';
import { intakeBacklog } from '../../api/services/intake-outbox';
import { SciWorkflows } from '../../api/services/sci-workflows';
import type { SmartConnectedItem } from '../../prisma/generated/client';
import { startDevServer, type DevServer } from '../../scripts/temporal/dev-server';
import { provisionTemporalCli, type TemporalCli } from '../../scripts/temporal/provision';
import { workflowBundle } from '../../worker/create-worker';
import { freePort } from '../support/ports';
import { report, sleep } from './support';

/**
 * Records what reaches the sync activity. Temporal runs an activity at least once and the intake delivers at
 * least once, so the same event can reach the activity twice (an attempt whose completion was lost when the
 * server stopped runs again); the engine applies it once because it records applied events (AppliedEvents),
 * and so does this stand-in, with the same store. `applied` is what took effect, `received` every arrival.
 */
class RecordingSync implements SciSync {
  received: string[] = [];
  applied: { sciId: string; eventId: string }[] = [];
  constructor(private readonly seen: AppliedEvents) {}
  pollZohoChanges(input: PollInput) {
    return Promise.resolve({
      cursor: input.cursor ?? 'c0',
      recordsSeen: 0,
      changed: 0,
      created: 0,
      skipped: 0,
      errors: [],
    });
  }
  async applyPendingEvents(input: ApplyEventsInput) {
    for (const e of input.events) {
      if (e.source !== 'jira') continue;
      this.received.push(e.event.eventId);
      const key = AppliedEvents.key(input.sciId, e.event.eventId);
      if (await this.seen.has(input.tenantId, key)) continue;
      this.applied.push({ sciId: input.sciId, eventId: e.event.eventId });
      await this.seen.mark(input.tenantId, key);
    }
    return { recordsSeen: input.events.length, changed: 0, created: 0, skipped: 0, errors: [] };
  }
  /** Event ids applied, one entry per time applied. */
  appliedIds(sciId: string): string[] {
    return this.applied.filter((a) => a.sciId === sciId).map((a) => a.eventId);
  }
}

const TASK_QUEUE = `r2-intake-${randomUUID()}`;
let sync: RecordingSync;
let t: TestApp;
let dir: string;
let cli: TemporalCli;
let port: number;
let server: DevServer | undefined;
let connection: Connection | undefined;
let native: NativeConnection | undefined;
let worker: Worker | undefined;
let running: Promise<void> | undefined;
let dispatcher: IntakeDispatcher | undefined;
let sci: SmartConnectedItem;

const startServer = async () =>
  (server = await startDevServer({ cli, port, dbFile: path.join(dir, 'temporal.db'), startTimeoutMs: 120_000 }));

beforeAll(async () => {
  t = await createTestApp();
  sync = new RecordingSync(new AppliedEvents(t.db.prisma));
  // The app's own dispatcher delivers to the suite's shared server; this file's events go to its own.
  await t.deps.intake?.stop();
  dir = await mkdtemp(path.join(tmpdir(), 'r2-intake-'));
  cli = await provisionTemporalCli();
  port = await freePort();
  await startServer();
  const address = `127.0.0.1:${port}`;
  connection = await Connection.connect({ address });
  native = await NativeConnection.connect({ address });
  worker = await Worker.create({
    connection: native,
    namespace: 'default',
    taskQueue: TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    // The real queue store: a backlog past the workflow's queue cap overflows into the database, as in production.
    activities: createActivities({ sync, queue: new SciEventStore(t.db.prisma) }),
  });
  running = worker.run();
  const workflows = new SciWorkflows(new Client({ connection, namespace: 'default' }), {
    taskQueue: TASK_QUEUE,
    namespace: 'default',
    pollIntervalMs: 3_600_000,
  });
  dispatcher = new IntakeDispatcher(t.db.prisma, workflows, { maxBackoffMs: 2000, callTimeoutMs: 5000 });
  dispatcher.start();
  const tenant = await t.tenant();
  sci = await t.db.prisma.smartConnectedItem.create({
    data: {
      tenantId: tenant.id,
      name: 'R2 intake',
      syncMode: 'TWO_WAY',
      jiraProjectId: '10000',
      jiraProjectKey: 'DEMO',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
    },
  });
}, 240_000);

afterAll(async () => {
  await dispatcher?.stop();
  worker?.shutdown();
  await running?.catch(() => undefined);
  await native?.close().catch(() => undefined);
  await connection?.close().catch(() => undefined);
  await server?.stop();
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('R2 (intake): Temporal stopped under event load, then started', () => {
  it('acknowledges every event while Temporal is down and applies each exactly once after it is back', async () => {
    const headers = await t.headers();
    const sent: string[] = [];
    const answers: { status: number; ms: number; down: boolean }[] = [];
    let down = false;
    let n = 0;
    // Distinct issues (nothing coalesces), so every event id must be applied once.
    const deliverOne = async () => {
      n += 1;
      const issueId = String(700_000 + n);
      const changelogId = `r2i-${n}`;
      const t0 = performance.now();
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/events/jira',
        headers,
        payload: {
          payload: {
            eventType: 'avi:jira:updated:issue',
            atlassianId: 'person-1',
            issue: {
              id: issueId,
              key: `DEMO-${issueId}`,
              fields: { project: { id: '10000' }, issuetype: { id: '10001' }, updated: new Date().toISOString() },
            },
            changelog: { id: changelogId, items: [{ field: 'summary', fieldId: 'summary' }] },
          },
          context: { cloudId: t.jira.cloudId },
        },
      });
      answers.push({ status: res.statusCode, ms: performance.now() - t0, down });
      if (res.statusCode === 200) sent.push(`avi:jira:updated:issue:${issueId}:${changelogId}`);
    };
    let loading = true;
    const load = (async () => {
      while (loading) {
        await deliverOne();
        await sleep(10);
      }
    })();

    await sleep(1500);
    const stoppedAt = Date.now();
    down = true;
    await server!.stop();
    await sleep(8000);
    down = false;
    await startServer();
    const downMs = Date.now() - stoppedAt;
    await sleep(1500);
    loading = false;
    await load;

    const deadline = Date.now() + 120_000;
    while (new Set(sync.appliedIds(sci.id)).size < sent.length && Date.now() < deadline) await sleep(250);
    // Time for a second delivery of anything, had one been made.
    await sleep(3000);
    const applied = sync.appliedIds(sci.id);
    const counts = new Map<string, number>();
    for (const id of applied) counts.set(id, (counts.get(id) ?? 0) + 1);
    const lost = sent.filter((id) => !counts.has(id));
    const twice = [...counts].filter(([, c]) => c > 1).map(([id]) => id);
    const whileDown = answers.filter((a) => a.down);
    const backlog = await intakeBacklog(t.db.prisma);
    const stats = dispatcher!.stats();
    report('R2 intake: Temporal stopped under event load', {
      events: sent.length,
      acknowledgedWhileDown: whileDown.filter((a) => a.status === 200).length,
      temporalDownSeconds: Math.round(downMs / 100) / 10,
      non2xx: answers.filter((a) => a.status !== 200).length,
      lost: lost.length,
      appliedTwice: twice.length,
      arrivedAgain: sync.received.length - new Set(sync.received).size,
      backlogAfter: backlog.events,
      signalCalls: stats.signalCalls,
      failedCalls: stats.failedCalls,
    });
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(whileDown.length).toBeGreaterThan(50);
    expect(lost).toEqual([]);
    expect(twice).toEqual([]);
    expect(backlog.events).toBe(0);
    // The outage was met (failed calls) and waited out with backoff, not one call per event.
    expect(stats.failedCalls).toBeGreaterThan(0);
    expect(stats.signalCalls).toBeLessThan(sent.length);
  }, 300_000);
});
