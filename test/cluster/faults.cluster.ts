// R1 and R2 on the production topology (`npm run test:cluster`): PostgreSQL, the full Temporal server on it,
// two worker processes, two API processes behind haproxy, the simulators. One cluster for the file; each
// part checks what the simulators hold, not what our database says.
//   1. One of the two workers is SIGKILLed while it runs the SCI's sync: the other takes over; every record
//      lands on exactly one Jira issue with its final values and no edit is written twice.
//   2. The Temporal server and PostgreSQL are restarted during a burst: the workflow goes on in the same run;
//      nothing lost or duplicated.
//   3. One API process is SIGKILLed while Jira comment events stream in through haproxy: every event is
//      acknowledged (haproxy sends the cut requests to the other API, Forge redelivers the rest) and every
//      comment becomes exactly one Zoho note.
import { randomInt, randomUUID } from 'node:crypto';
import { adfToText, createJiraClient } from '../../clients/jira';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmartConnectedItem } from '../../prisma/generated/client';
import { DEAL_SCI, ExchangeTally, report, sleep } from '../faults/support';
import { connectAppOAuth, createSci, describe as describeWorkflow, editDeal, eventually, insertDeals, landed, startTestCluster, type TestCluster } from './support';

const jiraTally = new ExchangeTally();
let t: TestCluster;
let sci: SmartConnectedItem;
const expected = new Map<string, { field: string; value: unknown }>();
const editsMade = new Map<string, number>();

function issueWrites(): Map<string, number> {
  const byRecord = new Map<string, number>();
  for (const [recordId, issues] of landed(t, sci, expected).issuesByRecord) {
    const issue = t.c.sandbox.jira.store.issue(issues[0]!)!;
    byRecord.set(recordId, (jiraTally.issueEdits.get(issue.id) ?? 0) + (jiraTally.issueEdits.get(issue.key) ?? 0));
  }
  return byRecord;
}

/** New deals, then `edits` rounds of Amount edits a second apart (Zoho's Modified_Time has 1 s resolution). */
async function burst(prefix: string, deals: number, edits: number, during?: { atRound: number; fn: () => Promise<void> }): Promise<void> {
  const ids = await insertDeals(t, Array.from({ length: deals }, (_, i) => ({ Deal_Name: `${prefix} ${i} ${randomUUID().slice(0, 6)}`, Amount: 1 })));
  let pending: Promise<void> | undefined;
  for (let e = 1; e <= edits; e++) {
    await sleep(1100);
    for (const id of ids) {
      const amount = randomInt(2, 1_000_000);
      await editDeal(t, id, { Amount: amount });
      expected.set(id, { field: 'customfield_10034', value: amount });
      editsMade.set(id, (editsMade.get(id) ?? 0) + 1);
    }
    if (during?.atRound === e) pending = during.fn();
  }
  await pending;
}

async function allLanded(timeoutMs: number) {
  return eventually(() => landed(t, sci, expected), (c) => c.lost.length === 0 && c.stale.length === 0, timeoutMs, 'every record on its issue with its final values');
}

beforeAll(async () => {
  t = await startTestCluster({ jiraOnExchange: jiraTally.hook });
  await connectAppOAuth(t);
  sci = await createSci(t, { name: `cluster-r1-${randomUUID().slice(0, 6)}`, ...DEAL_SCI });
  await eventually(() => t.db.prisma.syncRun.count({ where: { sciId: sci.id } }), (n) => n >= 1, 120_000, 'first sync run');
}, 600_000);

afterAll(async () => {
  await t?.close();
});

