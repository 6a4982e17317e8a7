// The worker's two metrics listeners, scraped over HTTP while a real SCI sync runs: this module's registry
// (sync runs by outcome, vendor calls by status, Zoho credits and budget use) and the Temporal SDK's own
// Prometheus exporter. Each named series exists and moves after a sync.
import { randomUUID } from 'node:crypto';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger';
import { sciDefinitionSchema } from '../lib/sci/definition';
import { simInsertDeals } from '../test/faults/support';
import { freePort } from '../test/support/ports';
import { startSyncStack, type SyncStack } from '../test/support/sync-stack';
import { installTemporalRuntimeMetrics, WorkerMetrics } from './metrics';
import { runWorker, type RunningWorker } from './run';

let s: SyncStack;
let running: RunningWorker;
let served: { url: string; close(): Promise<void> };
let sdkUrl: string;

beforeAll(async () => {
  // Before any native connection of this process (the sync stack's own runtime install then does nothing).
  const sdkPort = await freePort();
  installTemporalRuntimeMetrics('127.0.0.1', sdkPort, { logger: new DefaultLogger('WARN') });
  sdkUrl = `http://127.0.0.1:${sdkPort}/metrics`;
  s = await startSyncStack({ inProcessWorker: false });
  const metrics = new WorkerMetrics();
  served = await metrics.serve('127.0.0.1', 0);
  running = await runWorker({
    config: { ...s.t.config, TEMPORAL_TASK_QUEUE: s.t.temporal.taskQueue, TEMPORAL_NAMESPACE: 'default' },
    connection: s.t.temporal.nativeConnection,
    prisma: s.t.db.prisma,
    clients: s.t.deps.clients,
    cipher: s.t.deps.cipher,
    log: createLogger('silent'),
    dataConverter: s.t.temporal.dataConverter,
    metrics,
  });
}, 120_000);

afterAll(async () => {
  await running?.stop();
  await served?.close();
  await s?.close();
});

function sample(page: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of page.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

const scrape = async (url: string) => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.text();
};

describe('worker metrics', () => {
  it('count sync runs, vendor calls by status, credits and budget use, and the SDK exports its own; all move after a sync', async () => {
    const sci = await s.createSci(
      sciDefinitionSchema.parse({
        name: `metrics-${randomUUID().slice(0, 6)}`,
        syncMode: 'ONE_WAY',
        jiraProjectId: '10000',
        jiraIssueTypeId: '10001',
        zohoModule: 'Deals',
        fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary' }],
        options: { autoCreate: true },
      }),
    );
    const before = await scrape(served.url);
    const runs = sample(before, 'sci_sync_runs_total', { kind: 'manual', outcome: 'SUCCEEDED' }) ?? 0;
    const zoho200 = sample(before, 'vendor_calls_total', { vendor: 'zoho', status: '200' }) ?? 0;
    const jiraCalls = sample(before, 'vendor_calls_total', { vendor: 'jira' }) ?? 0;
    const credits = sample(before, 'zoho_api_credits_spent_total', { tenant: s.tenant.id }) ?? 0;

    await simInsertDeals(s, [{ Deal_Name: `Metrics deal ${randomUUID().slice(0, 6)}`, Amount: 1 }]);
    await s.syncNow(sci);
    await s.eventually(() => s.t.db.prisma.recordLink.count({ where: { sciId: sci.id } }), (n) => n === 1);

    const after = await scrape(served.url);
    expect(sample(after, 'sci_sync_runs_total', { kind: 'manual', outcome: 'SUCCEEDED' })).toBeGreaterThan(runs);
    expect(sample(after, 'vendor_calls_total', { vendor: 'zoho', status: '200' })).toBeGreaterThan(zoho200);
    expect(sample(after, 'vendor_calls_total', { vendor: 'jira' })).toBeGreaterThan(jiraCalls);
    expect(sample(after, 'vendor_call_duration_seconds_count', { vendor: 'jira' })).toBeGreaterThan(0);
    expect(sample(after, 'zoho_api_credits_spent_total', { tenant: s.tenant.id })).toBeGreaterThan(credits);
    const ratio = sample(after, 'zoho_budget_used_ratio', { tenant: s.tenant.id });
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(1);
    expect(sample(after, 'zoho_budget_paused', { tenant: s.tenant.id })).toBe(0);
    expect(after).toMatch(/^# TYPE vendor_call_errors_total counter$/m);
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds /m);

    // The Temporal SDK's exporter: task queue polls and activity executions of this worker.
    const sdk = await scrape(sdkUrl);
    expect(sdk).toMatch(/^temporal_/m);
    expect(sample(sdk, 'temporal_activity_execution_latency_count', { activity_type: 'sync.pollZohoChanges' })).toBeGreaterThan(0);
    expect(sample(sdk, 'temporal_workflow_task_queue_poll_succeed')).toBeGreaterThan(0);
  });

  it('answers only GET /metrics', async () => {
    const res = await fetch(served.url.replace('/metrics', '/other'));
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/GET \/metrics/);
  });
});
