// R2 / F12: the Temporal server (dev server with its persistent SQLite store) restarts while an SCI workflow
// waits in its loop. After the restart the same workflow continues where it was: same run, cursor kept, and
// it answers signals again — the worker reconnects by itself.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { createActivities, type SciSync } from '../activities';
import { startDevServer, type DevServer } from '../scripts/temporal/dev-server';
import { provisionTemporalCli } from '../scripts/temporal/provision';
import { freePort } from '../test/support/ports';
import { testDataConverter } from '../test/support/temporal';
import { createSciWorker } from '../worker/create-worker';
import { sciWorkflowId } from './ids';
import { statusQuery, syncNowSignal } from './messages';
import { sciWorkflow } from './sci-workflow';

const sync: SciSync = {
  pollZohoChanges: (input) => Promise.resolve({ cursor: `${input.cursor ?? 'c'}+`, recordsSeen: 0, changed: 0, created: 0, skipped: 0, errors: [] }),
  applyPendingEvents: () => Promise.resolve({ recordsSeen: 0, changed: 0, created: 0, skipped: 0, errors: [] }),
};

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (ok(v)) return v;
    } catch {
      // the server is still coming back
    }
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('Temporal server restart', () => {
  it('the SCI workflow resumes where it was', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'temporal-restart-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const cli = await provisionTemporalCli();
    const port = await freePort();
    const dbFile = path.join(dir, 'dev.db');
    let server: DevServer = await startDevServer({ cli, port, dbFile });
    cleanups.push(() => server.stop());

    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const worker = await createSciWorker({ connection: nativeConnection, dataConverter: testDataConverter, namespace: 'default', taskQueue: 'restart', activities: createActivities({ sync }) });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
      await nativeConnection.close();
    });

    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, dataConverter: testDataConverter });
    const workflowId = sciWorkflowId('tenant-r', 'sci-r');
    const handle = await client.workflow.start(sciWorkflow, {
      taskQueue: 'restart',
      workflowId,
      args: [{ tenantId: 'tenant-r', sciId: 'sci-r', pollIntervalMs: 3_600_000 }],
    });
    const before = await eventually(() => handle.query(statusQuery), (s) => s.runs === 1);
    expect(before.cursor).toBe('c+');

    await server.stop();
    server = await startDevServer({ cli, port, dbFile });

    await eventually(() => handle.signal(syncNowSignal).then(() => true), (ok) => ok);
    const after = await eventually(() => handle.query(statusQuery), (s) => s.runs === 2);
    expect(after.cursor).toBe('c++');
    const description = await handle.describe();
    expect(description.runId).toBe(handle.firstExecutionRunId);
    expect(description.status.name).toBe('RUNNING');
    await handle.terminate('test done');
  }, 180_000);
});
