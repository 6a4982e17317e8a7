// SCI routes over app.inject with FITs signed by the sandbox key, a real PostgreSQL database and the real
// Temporal dev server (workflows run on a worker whose sync activities only record what they were asked).
// Rows are seeded directly here; creation with live-metadata validation is in scis-create.test.ts.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../prisma/generated/client';
import { sciWorkflowId } from '../../workflows/ids';
import { reconcileWorkflows } from '../services/reconciler';
import { applyWorkflowState } from '../services/sci-writes';
import type { TestApp } from '../test/helper';
import { eventually, seedSci, startRouteSuite, type RouteSuite } from '../test/route-suite';

let suite: RouteSuite;
let t: TestApp;
let app: FastifyInstance;
let main: Tenant;
let other: Tenant;

beforeAll(async () => {
  suite = await startRouteSuite();
  ({ t, app } = suite);
  main = await t.tenant('main');
  other = await t.tenant('other');
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

async function as(site: 'main' | 'other', method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers: await t.headers({ site, accountId: 'admin-1' }),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function workflowStatus(tenantId: string, sciId: string): Promise<string | undefined> {
  try {
    return (await t.temporal.client.workflow.getHandle(sciWorkflowId(tenantId, sciId)).describe()).status.name;
  } catch {
    return undefined;
  }
}

async function running(sci: { id: string; tenantId: string }) {
  await applyWorkflowState(t.deps, (await t.db.prisma.smartConnectedItem.findUniqueOrThrow({ where: { id: sci.id } })), 'test');
  await eventually(() => workflowStatus(sci.tenantId, sci.id), (s) => s === 'RUNNING');
}

describe('SCI list and read', () => {
  it('lists the tenant\'s own items with the latest run, the workflow state and the Temporal link', async () => {
    const sci = await seedSci(t, main, { name: 'Deals to DEMO' });
    await running(sci);
    await t.db.prisma.syncRun.createMany({
      data: [
        { tenantId: main.id, sciId: sci.id, kind: 'POLL', outcome: 'SUCCEEDED', startedAt: new Date('2026-01-01T10:00:00Z'), recordsSeen: 3 },
        { tenantId: main.id, sciId: sci.id, kind: 'POLL', outcome: 'PARTIAL', startedAt: new Date('2026-01-02T10:00:00Z'), recordsSeen: 5, errors: [{ message: 'record 1: x' }] },
      ],
    });
    // A status query the worker has not answered within the dashboard's budget shows as `unreachable`;
    // the first answer after start may take a moment on a busy machine.
    const item = await eventually(
      async () => {
        const res = await as('main', 'GET', '/scis');
        expect(res.statusCode).toBe(200);
        return res.json<{ items: Record<string, unknown>[] }>().items.find((i) => i.id === sci.id)!;
      },
      (i) => i.workflowQuery === 'ok',
    );
    expect(item).toMatchObject({
      name: 'Deals to DEMO',
      syncMode: 'ONE_WAY',
      automated: true,
      workflowId: sciWorkflowId(main.id, sci.id),
      temporalUiUrl: `http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(sciWorkflowId(main.id, sci.id))}`,
      latestRun: { outcome: 'PARTIAL', recordsSeen: 5, errors: [{ message: 'record 1: x' }] },
      workflowQuery: 'ok',
    });
    expect((item.workflow as { state: string }).state).toMatch(/waiting|syncing/);

    const theirs = await as('other', 'GET', '/scis');
    expect(theirs.statusCode).toBe(200);
    expect(theirs.json<{ items: unknown[] }>().items).toEqual([]);

    const one = await as('main', 'GET', `/scis/${sci.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json<{ id: string }>().id).toBe(sci.id);

    const temporal = await as('main', 'GET', `/scis/${sci.id}/temporal`);
    expect(temporal.json()).toEqual({ workflowId: sciWorkflowId(main.id, sci.id), url: item.temporalUiUrl });
  });

  it('answers 401 without a FIT and 404 for unknown ids', async () => {
    const anon = await app.inject({ method: 'GET', url: '/api/v1/scis' });
    expect(anon.statusCode).toBe(401);
    const missing = await as('main', 'GET', '/scis/0190f6a0-0000-7000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    // Bytes PostgreSQL cannot hold are bad input, not a database failure.
    expect((await as('main', 'GET', '/scis/%00')).statusCode).toBe(400);
    expect((await as('main', 'GET', `/scis/${'x'.repeat(65)}`)).statusCode).toBe(400);
  });
});

describe('tenant isolation', () => {
  it("refuses every read and write of another tenant's item with 404 and changes nothing", async () => {
    const sci = await seedSci(t, main);
    await running(sci);
    const link = await t.db.prisma.recordLink.create({
      data: { tenantId: main.id, sciId: sci.id, jiraIssueId: '10100', jiraIssueKey: 'DEMO-100', zohoModule: 'Deals', zohoRecordId: '5000000000100' },
    });
    await t.db.prisma.syncRun.create({ data: { tenantId: main.id, sciId: sci.id, kind: 'POLL', outcome: 'SUCCEEDED' } });
    const attempts: [Parameters<typeof as>[1], string, unknown?][] = [
      ['GET', `/scis/${sci.id}`],
      ['GET', `/scis/${sci.id}/runs`],
      ['GET', `/scis/${sci.id}/links`],
      ['GET', `/scis/${sci.id}/temporal`],
      ['POST', `/scis/${sci.id}/pause`],
      ['POST', `/scis/${sci.id}/resume`],
      ['POST', `/scis/${sci.id}/sync`],
      ['POST', `/scis/${sci.id}/retry-parked`],
      ['POST', `/scis/${sci.id}/resync`, {}],
      ['POST', `/scis/${sci.id}/links/${link.id}/resync`],
      ['DELETE', `/scis/${sci.id}`],
    ];
    for (const [method, url, body] of attempts) {
      const res = await as('other', method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const row = await t.db.prisma.smartConnectedItem.findUniqueOrThrow({ where: { id: sci.id } });
    expect(row.paused).toBe(false);
    expect(await t.db.prisma.recordLink.count({ where: { id: link.id } })).toBe(1);
    expect(await workflowStatus(main.id, sci.id)).toBe('RUNNING');

    // Another tenant's link id under one's own SCI is just as unknown.
    const mine = await seedSci(t, other);
    await running(mine);
    const res = await as('other', 'POST', `/scis/${mine.id}/links/${link.id}/resync`);
    expect(res.statusCode).toBe(404);
  });
});

describe('workflow control', () => {
  it('pauses and resumes: the row and the workflow agree', async () => {
    const sci = await seedSci(t, main);
    await running(sci);
    const paused = await as('main', 'POST', `/scis/${sci.id}/pause`);
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ paused: true });
    await eventually(() => t.deps.workflows.status(sci), (s) => s?.state === 'paused');
    const resumed = await as('main', 'POST', `/scis/${sci.id}/resume`);
    expect(resumed.json()).toMatchObject({ paused: false });
    await eventually(() => t.deps.workflows.status(sci), (s) => s?.state !== 'paused');
    expect((await t.db.prisma.smartConnectedItem.findUniqueOrThrow({ where: { id: sci.id } })).paused).toBe(false);
  });

  it('sync now wakes the workflow for a poll; paused items refuse it', async () => {
    const sci = await seedSci(t, main);
    await running(sci);
    await eventually(() => suite.sync.pollsOf(sci.id).length, (n) => n >= 1); // the first run polls at once
    const before = suite.sync.pollsOf(sci.id).length;
    const res = await as('main', 'POST', `/scis/${sci.id}/sync`);
    expect(res.statusCode).toBe(202);
    await eventually(() => suite.sync.pollsOf(sci.id).length, (n) => n > before);
    expect(suite.sync.pollsOf(sci.id).at(-1)?.kind).toBe('manual');

    await as('main', 'POST', `/scis/${sci.id}/pause`);
    const refused = await as('main', 'POST', `/scis/${sci.id}/sync`);
    expect(refused.statusCode).toBe(409);
  });

  it('Display and disabled items have no workflow to control (409)', async () => {
    const display = await seedSci(t, main, { syncMode: 'DISPLAY', fieldMappings: [], displayFields: ['Deal_Name'] });
    const disabled = await seedSci(t, main, { enabled: false });
    for (const sci of [display, disabled]) {
      for (const action of ['pause', 'sync', 'retry-parked']) {
        const res = await as('main', 'POST', `/scis/${sci.id}/${action}`);
        expect(res.statusCode, `${action} on ${sci.syncMode}/${sci.enabled}`).toBe(409);
      }
    }
    const listed = (await as('main', 'GET', `/scis/${display.id}`)).json<Record<string, unknown>>();
    expect(listed).toMatchObject({ automated: false, workflowId: null, temporalUiUrl: null, workflow: null, workflowQuery: 'skipped' });
  });

  it('resync of one link clears its last applied change and hands its record to the workflow', async () => {
    const sci = await seedSci(t, main);
    await running(sci);
    const link = await t.db.prisma.recordLink.create({
      data: {
        tenantId: main.id,
        sciId: sci.id,
        jiraIssueId: '10200',
        jiraIssueKey: 'DEMO-200',
        zohoModule: 'Deals',
        zohoRecordId: '5000000000200',
        lastZohoModifiedAt: new Date('2026-01-01T00:00:00Z'),
      },
    });
    const res = await as('main', 'POST', `/scis/${sci.id}/links/${link.id}/resync`);
    expect(res.statusCode).toBe(202);
    expect((await t.db.prisma.recordLink.findUniqueOrThrow({ where: { id: link.id } })).lastZohoModifiedAt).toBeNull();
    const events = await eventually(() => suite.sync.eventsOf(sci.id), (e) => e.length > 0);
    expect(events[0]).toMatchObject({ source: 'zoho', event: { recordIds: ['5000000000200'], operation: 'update' } });
  });

  it('resync of the whole item resets the cursor inside the running workflow (no restart) and polls from it', async () => {
    const sci = await seedSci(t, main, { cursor: { since: '2026-06-01T00:00:00.000Z' } });
    await running(sci);
    await eventually(() => t.deps.workflows.status(sci), (s) => s?.state === 'waiting' && s.runs >= 1);
    const firstRun = (await t.temporal.client.workflow.getHandle(sciWorkflowId(main.id, sci.id)).describe()).runId;
    await t.db.prisma.recordLink.create({
      data: { tenantId: main.id, sciId: sci.id, jiraIssueId: '777', jiraIssueKey: 'DEMO-777', zohoModule: 'Deals', zohoRecordId: '5000000000777', lastZohoModifiedAt: new Date() },
    });
    const res = await as('main', 'POST', `/scis/${sci.id}/resync`, { since: '2026-01-15T00:00:00Z' });
    expect(res.statusCode).toBe(202);
    const row = await t.db.prisma.smartConnectedItem.findUniqueOrThrow({ where: { id: sci.id } });
    expect(row.cursor).toMatchObject({ since: '2026-01-15T00:00:00.000Z' });
    const link = await t.db.prisma.recordLink.findFirstOrThrow({ where: { sciId: sci.id } });
    expect(link.lastZohoModifiedAt).toBeNull();
    const d = await t.temporal.client.workflow.getHandle(sciWorkflowId(main.id, sci.id)).describe();
    expect(d.runId).toBe(firstRun);
    expect(d.status.name).toBe('RUNNING');
    // The workflow's next poll starts from the reset cursor.
    await eventually(() => suite.sync.pollsOf(sci.id).filter((p) => p.cursor === '2026-01-15T00:00:00.000Z').length, (n) => n >= 1);

    const future = await as('main', 'POST', `/scis/${sci.id}/resync`, { since: '2999-01-01T00:00:00Z' });
    expect(future.statusCode).toBe(400);
    const garbage = await as('main', 'POST', `/scis/${sci.id}/resync`, { since: 'yesterday' });
    expect(garbage.statusCode).toBe(400);
  });
});

describe('run history', () => {
  it('pages newest first with a cursor and rejects cursors it did not issue', async () => {
    const sci = await seedSci(t, main, { enabled: false });
    const base = Date.parse('2026-03-01T00:00:00Z');
    await t.db.prisma.syncRun.createMany({
      data: Array.from({ length: 5 }, (_, i) => ({
        tenantId: main.id,
        sciId: sci.id,
        kind: 'POLL' as const,
        outcome: 'SUCCEEDED' as const,
        // two runs share an instant: the id breaks the tie
        startedAt: new Date(base + Math.min(i, 3) * 60_000),
        recordsSeen: i,
      })),
    });
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res = await as('main', 'GET', `/scis/${sci.id}/runs?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const body = res.json<{ runs: { recordsSeen: number }[]; nextCursor: string | null }>();
      seen.push(...body.runs.map((r) => r.recordsSeen));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(seen).toHaveLength(5);

    expect((await as('main', 'GET', `/scis/${sci.id}/runs?cursor=bm9wZQ`)).statusCode).toBe(400);
    expect((await as('main', 'GET', `/scis/${sci.id}/runs?limit=0`)).statusCode).toBe(400);
    expect((await as('main', 'GET', `/scis/${sci.id}/runs?limit=1000`)).statusCode).toBe(400);
  });
});

describe('delete', () => {
  it('stops the workflow, then removes the item with its links and runs', async () => {
    const sci = await seedSci(t, main);
    await running(sci);
    await t.db.prisma.recordLink.create({
      data: { tenantId: main.id, sciId: sci.id, jiraIssueId: '10300', jiraIssueKey: 'DEMO-300', zohoModule: 'Deals', zohoRecordId: '5000000000300' },
    });
    await t.db.prisma.syncRun.create({ data: { tenantId: main.id, sciId: sci.id, kind: 'POLL' } });
    const res = await as('main', 'DELETE', `/scis/${sci.id}`);
    expect(res.statusCode).toBe(204);
    expect(await workflowStatus(main.id, sci.id)).toBe('TERMINATED');
    expect(await t.db.prisma.smartConnectedItem.count({ where: { id: sci.id } })).toBe(0);
    expect(await t.db.prisma.recordLink.count({ where: { sciId: sci.id } })).toBe(0);
    expect(await t.db.prisma.syncRun.count({ where: { sciId: sci.id } })).toBe(0);
    expect((await as('main', 'DELETE', `/scis/${sci.id}`)).statusCode).toBe(404);
  });
});

describe('reconciler', () => {
  it('starts missing workflows of enabled items and stops those of disabled or Display items', async () => {
    const site = await t.tenant('reconcile');
    const shouldRun = await seedSci(t, site);
    const pausedRow = await seedSci(t, site, { paused: true });
    const shouldStop = await seedSci(t, site);
    await running(shouldStop);
    await t.db.prisma.smartConnectedItem.update({ where: { id: shouldStop.id }, data: { enabled: false } });
    const display = await seedSci(t, site, { syncMode: 'DISPLAY', fieldMappings: [], displayFields: ['Deal_Name'] });

    const report = await reconcileWorkflows(t.deps, { tenantId: site.id });
    expect(report).toEqual({ running: 2, stopped: 2, failed: [] });
    expect(await workflowStatus(site.id, shouldRun.id)).toBe('RUNNING');
    expect(await workflowStatus(site.id, shouldStop.id)).toBe('TERMINATED');
    expect(await workflowStatus(site.id, display.id)).toBeUndefined();
    await eventually(() => t.deps.workflows.status(pausedRow), (s) => s?.state === 'paused');

    // Idempotent.
    expect(await reconcileWorkflows(t.deps, { tenantId: site.id })).toEqual({ running: 2, stopped: 2, failed: [] });
  });
});
