// R2: the Temporal server (a dev server of this file's own, with its persistent SQLite store) is restarted
// twice during a burst of CRM changes. The SCI workflow resumes where it was (same run), the worker process
// reconnects by itself, and every record lands on exactly one issue with its final values.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomInt, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sciDefinitionSchema } from '../../lib/sci/definition';
import { startDevServer, type DevServer } from '../../scripts/temporal/dev-server';
import { provisionTemporalCli, type TemporalCli } from '../../scripts/temporal/provision';
import { statusQuery } from '../../workflows/messages';
import { sciWorkflow } from '../../workflows/sci-workflow';
import { freePort } from '../support/ports';
import { startSyncStack, type SyncStack } from '../support/sync-stack';
import { testDataConverter } from '../support/temporal';
import { checkLanded, DEAL_SCI, ExchangeTally, killHard, report, simEditDeal, simInsertDeals, sleep, spawnWorker, workerEnv, type WorkerProcess } from './support';

const jiraTally = new ExchangeTally();
let s: SyncStack;
let dir: string;
let cli: TemporalCli;
let port: number;
let server: DevServer | undefined;
let connection: Connection | undefined;
let worker: WorkerProcess | undefined;
const TASK_QUEUE = `r2-${randomUUID()}`;

const startServer = async () => (server = await startDevServer({ cli, port, dbFile: path.join(dir, 'temporal.db'), startTimeoutMs: 120_000 }));

beforeAll(async () => {
  // The database, simulators and connected tenant of the usual stack; Temporal is this file's own server.
  s = await startSyncStack({ inProcessWorker: false, app: { jira: { onExchange: jiraTally.hook } } });
  dir = await mkdtemp(path.join(tmpdir(), 'r2-temporal-'));
  cli = await provisionTemporalCli();
  port = await freePort();
  await startServer();
}, 240_000);

afterAll(async () => {
  await killHard(worker?.child);
  await connection?.close().catch(() => undefined);
  await server?.stop();
  await s?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('R2: Temporal server restarted during a sync burst', () => {
  it('the workflow resumes in the same run and nothing is lost or duplicated', async () => {
    const address = `127.0.0.1:${port}`;
    worker = spawnWorker(workerEnv(s, { TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: TASK_QUEUE }));
    await worker.ready;
    connection = await Connection.connect({ address });
    const client = new Client({ connection, dataConverter: testDataConverter });

    const def = sciDefinitionSchema.parse({ name: `r2-${randomUUID().slice(0, 6)}`, ...DEAL_SCI });
    const sci = await s.t.db.prisma.smartConnectedItem.create({
      data: {
        tenantId: s.tenant.id,
        name: def.name,
        syncMode: def.syncMode,
        jiraProjectId: def.jiraProjectId,
        jiraProjectKey: 'DEMO',
        jiraIssueTypeId: def.jiraIssueTypeId,
        zohoModule: def.zohoModule,
        fieldMappings: def.fieldMappings,
        options: def.options,
        createdAt: new Date(Date.now() - 1000),
      },
    });
    const workflowId = s.t.deps.workflows.workflowId(sci);
    const handle = await client.workflow.start(sciWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [{ tenantId: s.tenant.id, sciId: sci.id, pollIntervalMs: 1000, heartbeatTimeoutMs: 10_000 }],
    });
    const status = () => handle.query(statusQuery);
    await s.eventually(status, (st) => st.runs >= 1, 120_000);

    const expected = new Map<string, { field: string; value: unknown }>();
    const restarts: { atMs: number; downMs: number }[] = [];
    const restart = async (atMs: number) => {
      const t0 = Date.now();
      await server!.stop();
      await startServer();
      restarts.push({ atMs, downMs: Date.now() - t0 });
    };

    // Burst: three waves of new deals, each edited twice; the server goes down at a random moment of the
    // first and the last wave.
    for (let w = 0; w < 3; w++) {
      const restartAt = w !== 1 ? randomInt(200, 2500) : undefined;
      const restarting = restartAt !== undefined ? sleep(restartAt).then(() => restart(restartAt)) : undefined;
      const ids = await simInsertDeals(s, Array.from({ length: 6 }, (_, i) => ({ Deal_Name: `R2 deal ${w}-${i} ${randomUUID().slice(0, 6)}`, Amount: 1 })));
      for (let e = 1; e <= 2; e++) {
        await sleep(1100);
        for (const id of ids) {
          await simEditDeal(s, id, { Amount: w * 1000 + e });
          expected.set(id, { field: 'customfield_10034', value: w * 1000 + e });
        }
      }
      await restarting;
    }

    const final = await s.eventually(async () => checkLanded(s, sci, expected), (c) => c.lost.length === 0 && c.stale.length === 0, 180_000);
    await sleep(3000);
    const after = checkLanded(s, sci, expected);
    const description = await handle.describe();
    report('R2 Temporal restart', {
      serverRestarts: restarts.length,
      restartAtMsIntoWave: restarts.map((r) => r.atMs),
      downSeconds: restarts.map((r) => Math.round(r.downMs / 100) / 10),
      records: expected.size,
      jiraIssueCreates: jiraTally.issueCreates,
      lost: after.lost.length,
      duplicated: after.duplicated.length,
      sameRun: description.runId === handle.firstExecutionRunId,
    });
    expect(restarts).toHaveLength(2);
    expect(final.lost).toEqual([]);
    expect(after.duplicated).toEqual([]);
    expect(after.stale).toEqual([]);
    expect(jiraTally.issueCreates).toBe(expected.size);
    expect(description.status.name).toBe('RUNNING');
    // Continue-as-new is the only legitimate new run; a short test never gets there.
    expect(description.runId).toBe(handle.firstExecutionRunId);
    await handle.terminate('test done');
  }, 480_000);
});
