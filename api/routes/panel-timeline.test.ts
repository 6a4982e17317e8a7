// The issue's CRM sync timeline and Retry routes (F46) over app.inject with FITs, the real database and the
// Jira simulator: entries newest first with labels and old → new, only the issue's own links, each link's
// health from its latest entry and its queued or parked events, and Retry refused to a user who cannot edit
// the issue and for a link of another issue.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineDto } from '../../contracts/timeline';
import type { RecordLink, SmartConnectedItem, Tenant } from '../../prisma/generated/client';
import type { TestApp } from '../test/helper';
import { seedSci, startRouteSuite, type RouteSuite } from '../test/route-suite';

let suite: RouteSuite;
let t: TestApp;
let app: FastifyInstance;
let main: Tenant;
let sci: SmartConnectedItem;
let link: RecordLink;
let other: RecordLink;

async function call(method: 'GET' | 'POST', url: string, accountId = 'user-1') {
  return app.inject({ method, url: `/api/v1${url}`, headers: await t.headers({ accountId }) });
}

async function issueId(key: string): Promise<string> {
  return (await (await t.deps.clients.jira(main.id)).issues.get(key, { fields: ['summary'] })).id;
}

beforeAll(async () => {
  suite = await startRouteSuite({ zoho: true });
  ({ t, app } = suite);
  main = await t.tenant('main');
  sci = await seedSci(t, main, { name: 'Deals both ways', syncMode: 'TWO_WAY' });
  const synced = new Date('2026-12-01T10:00:00Z');
  const base = {
    tenantId: main.id,
    sciId: sci.id,
    zohoModule: 'Deals',
    lastSyncedAt: synced,
    lastZohoModifiedAt: synced,
  };
  link = await t.db.prisma.recordLink.create({
    data: { ...base, jiraIssueId: await issueId('DEMO-2'), jiraIssueKey: 'DEMO-2', zohoRecordId: '900000000000100001' },
  });
  other = await t.db.prisma.recordLink.create({
    data: { ...base, jiraIssueId: await issueId('DEMO-3'), jiraIssueKey: 'DEMO-3', zohoRecordId: '900000000000100002' },
  });
  const entry = (l: RecordLink, at: string, data: Record<string, unknown>) => ({
    tenantId: main.id,
    sciId: sci.id,
    linkId: l.id,
    jiraIssueId: l.jiraIssueId,
    createdAt: new Date(at),
    direction: 'ZOHO_TO_JIRA',
    outcome: 'APPLIED',
    ...data,
  });
  await t.db.prisma.syncTimelineEntry.createMany({
    data: [
      entry(link, '2026-12-01T09:00:00Z', {
        changes: [{ field: 'Deal amount', from: '1000', to: '2000' }],
        items: ['Notes copied to comments'],
      }),
      entry(link, '2026-12-01T09:30:00Z', {
        direction: 'JIRA_TO_ZOHO',
        changes: [{ field: 'Amount', from: '2000', to: '3000' }],
      }),
      entry(other, '2026-12-01T09:45:00Z', { changes: [{ field: 'Summary', from: 'a', to: 'b' }] }),
    ],
  });
  t.jira.addUser({ accountId: 'viewer-1', viewOnlyProjects: ['DEMO'] });
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

describe('GET /panel/issues/:issue/timeline', () => {
  it("lists the issue's own syncs newest first, with labels, old → new and what went with them; the link is in sync", async () => {
    const res = await call('GET', '/panel/issues/DEMO-2/timeline');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<TimelineDto>();
    expect(body.entries.map((e) => [e.direction, e.changes])).toEqual([
      ['JIRA_TO_ZOHO', [{ field: 'Amount', from: '2000', to: '3000' }]],
      ['ZOHO_TO_JIRA', [{ field: 'Deal amount', from: '1000', to: '2000' }]],
    ]);
    expect(body.entries[1]).toMatchObject({
      linkId: link.id,
      sciName: 'Deals both ways',
      outcome: 'APPLIED',
      items: ['Notes copied to comments'],
      reason: null,
    });
    expect(body.health).toEqual([
      { linkId: link.id, state: 'in_sync', lastSyncedAt: '2026-12-01T10:00:00.000Z', reason: null },
    ]);
    expect(body.canRetry).toBe(true);
  });

  it('a failed latest sync makes the link failed with its reason; a parked event too; a queued one makes it syncing', async () => {
    await t.db.prisma.syncTimelineEntry.create({
      data: {
        tenantId: main.id,
        sciId: sci.id,
        linkId: link.id,
        jiraIssueId: link.jiraIssueId,
        direction: 'JIRA_TO_ZOHO',
        outcome: 'FAILED',
        reason: 'Zoho CRM refused the value',
        createdAt: new Date('2026-12-01T11:00:00Z'),
      },
    });
    let body = (await call('GET', '/panel/issues/DEMO-2/timeline')).json<TimelineDto>();
    expect(body.entries[0]).toMatchObject({ outcome: 'FAILED', reason: 'Zoho CRM refused the value' });
    expect(body.health[0]).toMatchObject({ state: 'failed', reason: 'Zoho CRM refused the value' });

    const row = await t.db.prisma.sciQueuedEvent.create({
      data: {
        tenantId: main.id,
        sciId: sci.id,
        key: `jira:issue:${link.jiraIssueId}`,
        payload: { source: 'jira', event: { issueId: link.jiraIssueId } },
        state: 'PARKED',
        reason: 'parked: value too long',
      },
    });
    body = (await call('GET', '/panel/issues/DEMO-2/timeline')).json<TimelineDto>();
    expect(body.health[0]).toMatchObject({ state: 'failed', reason: 'parked: value too long' });

    await t.db.prisma.sciQueuedEvent.update({ where: { id: row.id }, data: { state: 'QUEUED' } });
    body = (await call('GET', '/panel/issues/DEMO-2/timeline')).json<TimelineDto>();
    expect(body.health[0]).toMatchObject({ state: 'syncing' });
    await t.db.prisma.sciQueuedEvent.delete({ where: { id: row.id } });
  });

  it('a user who cannot edit the issue sees the timeline without Retry and is refused a retry', async () => {
    const res = await call('GET', '/panel/issues/DEMO-2/timeline', 'viewer-1');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<TimelineDto>().canRetry).toBe(false);
    const retry = await call('POST', `/panel/issues/DEMO-2/links/${link.id}/retry`, 'viewer-1');
    expect(retry.statusCode, retry.body).toBe(403);
    expect(retry.json()).toMatchObject({ code: 'ISSUE_NOT_EDITABLE' });
    expect(retry.json<{ message: string }>().message).toMatch(/permission to edit DEMO-2/);
    // Nothing was forgotten about the link.
    expect(
      (await t.db.prisma.recordLink.findUniqueOrThrow({ where: { id: link.id } })).lastZohoModifiedAt,
    ).not.toBeNull();
  });

  it("refuses a retry of another issue's link and an unknown issue", async () => {
    expect((await call('POST', `/panel/issues/DEMO-2/links/${other.id}/retry`)).statusCode).toBe(404);
    expect((await call('GET', '/panel/issues/NOPE-404/timeline')).statusCode).toBe(404);
  });
});
