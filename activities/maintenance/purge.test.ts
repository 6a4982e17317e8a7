// The retention job's purge over a real PostgreSQL database, with a clock of the test's own.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { purgeExpiredData } from './purge';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);
const settings = { tenantRetentionDays: 30, runHistoryRetentionDays: 90 };

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

async function tenant(status: 'ACTIVE' | 'UNINSTALLED', uninstalledAt: Date | null) {
  const id = randomUUID();
  return db.prisma.tenant.create({
    data: {
      installationId: `ari:cloud:ecosystem::installation/${id}`,
      cloudId: randomUUID(),
      apiBaseUrl: 'https://api.atlassian.com/ex/jira/x',
      status,
      uninstalledAt,
    },
  });
}

async function sci(tenantId: string) {
  return db.prisma.smartConnectedItem.create({
    data: {
      tenantId,
      name: 'Deals',
      syncMode: 'ONE_WAY',
      jiraProjectId: '10000',
      jiraProjectKey: 'DEMO',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
    },
  });
}

describe('purgeExpiredData', () => {
  it('deletes uninstalled tenants past retention with their data, keeps those within it and active ones', async () => {
    const old = await tenant('UNINSTALLED', daysAgo(31));
    const recent = await tenant('UNINSTALLED', daysAgo(29));
    const active = await tenant('ACTIVE', null);
    const oldSci = await sci(old.id);
    await db.prisma.syncRun.create({
      data: { tenantId: old.id, sciId: oldSci.id, kind: 'POLL', startedAt: daysAgo(1) },
    });
    await db.prisma.recordLink.create({
      data: {
        tenantId: old.id,
        sciId: oldSci.id,
        jiraIssueId: '1',
        jiraIssueKey: 'DEMO-1',
        zohoModule: 'Deals',
        zohoRecordId: '1',
        managed: 'MANUAL',
      },
    });

    const result = await purgeExpiredData(db.prisma, settings, { now: () => NOW });

    expect(result.tenantsDeleted).toBe(1);
    expect(await db.prisma.tenant.count({ where: { id: old.id } })).toBe(0);
    expect(await db.prisma.smartConnectedItem.count({ where: { tenantId: old.id } })).toBe(0);
    expect(await db.prisma.syncRun.count({ where: { tenantId: old.id } })).toBe(0);
    expect(await db.prisma.recordLink.count({ where: { tenantId: old.id } })).toBe(0);
    expect(await db.prisma.tenant.count({ where: { id: { in: [recent.id, active.id] } } })).toBe(2);

    // Two days later the second one is past its 30 days too.
    const later = await purgeExpiredData(db.prisma, settings, { now: () => new Date(NOW.getTime() + 2 * DAY) });
    expect(later.tenantsDeleted).toBe(1);
    expect(await db.prisma.tenant.count({ where: { id: recent.id } })).toBe(0);
    expect(await db.prisma.tenant.count({ where: { id: active.id } })).toBe(1);
  });

  it('purges run history older than the window and expired event ids, in bounded batches, and keeps recent ones', async () => {
    const t = await tenant('ACTIVE', null);
    const s = await sci(t.id);
    await db.prisma.syncRun.createMany({
      data: [
        ...Array.from({ length: 5 }, () => ({
          tenantId: t.id,
          sciId: s.id,
          kind: 'POLL' as const,
          startedAt: daysAgo(91),
        })),
        ...Array.from({ length: 3 }, () => ({
          tenantId: t.id,
          sciId: s.id,
          kind: 'POLL' as const,
          startedAt: daysAgo(89),
        })),
      ],
    });
    await db.prisma.processedEvent.createMany({
      data: [
        { tenantId: t.id, source: 'JIRA', eventKey: 'expired-1', expiresAt: daysAgo(1) },
        { tenantId: t.id, source: 'JIRA', eventKey: 'expired-2', expiresAt: new Date(NOW.getTime() - 1000) },
        { tenantId: t.id, source: 'ZOHO', eventKey: 'live', expiresAt: new Date(NOW.getTime() + DAY) },
        { tenantId: t.id, source: 'ZOHO', eventKey: 'no-expiry', expiresAt: null },
      ],
    });

    // Batches of 2, at most 2 per call: the first call stops with work left.
    const first = await purgeExpiredData(db.prisma, settings, { now: () => NOW, batchSize: 2, maxBatches: 2 });
    expect(first).toMatchObject({ syncRunsDeleted: 4, processedEventsDeleted: 2, more: true });
    const second = await purgeExpiredData(db.prisma, settings, { now: () => NOW, batchSize: 2, maxBatches: 2 });
    expect(second).toMatchObject({ syncRunsDeleted: 1, processedEventsDeleted: 0, more: false });

    const left = await db.prisma.syncRun.findMany({ where: { tenantId: t.id } });
    expect(left).toHaveLength(3);
    expect(left.every((r) => r.startedAt.getTime() > daysAgo(90).getTime())).toBe(true);
    const events = await db.prisma.processedEvent.findMany({ where: { tenantId: t.id }, orderBy: { eventKey: 'asc' } });
    expect(events.map((e) => e.eventKey)).toEqual(['live', 'no-expiry']);
  });

  it('purges sign-ins nobody finished and write intents resolved more than 30 days ago; keeps unresolved intents', async () => {
    const t = await tenant('ACTIVE', null);
    const s = await sci(t.id);
    await db.prisma.zohoSignIn.createMany({
      data: [
        { id: `expired-${randomUUID()}`, tenantId: t.id, jiraAccountId: 'a', expiresAt: daysAgo(1) },
        {
          id: `live-${randomUUID()}`,
          tenantId: t.id,
          jiraAccountId: 'a',
          expiresAt: new Date(NOW.getTime() + 600_000),
        },
      ],
    });
    const intent = (sourceId: string, createdId: string | null, updatedAt: Date) => ({
      tenantId: t.id,
      sciId: s.id,
      kind: 'JIRA_COMMENT' as const,
      sourceId,
      targetId: '10001',
      marker: sourceId,
      createdId,
      updatedAt,
    });
    await db.prisma.writeIntent.createMany({
      data: [
        intent('old-done', '900', daysAgo(31)),
        intent('recent-done', '901', daysAgo(29)),
        intent('old-unresolved', null, daysAgo(40)),
      ],
    });

    const result = await purgeExpiredData(db.prisma, settings, { now: () => NOW });

    expect(result).toMatchObject({ signInsDeleted: 1, writeIntentsDeleted: 1 });
    expect((await db.prisma.zohoSignIn.findMany({ where: { tenantId: t.id } })).map((r) => r.id.split('-')[0])).toEqual(
      ['live'],
    );
    // An intent without a created id may still be resolved by a later attempt: it stays.
    expect(
      (await db.prisma.writeIntent.findMany({ where: { sciId: s.id }, orderBy: { sourceId: 'asc' } })).map(
        (r) => r.sourceId,
      ),
    ).toEqual(['old-unresolved', 'recent-done']);
  });
  it('purges issue timeline entries (F46) older than the run history window and keeps recent ones', async () => {
    const t = await tenant('ACTIVE', null);
    const s = await sci(t.id);
    const link = await db.prisma.recordLink.create({
      data: {
        tenantId: t.id,
        sciId: s.id,
        jiraIssueId: '10001',
        jiraIssueKey: 'DEMO-1',
        zohoModule: 'Deals',
        zohoRecordId: '9001',
      },
    });
    const entry = (reason: string, createdAt: Date) => ({
      tenantId: t.id,
      sciId: s.id,
      linkId: link.id,
      jiraIssueId: '10001',
      direction: 'ZOHO_TO_JIRA',
      outcome: 'FAILED',
      reason,
      createdAt,
    });
    await db.prisma.syncTimelineEntry.createMany({ data: [entry('old', daysAgo(91)), entry('recent', daysAgo(89))] });

    const result = await purgeExpiredData(db.prisma, settings, { now: () => NOW });

    expect(result.timelineEntriesDeleted).toBe(1);
    expect((await db.prisma.syncTimelineEntry.findMany({ where: { linkId: link.id } })).map((e) => e.reason)).toEqual([
      'recent',
    ]);
  });
});
