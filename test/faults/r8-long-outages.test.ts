// R8: a vendor unavailable for longer than the whole activity retry budget, under live 2-Way traffic, and a
// paused SCI flooded with events. The workflow waits outages out (its own backoff, after the activity's
// retries are spent) instead of parking what it holds, and it keeps its state small with a coalesced,
// capped queue whose overflow waits in the database. Afterwards every change has landed exactly once with
// no admin action: no retry, no sync-now, no resume other than the one the test is about.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPaused } from '../../api/services/sci-controls';
import type { JiraEventSignal } from '../../workflows/messages';
import { startSyncStack, type SyncStack } from '../support/sync-stack';
import { checkLanded, report, simEditDeal, simInsertDeals, sleep } from './support';

const AMOUNT = 'customfield_10034';
/** 2 Way, Amount both-owned (latest change wins), auto-create. */
const TWO_WAY_DEALS = {
  syncMode: 'TWO_WAY' as const,
  jiraProjectId: '10000',
  jiraIssueTypeId: '10001',
  zohoModule: 'Deals',
  fieldMappings: [
    { zohoField: 'Deal_Name', jiraField: 'summary', owner: 'ZOHO' as const },
    { zohoField: 'Amount', jiraField: AMOUNT },
  ],
  options: { autoCreate: true },
};
/**
 * The activity retry budget these workflows run with: 3 attempts, 1 s then 2 s apart (production: 8 attempts,
 * up to 2 minutes apart). The outages below last several times that; the workflow's own backoff is capped at
 * 4 s here so the test does not sit idle after the outage ends.
 */
/** The deployment settings of this file's stack: short polls, few tries, short backoff (recovery within the test). */
const SETTINGS = { SCI_POLL_INTERVAL: '2s', SCI_ACTIVITY_ATTEMPTS: '3', SCI_MAX_BACKOFF: '4s', SCI_HEARTBEAT_TIMEOUT: '10s' };
const OUTAGE_MS = 25_000;

let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack({ app: { env: SETTINGS } });
}, 180_000);

afterAll(async () => {
  await s?.close();
});

let seq = 0;
function issueEvent(issueId: string, at = Date.now()): JiraEventSignal {
  seq += 1;
  return { eventId: `r8-${seq}-${randomUUID().slice(0, 8)}`, kind: 'issue_updated', issueId, occurredAt: new Date(at).toISOString(), changedFields: [AMOUNT] };
}

async function linksOf(sciId: string, n: number) {
  return s.eventually(() => s.t.db.prisma.recordLink.findMany({ where: { sciId } }), (l) => l.length === n, 60_000);
}

