// Pieces of the cluster fault tests: the topology started in a temp directory on a free block of ports, the
// product set up as an admin would (App OAuth 2.0 and an SCI through the API behind haproxy), and reads of
// Temporal's raw workflow description (no payload decoding, so it works whatever the payload codec).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { SciBodyInput } from '../../contracts/scis';
import { openDatabase, type Database } from '../../prisma/database';
import { SANDBOX_HUMAN } from '../../sandbox/jira';
import { clusterPorts, freePortBase, startCluster, type Cluster, type ClusterOptions } from '../../scripts/cluster/topology';
import type { SmartConnectedItem } from '../../prisma/generated/client';
import { checkLanded, simEditDeal, simInsertDeals, type LandedCheck } from '../faults/support';
import type { SyncStack } from '../support/sync-stack';
import { httpAdminApi, type AdminApi } from '../support/admin-api';
import { connectAppOAuth as connectThroughApi, createSciThroughApi } from '../support/sci-stack';

export interface TestCluster {
  c: Cluster;
  db: Database;
  temporal: Connection;
  /** A call to the API through haproxy as the sandbox site's Jira admin would make it from the admin page. */
  api: AdminApi;
  close(): Promise<void>;
}

export async function startTestCluster(opts: Partial<ClusterOptions> = {}): Promise<TestCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cluster-test-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as the `postgres` user, who must reach its data directory below
  const log = (line: string) => console.log(`[cluster] ${line}`);
  let c: Cluster;
  try {
    c = await startCluster({
      dir,
      ports: clusterPorts(await freePortBase()),
      ui: false,
      hostPage: false,
      forgeRetryDelayMs: 1000,
      log,
      ...opts,
      env: { LOG_LEVEL: 'warn', SCI_POLL_INTERVAL: '2s', ...opts.env },
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const db = await openDatabase({ databaseUrl: c.databaseUrl, dataDir: dir });
  const temporal = await Connection.connect({ address: c.temporalAddress });
  const jira = c.sandbox.jira;
  return {
    c,
    db,
    temporal,
    api: httpAdminApi(c.apiUrl, async () => ({
      authorization: `Bearer ${await jira.signFit({ principal: SANDBOX_HUMAN.accountId })}`,
      'x-forge-oauth-system': jira.systemToken,
    })),
    async close() {
      await temporal.close().catch(() => undefined);
      await db.close().catch(() => undefined);
      await c.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** App OAuth 2.0 as the admin page does it (the shared stack core's), through haproxy. */
export async function connectAppOAuth(t: TestCluster): Promise<void> {
  await connectThroughApi(t.api, t.c.sandbox.zoho);
}

/** Creates an SCI through the API (which starts its workflow) and returns its row. */
export async function createSci(t: TestCluster, body: SciBodyInput): Promise<SmartConnectedItem> {
  return createSciThroughApi(t.api, t.db.prisma, body);
}

/** Temporal's own description of a workflow: run id, status and the worker identity of each pending activity. */
export async function describe(t: TestCluster, workflowId: string) {
  const d = await t.temporal.workflowService.describeWorkflowExecution({ namespace: t.c.namespace, execution: { workflowId } });
  return {
    runId: d.workflowExecutionInfo?.execution?.runId ?? undefined,
    firstRunId: d.workflowExecutionInfo?.firstRunId ?? undefined,
    /** 1 = RUNNING */
    status: d.workflowExecutionInfo?.status ?? undefined,
    activityWorkers: (d.pendingActivities ?? []).map((a) => a.lastWorkerIdentity ?? ''),
  };
}

/** The landed check of the fault suite, over the cluster's Jira simulator. */
export function landed(t: TestCluster, sci: SmartConnectedItem, expected: Map<string, { field: string; value: unknown }>): LandedCheck {
  return checkLanded(asStack(t), sci, expected);
}

export async function eventually<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await fn();
      if (ok(v)) return v;
      last = JSON.stringify(v, (_k, val: unknown) => (val instanceof Map ? (Object.fromEntries(val) as unknown) : val))?.slice(0, 1500) ?? 'undefined';
    } catch (err) {
      last = `error: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not met in ${timeoutMs} ms; last: ${last}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The fault suite's stack shape over the cluster's simulators: its helpers read only `t.jira` and `t.zoho`. */
function asStack(t: TestCluster): SyncStack {
  return { t: { jira: t.c.sandbox.jira, zoho: t.c.sandbox.zoho } } as unknown as SyncStack;
}

/** A person's Deal inserts and edits through the Zoho simulator's control surface (no fault injection there). */
export const insertDeals = (t: TestCluster, rows: Record<string, unknown>[]) => simInsertDeals(asStack(t), rows);
export const editDeal = (t: TestCluster, id: string, values: Record<string, unknown>) => simEditDeal(asStack(t), id, values);
