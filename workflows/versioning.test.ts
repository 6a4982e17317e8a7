// Worker Versioning (R10) on the Temporal dev server: each workflow type declares its versioning behaviour,
// and a deploy behaves as docs/architecture.md says. Build A serves a Pinned maintenance run and an
// AutoUpgrade SCI; build B becomes the current version; the Pinned run finishes on A, a new run goes to B,
// and the SCI's next task runs on B.
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { decodeVersioningBehavior } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type PurgeResult, type SciSync } from '../activities';
import { describeDeployment, setCurrentVersion } from '../scripts/temporal/deployment';
import { connectTestTemporal, type TestTemporal } from '../test/support/temporal';
import { createSciWorker } from '../worker/create-worker';
import { backfillWorkflow, maintenanceWorkflow, sciWorkflow, zohoChannelsWorkflow } from './index';
import { statusQuery, syncNowSignal } from './messages';
import { WORKFLOW_VERSIONING } from './versioning';
import { WORKFLOW_TYPES } from './names';

const deploymentName = `r10-${randomUUID().slice(0, 8)}`;
let t: TestTemporal;
const workers: { worker: Worker; running: Promise<void> }[] = [];
/** Which build ran each activity call, in order. */
const ran: { build: string; activity: string; workflowId: string }[] = [];
let releasePurge: () => void = () => undefined;
const purgeGate = new Promise<void>((r) => (releasePurge = r));

function activitiesOf(build: string) {
  const sync: SciSync = {
    pollZohoChanges: () => {
      ran.push({ build, activity: 'poll', workflowId: Context.current().info.workflowExecution?.workflowId ?? '' });
      return Promise.resolve({ cursor: `cursor-${build}`, recordsSeen: 0, changed: 0, created: 0, skipped: 0, errors: [] });
    },
    applyPendingEvents: () => Promise.resolve({ recordsSeen: 0, changed: 0, created: 0, skipped: 0, errors: [] }),
  };
  return {
    ...createActivities({ sync }),
    'maintenance.purgeExpiredData': async (): Promise<PurgeResult> => {
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
      // A run's first round reports more work left, so a two-round run calls this twice.
      const first = !ran.some((r) => r.workflowId === workflowId);
      ran.push({ build, activity: 'purge', workflowId });
      if (build === 'A') await purgeGate;
      return { tenantsDeleted: 0, syncRunsDeleted: 0, processedEventsDeleted: 0, signInsDeleted: 0, writeIntentsDeleted: 0, more: first };
    },
  };
}

async function startWorker(build: string): Promise<void> {
  const worker = await createSciWorker({
    connection: t.nativeConnection,
    namespace: 'default',
    taskQueue: t.taskQueue,
    dataConverter: t.dataConverter,
    activities: activitiesOf(build),
    versioning: { deploymentName, buildId: build },
  });
  workers.push({ worker, running: worker.run() });
}

async function versionOf(workflowId: string): Promise<{ buildId: string | undefined; behavior: string | undefined }> {
  const d = await t.client.workflow.getHandle(workflowId).describe();
  const info = d.raw.workflowExecutionInfo?.versioningInfo;
  return { buildId: info?.deploymentVersion?.buildId ?? undefined, behavior: decodeVersioningBehavior(info?.behavior) };
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  t = await connectTestTemporal('versioning');
});

afterAll(async () => {
  releasePurge();
  for (const w of workers) w.worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await t?.close();
});

describe('Worker Versioning', () => {
  it('every workflow type declares its versioning behaviour', () => {
    expect(WORKFLOW_VERSIONING).toEqual({ sciWorkflow: 'AUTO_UPGRADE', zohoChannelsWorkflow: 'AUTO_UPGRADE', backfillWorkflow: 'PINNED', maintenanceWorkflow: 'PINNED' });
    const declared = (fn: unknown) => typeof (fn as { workflowDefinitionOptions?: unknown }).workflowDefinitionOptions;
    for (const fn of [sciWorkflow, zohoChannelsWorkflow, backfillWorkflow, maintenanceWorkflow]) expect(declared(fn), fn.name).toBe('function');
  });

  it('a Pinned run stays on its build after a new build becomes current; new runs and AutoUpgrade runs move', async () => {
    await startWorker('A');
    await setCurrentVersion(t.client, 'default', { deploymentName, buildId: 'A' }, 30_000);
    expect((await describeDeployment(t.client, 'default', deploymentName))?.currentBuildId).toBe('A');

    const pinnedId = `pinned-${randomUUID()}`;
    const pinned = await t.client.workflow.start(WORKFLOW_TYPES.maintenance, { taskQueue: t.taskQueue, workflowId: pinnedId, args: [{ maxRounds: 2 }] });
    const sciId = `sci:versioning:${randomUUID().slice(0, 8)}`;
    const sci = await t.client.workflow.start(sciWorkflow, { taskQueue: t.taskQueue, workflowId: sciId, args: [{ tenantId: 'versioning', sciId: 'sci-1', pollIntervalMs: 3_600_000 }] });
    await eventually(() => Promise.resolve(ran), (r) => r.some((x) => x.activity === 'purge' && x.build === 'A'));
    await eventually(() => sci.query(statusQuery), (s) => s.runs >= 1);
    expect(await versionOf(pinnedId)).toEqual({ buildId: 'A', behavior: 'PINNED' });
    expect(await versionOf(sciId)).toEqual({ buildId: 'A', behavior: 'AUTO_UPGRADE' });

    // Deploy: build B's workers start, then B becomes current while A's Pinned run is mid-activity.
    await startWorker('B');
    await setCurrentVersion(t.client, 'default', { deploymentName, buildId: 'B' }, 30_000);
    const state = await describeDeployment(t.client, 'default', deploymentName);
    expect(state?.currentBuildId).toBe('B');
    expect(state?.versions.map((v) => v.buildId).sort()).toEqual(['A', 'B']);

    // A new run starts on B.
    const fresh = await t.client.workflow.start(WORKFLOW_TYPES.maintenance, { taskQueue: t.taskQueue, workflowId: `fresh-${randomUUID()}`, args: [{ maxRounds: 1 }] });
    await fresh.result();
    expect(await versionOf(fresh.workflowId)).toMatchObject({ buildId: 'B' });

    // The Pinned run finishes on A: both of its rounds ran there.
    releasePurge();
    expect(await pinned.result()).toMatchObject({ rounds: 2 });
    expect(await versionOf(pinnedId)).toMatchObject({ buildId: 'A' });
    const buildsOf = (id: string) => ran.filter((r) => r.workflowId === id).map((r) => r.build);
    expect(buildsOf(pinnedId)).toEqual(['A', 'A']);
    expect(buildsOf(fresh.workflowId)).toEqual(['B']);

    // The AutoUpgrade SCI's next task runs on B.
    const pollsBefore = buildsOf(sciId).length;
    expect(buildsOf(sciId).every((b) => b === 'A')).toBe(true);
    await sci.signal(syncNowSignal);
    await eventually(() => Promise.resolve(buildsOf(sciId)), (p) => p.length > pollsBefore);
    expect(buildsOf(sciId).slice(pollsBefore).every((b) => b === 'B')).toBe(true);
    expect(await versionOf(sciId)).toMatchObject({ buildId: 'B' });
    await sci.terminate('test done');
  }, 120_000);
});