describe('R8: long outages and floods', () => {
  it('a Zoho outage, then a Jira outage, each longer than the activity retry budget: every change lands once, nothing parked', async () => {
    const sci = await s.createSci({ name: `r8-outage-${randomUUID().slice(0, 6)}`, ...TWO_WAY_DEALS });
    const ids = await simInsertDeals(s, Array.from({ length: 8 }, (_, i) => ({ Deal_Name: `R8 outage ${i} ${randomUUID().slice(0, 6)}`, Amount: 1 })));
    const links = await linksOf(sci.id, ids.length);
    const byRecord = new Map(links.map((l) => [l.zohoRecordId, l]));
    const jiraSide = ids.slice(0, 4); // edited in Jira
    const zohoSide = ids.slice(4); // edited in Zoho
    const creates = s.t.jira.store.issues.size;

    // Zoho is down. People keep editing: Jira issues (their events reach the workflow through the API's door)
    // and Zoho records (through the simulator's control surface, which the outage does not touch).
    const zohoDown = Date.now();
    s.t.zoho!.setOutage({ durationMs: OUTAGE_MS });
    let failedTries = 0;
    for (let round = 1; round <= 3; round++) {
      for (const id of jiraSide) {
        const link = byRecord.get(id)!;
        await s.jira.issues.edit(link.jiraIssueId, { fields: { [AMOUNT]: 1000 + round } });
        await s.t.deps.workflows.deliverJiraEvents(sci, [issueEvent(link.jiraIssueId)]);
      }
      for (const id of zohoSide) await simEditDeal(s, id, { Amount: 2000 + round });
      await sleep(3000);
    }
    failedTries = Math.max(failedTries, (await s.status(sci)).failedTries ?? 0);
    await s.eventually(() => s.status(sci), (st) => (st.failedTries ?? 0) >= 1, OUTAGE_MS);
    expect((await s.status(sci)).parkedEvents).toBe(0);
    await sleep(Math.max(0, zohoDown + OUTAGE_MS - Date.now()));

    // Then Jira is down while Zoho records keep changing.
    s.t.jira.setOutage({ durationMs: OUTAGE_MS });
    const jiraDown = Date.now();
    for (const id of zohoSide) await simEditDeal(s, id, { Amount: 3000 });
    const during = await s.eventually(() => s.status(sci), (st) => (st.failedTries ?? 0) >= 1 && Date.now() - jiraDown > 8000, OUTAGE_MS);
    failedTries = Math.max(failedTries, during.failedTries ?? 0);
    expect(during.parkedEvents).toBe(0);

    // No admin action from here on: the workflow comes back on its own.
    const zohoFinal = new Map(jiraSide.map((id) => [id, 1003]));
    const jiraFinal = new Map(zohoSide.map((id) => [id, { field: AMOUNT, value: 3000 }]));
    await s.eventually(
      async () => {
        const landed = checkLanded(s, sci, jiraFinal);
        const records = await Promise.all(jiraSide.map((id) => s.zoho.records.get('Deals', id, { fields: ['Amount'] })));
        return { landed, zohoOk: records.every((r, i) => r?.Amount === zohoFinal.get(jiraSide[i]!)) };
      },
      (v) => v.zohoOk && v.landed.stale.length === 0 && v.landed.lost.length === 0,
      120_000,
    );
    const status = await s.status(sci);
    const landed = checkLanded(s, sci, new Map(ids.map((id) => [id, { field: 'summary', value: s.t.jira.store.issue(byRecord.get(id)!.jiraIssueId)?.values.summary }])));
    report('R8 outages', {
      outageMs: OUTAGE_MS,
      activityAttempts: s.t.config.SCI_ACTIVITY_ATTEMPTS,
      workflowFailedTriesSeen: failedTries,
      records: ids.length,
      duplicated: landed.duplicated.length,
      parked: status.parkedEvents,
      recoveredAfterSeconds: Math.round((Date.now() - jiraDown - OUTAGE_MS) / 1000),
    });
    expect(failedTries).toBeGreaterThanOrEqual(1);
    expect(landed.duplicated).toEqual([]);
    expect(s.t.jira.store.issues.size).toBe(creates);
    expect(status.parkedEvents).toBe(0);
    expect(await s.t.db.prisma.sciQueuedEvent.count({ where: { sciId: sci.id } })).toBe(0);
    await s.t.deps.workflows.stop(sci, 'test done');
  }, 240_000);

  it('a paused SCI receiving 20,000 events stays healthy and small; after resume every issue ends in its latest state', async () => {
    const sci = await s.createSci({ name: `r8-flood-${randomUUID().slice(0, 6)}`, ...TWO_WAY_DEALS }, {
      // Created through an API replica with these settings over SETTINGS: no polls during the flood, and a
      // history short enough that the flood makes the workflow continue as new.
      settings: { SCI_POLL_INTERVAL: '1h', SCI_MAX_HISTORY_EVENTS: '150' },
    });
    const ids = await simInsertDeals(s, Array.from({ length: 20 }, (_, i) => ({ Deal_Name: `R8 flood ${i} ${randomUUID().slice(0, 6)}`, Amount: 1 })));
    await s.syncNow(sci);
    const links = await linksOf(sci.id, ids.length);
    const row = await s.t.db.prisma.smartConnectedItem.findUniqueOrThrow({ where: { id: sci.id } });
    await setPaused(s.t.deps, row, true);
    await s.eventually(() => s.status(sci), (st) => st.state === 'paused');

    // The flood: every linked issue edited 250 times (the last edit is the truth), plus 15,000 events for
    // 1,500 issues of other projects the SCI does not link (each distinct: more than the queue's cap).
    const final = new Map<string, number>();
    const events: JiraEventSignal[] = [];
    const t0 = Date.now() - 60_000;
    for (let round = 0; round < 250; round++) {
      for (const l of links) events.push(issueEvent(l.jiraIssueId, t0 + round * 10));
    }
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 1500; i++) events.push(issueEvent(String(900_000 + i), t0 + round * 10));
    }
    expect(events.length).toBe(20_000);
    for (const [i, l] of links.entries()) {
      final.set(l.zohoRecordId, 5000 + i);
      await s.jira.issues.edit(l.jiraIssueId, { fields: { [AMOUNT]: 5000 + i } });
    }
    const started = Date.now();
    // 200 signals of 100 events, 20 at a time: a burst as several API replicas would deliver it, uncoalesced.
    const chunks = Array.from({ length: events.length / 100 }, (_, i) => events.slice(i * 100, (i + 1) * 100));
    for (let i = 0; i < chunks.length; i += 20) {
      await Promise.all(chunks.slice(i, i + 20).map((chunk) => s.t.deps.workflows.deliverJiraEvents(sci, chunk)));
    }
    const intakeSeconds = (Date.now() - started) / 1000;

    const held = await s.eventually(() => s.status(sci), (st) => st.state === 'paused' && st.pendingEvents === links.length + 1500 && st.generation >= 1, 120_000);
    const handle = s.t.temporal.client.workflow.getHandle(s.t.deps.workflows.workflowId(sci));
    const described = await handle.describe();
    // The current run's input is what continue-as-new carried: ids of a capped, coalesced queue, not 20,000 events.
    const history = await handle.fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data?.length ?? 0;
    const stored = await s.t.db.prisma.sciQueuedEvent.count({ where: { sciId: sci.id, state: 'QUEUED' } });
    expect(described.status.name).toBe('RUNNING');
    expect(held.generation).toBeGreaterThanOrEqual(1); // it continued as new during the flood
    expect(input).toBeLessThan(256 * 1024);
    expect(stored).toBeGreaterThan(0);
    expect(held.parkedEvents).toBe(0);

    await setPaused(s.t.deps, { ...row, paused: true }, false);
    await s.eventually(
      async () => Promise.all(links.map((l) => s.zoho.records.get('Deals', l.zohoRecordId, { fields: ['Amount'] }))),
      (records) => records.every((r, i) => r?.Amount === final.get(links[i]!.zohoRecordId)),
      180_000,
    );
    const after = await s.eventually(() => s.status(sci), (st) => st.pendingEvents === 0, 120_000);
    report('R8 flood', {
      events: events.length,
      intakeSeconds: Number(intakeSeconds.toFixed(1)),
      pendingWhilePaused: held.pendingEvents,
      storedInDatabase: stored,
      continueAsNewInputBytes: input,
      generation: held.generation,
      parked: after.parkedEvents,
    });
    expect(after.parkedEvents).toBe(0);
    await s.t.deps.workflows.stop(sci, 'test done');
  }, 400_000);
});
