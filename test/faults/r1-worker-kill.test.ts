// R1: the worker process is killed with SIGKILL at random points of a burst of CRM changes (new records and
// edits), and a new worker process takes over each time. Afterwards every record sits on exactly one Jira
// issue with its final values, and no edit was written twice — counted in the Jira simulator itself.
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmartConnectedItem } from '../../prisma/generated/client';
import { startSyncStack, type SyncStack } from '../support/sync-stack';
import { checkLanded, DEAL_SCI, ExchangeTally, insertDeals, killHard, report, sleep, spawnWorker, workerEnv, type WorkerProcess } from './support';

const WAVES = 3;
const DEALS_PER_WAVE = 8;
const EDITS_PER_DEAL = 3;

/** Kills in all: two at random Jira write counts, one at a random moment. */
const KILLS = 3;
const WRITE_KILLS = 2;

const jiraTally = new ExchangeTally();
let s: SyncStack;
let worker: WorkerProcess | undefined;
let kills = 0;
let writeKills = 0;
/** Jira write count at which the running worker dies; armed once a worker is up, at a random distance. */
let killAt: number | undefined;
const killLog: string[] = [];

function jiraWrites(): number {
  return jiraTally.issueCreates + [...jiraTally.issueEdits.values()].reduce((a, b) => a + b, 0);
}

/** A new worker process; once it runs, the next kill is armed a random 1–5 Jira writes ahead. */
function startWorker(): void {
  const w = spawnWorker(workerEnv(s));
  worker = w;
  // A worker killed while it starts never gets here; that rejection is expected, not an error.
  void w.ready.then(
    () => {
      if (worker === w && writeKills < WRITE_KILLS) killAt = jiraWrites() + randomInt(1, 6);
    },
    () => undefined,
  );
}

function killAndRestart(reason: string): void {
  const victim = worker;
  if (!victim || victim.child.exitCode !== null) return;
  kills += 1;
  killAt = undefined;
  killLog.push(`${reason} at ${jiraWrites()} Jira writes`);
  victim.child.kill('SIGKILL');
  startWorker();
}

beforeAll(async () => {
  s = await startSyncStack({
    inProcessWorker: false,
    app: {
      env: { SCI_POLL_INTERVAL: '1s', SCI_HEARTBEAT_TIMEOUT: '10s' },
      jira: {
        onExchange: (x) => {
          jiraTally.hook(x);
          if (killAt !== undefined && jiraWrites() >= killAt) {
            writeKills += 1;
            killAndRestart('kill after a Jira write');
          }
        },
      },
    },
  });
}, 180_000);

afterAll(async () => {
  await killHard(worker?.child);
  await s?.close();
});

describe('R1: worker killed (SIGKILL) at random points of a sync burst', () => {
  it('every record lands on exactly one issue with its final values; no write twice', async () => {
    startWorker();
    await worker!.ready;
    const sci: SmartConnectedItem = await s.createSci(
      { name: `r1-${randomUUID().slice(0, 6)}`, ...DEAL_SCI },
      { waitForFirstRun: false },
    );
    await s.eventually(() => s.status(sci), (st) => st.runs >= 1, 180_000);

    // Kills: one at a random moment of the second wave's edits, the others at random Jira write counts
    // (armed whenever a worker is up), so they land anywhere in a sync: mid-create, mid-edit, mid-page.
    killAt = jiraWrites() + randomInt(1, 6);
    const timedKillAfterMs = randomInt(200, 3000);

    const expected = new Map<string, { field: string; value: unknown }>();
    const editsMade = new Map<string, number>();
    for (let w = 0; w < WAVES; w++) {
      const ids = await insertDeals(
        s,
        Array.from({ length: DEALS_PER_WAVE }, (_, i) => `R1 deal ${w}-${i} ${randomUUID().slice(0, 6)}`),
        { Amount: 1 },
      );
      for (let e = 1; e <= EDITS_PER_DEAL; e++) {
        await sleep(1100); // Zoho's Modified_Time has one-second resolution: each edit is its own change
        const amount = w * 1000 + e * 10;
        const rows = await s.zoho.records.update('Deals', ids.map((id) => ({ id, Amount: amount })));
        expect(rows.every((r) => r.ok)).toBe(true);
        for (const id of ids) {
          expected.set(id, { field: 'customfield_10034', value: amount });
          editsMade.set(id, (editsMade.get(id) ?? 0) + 1);
        }
        if (w === 1 && e === 2) setTimeout(() => killAndRestart(`timed kill ${timedKillAfterMs} ms into an edit round`), timedKillAfterMs);
      }
    }

    const landed = await s
      .eventually(
        async () => checkLanded(s, sci, expected),
        (c) => c.lost.length === 0 && c.stale.length === 0,
        300_000,
      )
      .catch(async (err: unknown) => {
        // What the engine said about its runs, to tell a lost record from a slow one.
        const runs = await s.t.db.prisma.syncRun.findMany({ where: { sciId: sci.id }, orderBy: { startedAt: 'desc' }, take: 8 });
        const st = await s.status(sci).catch(() => undefined);
        console.error('[faults] R1 diagnostics', JSON.stringify({ kills, status: st, runs: runs.map((r) => ({ at: r.startedAt, outcome: r.outcome, seen: r.recordsSeen, created: r.recordsCreated, errors: r.errors })) }, null, 1));
        throw err;
      });
    await sleep(3000); // a few more polls: nothing may be created or written after the fact
    const final = checkLanded(s, sci, expected);

    const overWritten: string[] = [];
    for (const [recordId, issues] of landed.issuesByRecord) {
      const issue = s.t.jira.store.issue(issues[0]!)!;
      const writes = (jiraTally.issueEdits.get(issue.id) ?? 0) + (jiraTally.issueEdits.get(issue.key) ?? 0);
      if (writes > (editsMade.get(recordId) ?? 0)) overWritten.push(recordId);
    }
    const links = await s.t.db.prisma.recordLink.count({ where: { sciId: sci.id } });
    report('R1 worker SIGKILL', {
      workerKills: kills,
      kills: killLog,
      records: expected.size,
      editsMade: [...editsMade.values()].reduce((a, b) => a + b, 0),
      jiraIssueCreates: jiraTally.issueCreates,
      jiraIssueEdits: [...jiraTally.issueEdits.values()].reduce((a, b) => a + b, 0),
      lost: final.lost.length,
      duplicated: final.duplicated.length,
      writtenTwice: overWritten.length,
    });
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    expect(final.lost).toEqual([]);
    expect(final.duplicated).toEqual([]);
    expect(final.stale).toEqual([]);
    expect(jiraTally.issueCreates).toBe(expected.size);
    expect(links).toBe(expected.size);
    expect(overWritten).toEqual([]);
    await s.t.deps.workflows.stop(sci, 'test done');
  }, 600_000);
});
