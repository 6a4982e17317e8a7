// The intake outbox and its dispatcher on both databases the product runs on (PostgreSQL, PGlite), with a
// recording stand-in for Temporal: identity + payload in one write, redeliveries idempotent, one call per SCI
// per pass carrying the latest event per issue, two dispatchers on one database never delivering a row
// twice, and an outage waited out with every event delivered once afterwards.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '../../test/support/database';
import type { JiraEventSignal, ZohoNotificationSignal } from '../../workflows/messages';
import { IntakeDispatcher, type IntakeDelivery } from './intake-dispatcher';
import { intakeBacklog, recordCoveredJiraEvent, recordIntake } from './intake-outbox';
import type { SciRef } from './sci-workflows';

class RecordingDelivery implements IntakeDelivery {
  calls: { sciId: string; jira?: JiraEventSignal[]; zoho?: ZohoNotificationSignal }[] = [];
  down = false;
  failedCalls = 0;
  private fail(): Promise<void> {
    this.failedCalls += 1;
    return Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:7233'));
  }
  deliverJiraEvents(sci: SciRef, events: JiraEventSignal[]): Promise<void> {
    if (this.down) return this.fail();
    this.calls.push({ sciId: sci.id, jira: events });
    return Promise.resolve();
  }
  zohoNotification(sci: SciRef, n: ZohoNotificationSignal): Promise<void> {
    if (this.down) return this.fail();
    this.calls.push({ sciId: sci.id, zoho: n });
    return Promise.resolve();
  }
  eventIds(): string[] {
    return this.calls.flatMap((c) => c.jira?.map((e) => e.eventId) ?? []);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(ok: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

function issueEvent(issueId: string, n: number, kind: JiraEventSignal['kind'] = 'issue_updated'): JiraEventSignal {
  return {
    eventId: `ev-${issueId}-${n}-${randomUUID().slice(0, 6)}`,
    kind,
    issueId,
    occurredAt: new Date(Date.UTC(2026, 11, 7, 10, 0, 0, n)).toISOString(),
  };
}

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('intake outbox and dispatcher on %s', (kind) => {
  let db: TestDatabase;
  let tenantId: string;
  let sciA: string;
  let sciB: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const tenant = await db.prisma.tenant.create({
      data: { installationId: `inst-${randomUUID()}`, cloudId: 'cloud', apiBaseUrl: 'http://127.0.0.1:1' },
    });
    tenantId = tenant.id;
    const sci = (name: string) =>
      db.prisma.smartConnectedItem.create({
        data: {
          tenantId,
          name,
          syncMode: 'TWO_WAY',
          jiraProjectId: '10000',
          jiraProjectKey: 'DEMO',
          zohoModule: 'Deals',
        },
      });
    sciA = (await sci('A')).id;
    sciB = (await sci('B')).id;
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
  });

  const record = (sciIds: string[], event: JiraEventSignal, eventKey = event.eventId) =>
    recordIntake(db.prisma, {
      tenantId,
      source: 'JIRA',
      eventKey,
      receivedAt: new Date(),
      sciIds,
      event: { source: 'jira', event },
    });

  it('records identity and one row per SCI together; a redelivery writes nothing', async () => {
    const event = issueEvent('1', 1);
    expect(await record([sciA, sciB], event)).toBe('recorded');
    expect(await record([sciA, sciB], event)).toBe('duplicate');
    expect(await db.prisma.processedEvent.count({ where: { tenantId, eventKey: event.eventId } })).toBe(1);
    expect(await db.prisma.intakeEvent.count({ where: { tenantId } })).toBe(2);
    const backlog = await intakeBacklog(db.prisma);
    expect(backlog.events).toBe(2);
    expect(backlog.oldestAgeMs).toBeGreaterThanOrEqual(0);
    // An SCI that is gone makes the whole write fail: no identity is left behind to swallow the retry.
    const orphan = issueEvent('1', 2);
    expect(await record([sciA, randomUUID()], orphan)).toBe('sci-gone');
    expect(await db.prisma.processedEvent.count({ where: { tenantId, eventKey: orphan.eventId } })).toBe(0);

    const delivery = new RecordingDelivery();
    const d = new IntakeDispatcher(db.prisma, delivery);
    expect(await d.dispatchOnce()).toMatchObject({ claimed: 2, delivered: 2, failed: 0 });
    expect(delivery.calls.map((c) => c.sciId).sort()).toEqual([sciA, sciB].sort());
    expect(await intakeBacklog(db.prisma)).toEqual({ events: 0, oldestAgeMs: 0 });
  });

  it('records a Jira event for the SCIs that cover its issue, in one statement', async () => {
    const typed = await db.prisma.smartConnectedItem.create({
      data: {
        tenantId,
        name: `typed-${randomUUID().slice(0, 6)}`,
        syncMode: 'ONE_WAY',
        jiraProjectId: '20000',
        jiraProjectKey: 'TYP',
        jiraIssueTypeId: '3',
        zohoModule: 'Deals',
      },
    });
    const display = await db.prisma.smartConnectedItem.create({
      data: {
        tenantId,
        name: `display-${randomUUID().slice(0, 6)}`,
        syncMode: 'DISPLAY',
        jiraProjectId: '20000',
        jiraProjectKey: 'TYP',
        zohoModule: 'Deals',
      },
    });
    const linked = await db.prisma.smartConnectedItem.create({
      data: {
        tenantId,
        name: `linked-${randomUUID().slice(0, 6)}`,
        syncMode: 'TWO_WAY',
        jiraProjectId: '30000',
        jiraProjectKey: 'LNK',
        zohoModule: 'Deals',
      },
    });
    await db.prisma.recordLink.create({
      data: {
        tenantId,
        sciId: linked.id,
        jiraIssueId: '8801',
        jiraIssueKey: 'TYP-8801',
        zohoModule: 'Deals',
        zohoRecordId: '1',
      },
    });
    const covered = (subject: { issueId: string; projectId?: string; issueTypeId?: string }, eventKey = randomUUID()) =>
      recordCoveredJiraEvent(db.prisma, {
        tenantId,
        subject,
        eventKey,
        receivedAt: new Date(),
        event: { source: 'jira', event: issueEvent(subject.issueId, 1) },
      });
    const rowsFor = async (sciId: string) => db.prisma.intakeEvent.count({ where: { sciId } });
    try {
      // Scoped by project and type (not the Display SCI), plus the SCI that links the issue.
      const key = randomUUID();
      expect(await covered({ issueId: '8801', projectId: '20000', issueTypeId: '3' }, key)).toEqual({
        outcome: 'recorded',
        scis: 2,
      });
      expect(await covered({ issueId: '8801', projectId: '20000', issueTypeId: '3' }, key)).toEqual({
        outcome: 'duplicate',
        scis: 2,
      });
      expect([await rowsFor(typed.id), await rowsFor(linked.id), await rowsFor(display.id)]).toEqual([1, 1, 0]);
      // Another issue type of the project; no project at all (attachments) and no link: nothing written.
      const before = await db.prisma.processedEvent.count({ where: { tenantId } });
      expect(await covered({ issueId: '8802', projectId: '20000', issueTypeId: '4' })).toEqual({
        outcome: 'uncovered',
        scis: 0,
      });
      expect(await covered({ issueId: '8803' })).toEqual({ outcome: 'uncovered', scis: 0 });
      expect(await db.prisma.processedEvent.count({ where: { tenantId } })).toBe(before);
      // Without project or type, the link alone covers it.
      expect(await covered({ issueId: '8801' })).toEqual({ outcome: 'recorded', scis: 1 });
      expect(await rowsFor(linked.id)).toBe(2);
    } finally {
      await db.prisma.smartConnectedItem.deleteMany({ where: { id: { in: [typed.id, display.id, linked.id] } } });
    }
  });

  it('coalesces one pass into one call per SCI: the latest update per issue, every comment, Zoho records merged', async () => {
    const updates = Array.from({ length: 20 }, (_, n) => issueEvent('77', n));
    for (const e of updates) await record([sciA], e);
    const comments = Array.from({ length: 3 }, (_, n) => ({
      ...issueEvent('77', 100 + n, 'comment_created'),
      commentId: `c${n}`,
    }));
    for (const e of comments) await record([sciA], e);
    for (const ids of [
      ['r1', 'r2'],
      ['r2', 'r3'],
    ]) {
      const n: ZohoNotificationSignal = {
        channelId: 'ch1',
        operation: 'update',
        recordIds: ids,
        receivedAt: new Date().toISOString(),
      };
      await recordIntake(db.prisma, {
        tenantId,
        source: 'ZOHO',
        eventKey: randomUUID(),
        receivedAt: new Date(),
        sciIds: [sciA],
        event: { source: 'zoho', event: n },
      });
    }
    const delivery = new RecordingDelivery();
    const d = new IntakeDispatcher(db.prisma, delivery);
    await d.dispatchOnce();
    const jiraCalls = delivery.calls.filter((c) => c.jira);
    expect(jiraCalls).toHaveLength(1);
    expect(jiraCalls[0]!.jira!.map((e) => e.eventId)).toEqual([
      updates.at(-1)!.eventId,
      ...comments.map((c) => c.eventId),
    ]);
    const zohoCalls = delivery.calls.filter((c) => c.zoho);
    expect(zohoCalls).toHaveLength(1);
    expect(zohoCalls[0]!.zoho!.recordIds.sort()).toEqual(['r1', 'r2', 'r3']);
    expect(d.stats()).toMatchObject({ rowsDelivered: 25, rowsSuperseded: 20, signalCalls: 2, failedCalls: 0 });
    expect(await db.prisma.intakeEvent.count()).toBe(0);
  });

  it('two dispatchers on one database deliver every row exactly once under a stream of events', async () => {
    const delivery = new RecordingDelivery();
    const one = new IntakeDispatcher(db.prisma, delivery, { windowMs: 5, idlePollMs: 20, batchSize: 25 });
    const two = new IntakeDispatcher(db.prisma, delivery, { windowMs: 5, idlePollMs: 20, batchSize: 25 });
    one.start();
    two.start();
    const sent: string[] = [];
    try {
      // Distinct issues, so nothing coalesces and every event id must arrive once.
      for (let i = 0; i < 300; i++) {
        const e = issueEvent(`two-${i}`, i);
        sent.push(e.eventId);
        await record([sciB], e);
        if (i % 2 === 0) one.nudge();
        else two.nudge();
      }
      await until(async () => (await db.prisma.intakeEvent.count()) === 0);
    } finally {
      await one.stop();
      await two.stop();
    }
    const got = delivery.eventIds();
    expect(got).toHaveLength(sent.length);
    expect(new Set(got)).toEqual(new Set(sent));
    // Both took part; together they delivered each row once.
    expect(one.stats().rowsDelivered).toBeGreaterThan(0);
    expect(two.stats().rowsDelivered).toBeGreaterThan(0);
    expect(one.stats().rowsDelivered + two.stats().rowsDelivered).toBe(sent.length);
  });

  it('waits out an outage with backoff and then delivers every event once', async () => {
    const delivery = new RecordingDelivery();
    const d = new IntakeDispatcher(db.prisma, delivery, {
      windowMs: 5,
      idlePollMs: 20,
      minBackoffMs: 20,
      maxBackoffMs: 200,
    });
    delivery.down = true;
    d.start();
    const sent: string[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        const e = issueEvent(`out-${i}`, i);
        sent.push(e.eventId);
        await record([sciA], e);
        d.nudge();
        if (i % 10 === 0) await sleep(20);
      }
      await sleep(1000);
      // Nothing delivered, nothing lost: the rows wait with their failure noted.
      expect(delivery.calls).toHaveLength(0);
      expect(delivery.failedCalls).toBeGreaterThan(0);
      // Backoff keeps the attempts far below one per event and per poll.
      expect(delivery.failedCalls).toBeLessThan(40);
      const waiting = await db.prisma.intakeEvent.findMany({ where: { sciId: sciA } });
      expect(waiting).toHaveLength(100);
      expect(waiting.some((r) => r.failures > 0 && r.lastError?.includes('UNAVAILABLE'))).toBe(true);
      delivery.down = false;
      await until(async () => (await db.prisma.intakeEvent.count()) === 0);
    } finally {
      await d.stop();
    }
    expect(delivery.eventIds().sort()).toEqual([...sent].sort());
  });

  it('drops rows of an SCI that no longer syncs instead of waking its workflow', async () => {
    const disabled = await db.prisma.smartConnectedItem.create({
      data: {
        tenantId,
        name: `disabled-${randomUUID().slice(0, 6)}`,
        syncMode: 'TWO_WAY',
        jiraProjectId: '10000',
        jiraProjectKey: 'DEMO',
        zohoModule: 'Deals',
      },
    });
    await record([disabled.id], issueEvent('5', 1));
    await db.prisma.smartConnectedItem.update({ where: { id: disabled.id }, data: { enabled: false } });
    const delivery = new RecordingDelivery();
    const d = new IntakeDispatcher(db.prisma, delivery);
    await d.dispatchOnce();
    expect(delivery.calls).toHaveLength(0);
    expect(d.stats().rowsDropped).toBe(1);
    expect(await db.prisma.intakeEvent.count({ where: { sciId: disabled.id } })).toBe(0);
  });
});