describe('cluster: two workers, two APIs, Temporal server on PostgreSQL', () => {
  it('R1: a worker SIGKILLed during a sync; the other takes over; nothing lost or written twice', async () => {
    const [w1, w2] = t.c.workers;
    let victim = '';
    let killedWhileRunning = false;
    await burst('R1 deal', 8, 3, {
      atRound: 2,
      fn: async () => {
        // The worker whose pid is the identity (`pid@host`) of the SCI's running activity, else the first.
        const running = await eventually(() => describeWorkflow(t, sci.workflowId!), (d) => d.activityWorkers.length > 0, 5000, 'a running sync activity').catch(() => undefined);
        const identity = running?.activityWorkers[0] ?? '';
        const target = [w1!, w2!].find((w) => identity.startsWith(`${w.pid()}@`)) ?? w1!;
        killedWhileRunning = identity.startsWith(`${target.pid()}@`);
        victim = target.name;
        await target.kill();
      },
    });
    const final = await allLanded(240_000);
    await sleep(4000); // more polls: nothing may be created or written after the fact
    const after = landed(t, sci, expected);
    const overWritten = [...issueWrites()].filter(([id, writes]) => writes > (editsMade.get(id) ?? 0)).map(([id]) => id);
    const survivors = t.c.workers.filter((w) => w.running()).map((w) => w.name);
    report('cluster R1 worker SIGKILL', {
      victim,
      killedWhileRunningTheSync: killedWhileRunning,
      survivors,
      records: expected.size,
      jiraIssueCreates: jiraTally.issueCreates,
      lost: after.lost.length,
      duplicated: after.duplicated.length,
      writtenTwice: overWritten.length,
    });
    expect(survivors).toHaveLength(1);
    expect(final.lost).toEqual([]);
    expect(after.duplicated).toEqual([]);
    expect(after.stale).toEqual([]);
    expect(jiraTally.issueCreates).toBe(expected.size);
    expect(overWritten).toEqual([]);
    // The killed worker comes back for the next parts.
    for (const w of t.c.workers) await w.start();
  }, 420_000);

  it('R2: Temporal server and PostgreSQL restarted during a burst; the workflow resumes in the same run', async () => {
    const before = await describeWorkflow(t, sci.workflowId!);
    const restarts: { downMs: number }[] = [];
    await burst('R2 deal', 6, 2, {
      atRound: 1,
      fn: async () => {
        await sleep(randomInt(100, 1500));
        const t0 = Date.now();
        await t.c.temporal.stop();
        t.c.postgres.stop('fast');
        await sleep(2000);
        t.c.postgres.start();
        await t.c.temporal.start();
        restarts.push({ downMs: Date.now() - t0 });
      },
    });
    const final = await allLanded(300_000);
    await sleep(4000);
    const after = landed(t, sci, expected);
    const d = await describeWorkflow(t, sci.workflowId!);
    report('cluster R2 Temporal + PostgreSQL restart', {
      downSeconds: restarts.map((r) => Math.round(r.downMs / 100) / 10),
      records: expected.size,
      jiraIssueCreates: jiraTally.issueCreates,
      lost: after.lost.length,
      duplicated: after.duplicated.length,
      sameRun: d.runId === before.runId,
      workersUp: t.c.workers.filter((w) => w.running()).length,
      apisUp: t.c.apis.filter((a) => a.running()).length,
    });
    expect(restarts).toHaveLength(1);
    expect(final.lost).toEqual([]);
    expect(after.duplicated).toEqual([]);
    expect(after.stale).toEqual([]);
    expect(jiraTally.issueCreates).toBe(expected.size);
    expect(d.status).toBe(1); // RUNNING
    expect(d.runId).toBe(before.runId);
    expect(t.c.workers.every((w) => w.running())).toBe(true);
    expect(t.c.apis.every((a) => a.running())).toBe(true);
  }, 480_000);

  it('an API process SIGKILLed under Jira event load; every event acknowledged and applied exactly once', async () => {
    // The SCI becomes 2 Way with notes sync (a configuration change through the API): its linked issues
    // now send their comments to Zoho.
    const edited = await t.api('PUT', `/scis/${sci.id}`, {
      name: sci.name,
      ...DEAL_SCI,
      syncMode: 'TWO_WAY',
      fieldMappings: DEAL_SCI.fieldMappings.map((m) => ({ ...m, owner: 'BOTH' })),
      options: { autoCreate: true, notesSync: true },
    });
    expect(edited.status).toBe(200);
    const runs = await t.db.prisma.syncRun.count({ where: { sciId: sci.id } });
    await eventually(() => t.db.prisma.syncRun.count({ where: { sciId: sci.id } }), (n) => n > runs + 1, 60_000, 'sync runs after the change');
    const links = (await t.db.prisma.recordLink.findMany({ where: { sciId: sci.id }, orderBy: { createdAt: 'asc' } })).slice(0, 10);
    expect(links).toHaveLength(10);

    const jira = t.c.sandbox.jira;
    const person = createJiraClient({ baseUrl: jira.url, auth: { type: 'basic', ...jira.basicAuth } });
    const deliveriesBefore = jira.deliveries.length;
    const COMMENTS_PER_ISSUE = 12;
    const tokens = new Map<string, string>(); // token → deal id
    const jobs = links.flatMap((l) => Array.from({ length: COMMENTS_PER_ISSUE }, () => ({ issue: l.jiraIssueId, deal: l.zohoRecordId })));
    const killAfter = Math.floor(jobs.length * 0.3);
    let sent = 0;
    let killed: string | undefined;
    const worker = async () => {
      for (;;) {
        const job = jobs.shift();
        if (!job) return;
        const token = `cluster-comment-${randomUUID()}`;
        tokens.set(token, job.deal);
        await person.comments.add(job.issue, { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: `Jira side ${token}` }] }] });
        sent += 1;
        if (sent === killAfter && !killed) {
          killed = t.c.apis[0]!.name;
          await t.c.apis[0]!.kill();
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));

    const commentEvents = () => jira.deliveries.slice(deliveriesBefore).filter((d) => d.eventType === 'avi:jira:commented:issue');
    await eventually(() => commentEvents(), (ds) => ds.length === tokens.size && ds.every((d) => d.state === 'delivered' || d.state === 'failed'), 180_000, 'every comment event delivered');
    const notesFor = () => {
      const counts = new Map<string, { deal: string; notes: number }>();
      for (const [token, deal] of tokens) counts.set(token, { deal, notes: 0 });
      for (const n of t.c.sandbox.zoho.sim.store.notes.values()) {
        const token = /cluster-comment-[0-9a-f-]{36}/.exec(n.content)?.[0];
        const entry = token ? counts.get(token) : undefined;
        if (entry && n.parentId === entry.deal) entry.notes += 1;
      }
      return counts;
    };
    await eventually(() => [...notesFor().values()], (c) => c.every((x) => x.notes >= 1), 240_000, 'a Zoho note per comment');
    await sleep(5000); // more polls and any late redelivery: still one note each
    const counts = [...notesFor().values()];
    const deliveries = commentEvents();
    const mirroredBack = [...jira.store.issues.values()].flatMap((i) => i.comments ?? []).filter((c) => /cluster-comment-/.test(adfToText(c.body as never))).length;
    report('cluster API SIGKILL under event load', {
      killed,
      comments: tokens.size,
      deliveries: deliveries.length,
      delivered: deliveries.filter((d) => d.state === 'delivered').length,
      redelivered: deliveries.filter((d) => d.attempts.length > 1).length,
      attemptStatuses: deliveries.flatMap((d) => d.attempts.map((a) => a.status ?? a.error ?? 'none')).reduce<Record<string, number>>((m, s) => ({ ...m, [String(s)]: (m[String(s)] ?? 0) + 1 }), {}),
      notesMissing: counts.filter((c) => c.notes === 0).length,
      notesDoubled: counts.filter((c) => c.notes > 1).length,
      commentsInJira: mirroredBack,
    });
    expect(killed).toBeDefined();
    expect(deliveries).toHaveLength(tokens.size);
    expect(deliveries.filter((d) => d.state !== 'delivered')).toEqual([]);
    expect(counts.filter((c) => c.notes !== 1)).toEqual([]);
    // No echo: the comments in Jira are the people's, none mirrored back from the notes.
    expect(mirroredBack).toBe(tokens.size);
    await t.c.apis[0]!.start();
  }, 600_000);
});
