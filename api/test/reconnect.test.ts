// F6 / R4 end to end: a revoked Zoho grant blocks the SCI workflow (no hot loop); the admin page shows
// "re-authentication required"; reconnecting through the API signals the workflow, which resumes. The
// worker's sync asks the real TenantClients for the tenant's Zoho client, exactly as the engine does.
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, type SciSync } from '../../activities';
import type { ApplyEventsInput, PollInput } from '../../activities/types';
import { ZOHO_APP_SCOPES } from '../../clients/zoho';
import { statusQuery, type SciStatus } from '../../workflows/messages';
import { createSciWorker } from '../../worker/create-worker';
import type { ConnectionSummary } from '../../contracts/connection';
import { createTestApp, type TestApp } from './helper';

let t: TestApp;
let worker: Worker;
let running: Promise<void>;
let polls = 0;

/** Polls through the tenant's real Zoho client: refuses (TenantNotReadyError) while the grant is unusable. */
const sync: SciSync = {
  async pollZohoChanges(input: PollInput) {
    const client = await t.deps.clients.zoho(input.tenantId);
    await client.metadata.modules();
    polls += 1;
    return { cursor: `c${polls}`, recordsSeen: 0, changed: 0, created: 0, skipped: 0, errors: [] };
  },
  applyPendingEvents(input: ApplyEventsInput) {
    return Promise.resolve({ recordsSeen: input.events.length, changed: 0, created: 0, skipped: 0, errors: [] });
  },
};

beforeAll(async () => {
  t = await createTestApp();
  worker = await createSciWorker({ connection: t.temporal.nativeConnection, dataConverter: t.temporal.dataConverter, namespace: 'default', taskQueue: t.temporal.taskQueue, activities: createActivities({ sync }) });
  running = worker.run();
}, 90_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await t?.close();
});

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function connect() {
  const code = t.zoho!.mintGrantCode({ scopes: ZOHO_APP_SCOPES, dc: 'us' });
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/connection/app-oauth', headers: await t.headers(), payload: { ...t.zoho!.demoClient, code, dataCenter: 'us' } });
  expect(res.statusCode).toBe(200);
  return res.json<ConnectionSummary>();
}

describe('revoked grant → blocked → reconnect → resumed', () => {
  it('pauses automation on a refused refresh and resumes it after reconnecting', async () => {
    const tenant = await t.tenant();
    await connect();
    // The stored access token expires and the refresh token is revoked at Zoho.
    await t.db.prisma.zohoConnection.update({ where: { tenantId: tenant.id }, data: { accessTokenExpiresAt: new Date(0) } });
    const revoke = await fetch(`${t.zoho!.url}/__sandbox/tokens/revoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(revoke.status).toBeLessThan(300);

    const sci = await t.db.prisma.smartConnectedItem.create({
      data: { tenantId: tenant.id, name: 'Deals', syncMode: 'ONE_WAY', jiraProjectId: '10000', jiraProjectKey: 'DEMO', zohoModule: 'Deals' },
    });
    await t.deps.workflows.ensureRunning({ id: sci.id, tenantId: tenant.id, name: sci.name, zohoModule: sci.zohoModule, syncMode: sci.syncMode });
    const handle = t.temporal.client.workflow.getHandle(t.deps.workflows.workflowId(sci));
    const status = (): Promise<SciStatus> => handle.query(statusQuery);

    const blocked = await eventually(status, (s) => s.state === 'blocked');
    expect(polls).toBe(0); // no successful poll while the grant is unusable
    const page = await t.app.inject({ method: 'GET', url: '/api/v1/connection', headers: await t.headers() });
    const summary = page.json<ConnectionSummary>();
    expect(summary.state).toBe('REAUTH_REQUIRED');
    expect(summary.message).toMatch(/re-authentication required/);
    expect(summary.automation.active).toBe(false);

    const reconnected = await connect();
    expect(reconnected).toMatchObject({ state: 'CONNECTED', lastError: null });
    await eventually(status, (s) => s.state !== 'blocked' && s.runs > blocked.runs && s.lastRun?.outcome === 'ok');
    expect(polls).toBeGreaterThanOrEqual(1);
    await handle.terminate('test done');
  });
});
