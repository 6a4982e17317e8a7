// The event intake's delivery side (P6): runs in every API process and hands IntakeEvent outbox rows to the
// SCI workflows.
//
// - Claiming: one UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) sets a lease (owner + expiry) on
//   the oldest unleased rows, so any number of dispatchers share one database without taking the same row;
//   a row whose lease ran out (its dispatcher died) is claimed again. Statements are short and nothing
//   is held open during a Temporal call (PGlite serves every connection from one backend).
// - Coalescing: the claimed rows are grouped per SCI and reduced with the workflow's own queue rules
//   (workflows/event-queue.ts: only the latest event per issue, comment, attachment or Zoho record); each SCI
//   gets one `jiraEvents` signal-with-start per window (chunks of MAX_EVENTS_PER_SIGNAL) and one
//   `zohoNotification` per channel and operation.
// - Completion: rows go only once the signals carrying their events returned; a failed delivery puts its
//   rows back with a per-row backoff (doubling up to maxBackoffMs) and the dispatcher itself waits while no
//   delivery succeeds, so a Temporal outage of any length is waited out and nothing is dropped.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../lib/logger';
import type { PrismaClient, SmartConnectedItem } from '../../prisma/generated/client';
import { CoalescingQueue, eventKey, splitEvent } from '../../workflows/event-queue';
import type { JiraEventSignal, PendingEvent, ZohoNotificationSignal } from '../../workflows/messages';
import { isAutomated, sciRef } from './sci-automation';
import type { SciRef } from './sci-workflows';

/** What the dispatcher needs of Temporal (SciWorkflows). */
export interface IntakeDelivery {
  deliverJiraEvents(sci: SciRef, events: JiraEventSignal[], timeoutMs?: number): Promise<void>;
  zohoNotification(sci: SciRef, notification: ZohoNotificationSignal, timeoutMs?: number): Promise<void>;
}

export interface IntakeDispatcherOptions {
  /** After an event arrives, how long to wait for more before delivering (the coalescing window). */
  windowMs?: number;
  /** How often to look for rows without being told (another process's, or back from a backoff). */
  idlePollMs?: number;
  /** Rows claimed per pass. */
  batchSize?: number;
  /** How long a claim holds; longer than callTimeoutMs, so a live dispatcher never loses its rows. */
  leaseMs?: number;
  /** gRPC deadline of each Temporal call. */
  callTimeoutMs?: number;
  /** First and longest wait after failed deliveries. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Temporal calls in flight at once (different SCIs). */
  concurrency?: number;
  /** Lease owner name (default: a random id per dispatcher). */
  owner?: string;
}

/** Jira events per signal: payloads stay far below Temporal's 2 MB request limit. */
export const MAX_EVENTS_PER_SIGNAL = 500;

export interface IntakeCounters {
  /** Outbox rows delivered (one per event and SCI), including those a newer event superseded. */
  rowsDelivered: number;
  /** Of those, rows whose event a newer one for the same thing replaced before delivery. */
  rowsSuperseded: number;
  /** Rows dropped without delivery: the SCI is disabled or Display-only now, or its tenant uninstalled. */
  rowsDropped: number;
  /** Temporal calls made (each a signal-with-start) and how many of them failed. */
  signalCalls: number;
  failedCalls: number;
  /** Age (ms) of the oldest row in the last delivered pass, when it was delivered. */
  lastLagMs: number;
}

interface ClaimedRow {
  id: bigint;
  tenantId: string;
  sciId: string;
  payload: unknown;
  created_ms: number;
}

interface Signal {
  send: () => Promise<void>;
  ok?: boolean;
}

export class IntakeDispatcher {
  readonly owner: string;
  private readonly o: Required<Omit<IntakeDispatcherOptions, 'owner'>>;
  private readonly counters: IntakeCounters = {
    rowsDelivered: 0,
    rowsSuperseded: 0,
    rowsDropped: 0,
    signalCalls: 0,
    failedCalls: 0,
    lastLagMs: 0,
  };
  private running = false;
  private loop: Promise<void> | undefined;
  private nudged = false;
  private wake: (() => void) | undefined;
  private readonly stopping = new AbortController();
  private log: Pick<Logger, 'info' | 'warn' | 'debug'> | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly delivery: IntakeDelivery,
    opts: IntakeDispatcherOptions = {},
  ) {
    this.owner = opts.owner ?? `intake-${randomUUID()}`;
    this.o = {
      windowMs: opts.windowMs ?? 50,
      idlePollMs: opts.idlePollMs ?? 1000,
      batchSize: opts.batchSize ?? 2000,
      leaseMs: opts.leaseMs ?? 120_000,
      callTimeoutMs: opts.callTimeoutMs ?? 20_000,
      minBackoffMs: opts.minBackoffMs ?? 250,
      maxBackoffMs: opts.maxBackoffMs ?? 10_000,
      concurrency: opts.concurrency ?? 8,
    };
  }

  /** Starts the delivery loop (idempotent). */
  start(log?: Pick<Logger, 'info' | 'warn' | 'debug'>): void {
    if (this.running) return;
    this.log = log;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the pass in flight; rows it could not finish keep their lease until it runs out. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping.abort();
    this.wake?.();
    await this.loop;
  }

  /** An event was recorded in this process: deliver within the coalescing window instead of the idle poll. */
  nudge(): void {
    this.nudged = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** What this dispatcher has done since it was created (for metrics and the benchmark). */
  stats(): IntakeCounters {
    return { ...this.counters };
  }

  private async run(): Promise<void> {
    let backoffMs = 0;
    while (this.running) {
      let pass: { claimed: number; delivered: number; failed: number };
      try {
        pass = await this.dispatchOnce();
      } catch (err) {
        // The database itself failed (claim or completion): same waiting as a Temporal outage.
        this.log?.warn({ err }, 'intake dispatcher pass failed; trying again');
        pass = { claimed: 0, delivered: 0, failed: 1 };
      }
      if (pass.failed > 0 && pass.delivered === 0) {
        backoffMs = Math.min(this.o.maxBackoffMs, backoffMs === 0 ? this.o.minBackoffMs : backoffMs * 2);
        await this.pause(backoffMs);
        continue;
      }
      backoffMs = 0;
      if (pass.claimed >= this.o.batchSize) continue; // more waiting: no pause
      await this.idle(this.o.idlePollMs);
      if (this.nudged) await this.pause(this.o.windowMs);
    }
  }

  private async pause(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.stopping.signal });
    } catch {
      // stopped
    }
  }

  /** Waits for a nudge, the stop, or `ms`. */
  private async idle(ms: number): Promise<void> {
    if (this.nudged || !this.running) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /**
   * One pass: claim up to batchSize rows, deliver them per SCI, delete what was delivered, put back the rest.
   * `delivered`/`failed` count SCIs.
   */
  async dispatchOnce(): Promise<{ claimed: number; delivered: number; failed: number }> {
    this.nudged = false;
    const rows = await this.claim();
    if (rows.length === 0) return { claimed: 0, delivered: 0, failed: 0 };
    rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

    const bySci = new Map<string, ClaimedRow[]>();
    for (const r of rows) {
      const list = bySci.get(r.sciId);
      if (list) list.push(r);
      else bySci.set(r.sciId, [r]);
    }
    const scis = await this.prisma.smartConnectedItem.findMany({
      where: { id: { in: [...bySci.keys()] } },
      include: { tenant: { select: { status: true } } },
    });
    const sciById = new Map(scis.map((s) => [s.id, s]));

    const done: bigint[] = [];
    const dropped: bigint[] = [];
    const failed: { ids: bigint[]; error: string }[] = [];
    let delivered = 0;
    let oldestDeliveredMs = Infinity;
    const work = [...bySci.entries()];
    const worker = async () => {
      for (let next = work.shift(); next; next = work.shift()) {
        const [sciId, sciRows] = next;
        const sci = sciById.get(sciId);
        if (!sci || !isAutomated(sci) || sci.tenant.status !== 'ACTIVE') {
          // Nothing would act on it: the route would not have recorded it for this SCI today.
          for (const r of sciRows) dropped.push(r.id);
          continue;
        }
        const outcome = await this.deliverToSci(sci, sciRows);
        done.push(...outcome.done);
        if (outcome.done.length > 0) {
          delivered += 1;
          for (const r of sciRows) oldestDeliveredMs = Math.min(oldestDeliveredMs, r.created_ms);
        }
        if (outcome.failed.length > 0) failed.push({ ids: outcome.failed, error: outcome.error ?? 'unknown' });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, work.length) }, worker));

    const finished = [...done, ...dropped];
    // One array parameter, however many rows (an IN list would carry one parameter per row).
    if (finished.length > 0) {
      await this.prisma
        .$executeRaw`DELETE FROM "IntakeEvent" WHERE "id" = ANY(${finished.map(String)}::bigint[]) AND "leaseOwner" = ${this.owner}`;
    }
    for (const f of failed) await this.release(f.ids, f.error);
    this.counters.rowsDelivered += done.length;
    this.counters.rowsDropped += dropped.length;
    if (Number.isFinite(oldestDeliveredMs)) this.counters.lastLagMs = Math.max(0, Date.now() - oldestDeliveredMs);
    if (dropped.length > 0) this.log?.debug({ rows: dropped.length }, 'intake rows dropped: their SCI no longer syncs');
    return { claimed: rows.length, delivered, failed: failed.length };
  }

  /** Coalesces one SCI's rows and sends its signals; says which rows are delivered and which failed. */
  private async deliverToSci(
    sci: SmartConnectedItem,
    rows: ClaimedRow[],
  ): Promise<{ done: bigint[]; failed: bigint[]; error?: string }> {
    const ref = sciRef(sci);
    const queue = new CoalescingQueue([]);
    const partsOf = new Map<ClaimedRow, PendingEvent[]>();
    for (const r of rows) {
      const parts = splitEvent(r.payload as PendingEvent);
      partsOf.set(r, parts);
      for (const one of parts) queue.offer(one, Infinity);
    }

    // Which signal carries each key's surviving event.
    const signalOfKey = new Map<string, Signal>();
    const signals: Signal[] = [];
    const jira = queue.items.filter((p): p is Extract<PendingEvent, { source: 'jira' }> => p.source === 'jira');
    for (let i = 0; i < jira.length; i += MAX_EVENTS_PER_SIGNAL) {
      const chunk = jira.slice(i, i + MAX_EVENTS_PER_SIGNAL);
      const signal: Signal = {
        send: () =>
          this.delivery.deliverJiraEvents(
            ref,
            chunk.map((p) => p.event),
            this.o.callTimeoutMs,
          ),
      };
      signals.push(signal);
      for (const p of chunk) signalOfKey.set(eventKey(p), signal);
    }
    // Zoho: after coalescing each record stands once; records of one channel and operation travel together.
    const zohoGroups = new Map<string, { n: ZohoNotificationSignal; keys: string[] }>();
    for (const p of queue.items) {
      if (p.source !== 'zoho') continue;
      const groupKey = `${p.event.channelId}\0${p.event.operation}`;
      const group = zohoGroups.get(groupKey);
      if (group) {
        group.n.recordIds.push(...p.event.recordIds);
        if (p.event.receivedAt > group.n.receivedAt) group.n.receivedAt = p.event.receivedAt;
        group.keys.push(eventKey(p));
      } else {
        zohoGroups.set(groupKey, { n: { ...p.event, recordIds: [...p.event.recordIds] }, keys: [eventKey(p)] });
      }
    }
    for (const g of zohoGroups.values()) {
      const signal: Signal = { send: () => this.delivery.zohoNotification(ref, g.n, this.o.callTimeoutMs) };
      signals.push(signal);
      for (const k of g.keys) signalOfKey.set(k, signal);
    }

    let error: string | undefined;
    for (const s of signals) {
      this.counters.signalCalls += 1;
      try {
        await s.send();
        s.ok = true;
      } catch (err) {
        s.ok = false;
        this.counters.failedCalls += 1;
        error = err instanceof Error ? err.message : String(err);
        // The rest of this SCI's signals would meet the same outage: they wait for the next pass.
        break;
      }
    }
    const survivors = new Set(queue.items);
    const done: bigint[] = [];
    const failed: bigint[] = [];
    for (const r of rows) {
      const parts = partsOf.get(r)!;
      const ok = parts.every((p) => signalOfKey.get(eventKey(p))?.ok === true);
      (ok ? done : failed).push(r.id);
      if (ok && !parts.every((p) => survivors.has(p))) this.counters.rowsSuperseded += 1;
    }
    if (failed.length > 0)
      this.log?.warn(
        { tenantId: sci.tenantId, sciId: sci.id, rows: failed.length, err: error },
        'intake delivery to Temporal failed; the rows wait and are tried again',
      );
    return { done, failed, ...(error ? { error } : {}) };
  }

  private claim(): Promise<ClaimedRow[]> {
    return this.prisma.$queryRaw<ClaimedRow[]>`
      UPDATE "IntakeEvent"
         SET "leaseOwner" = ${this.owner}, "leaseUntil" = now() + (${this.o.leaseMs}::int * interval '1 millisecond')
       WHERE "id" IN (
         SELECT "id" FROM "IntakeEvent"
          WHERE "leaseUntil" IS NULL OR "leaseUntil" < now()
          ORDER BY "id"
          LIMIT ${this.o.batchSize}::int
          FOR UPDATE SKIP LOCKED)
      RETURNING "id", "tenantId", "sciId", "payload", (EXTRACT(EPOCH FROM "createdAt") * 1000)::float8 AS created_ms`;
  }

  /** Puts rows back for a later pass: free again after min(max, min · 2^failures) ms. */
  private async release(ids: bigint[], error: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "IntakeEvent"
         SET "leaseOwner" = NULL,
             "leaseUntil" = now() + (LEAST(${this.o.maxBackoffMs}::float8, ${this.o.minBackoffMs}::float8 * power(2, LEAST("failures", 30))) * interval '1 millisecond'),
             "failures" = "failures" + 1,
             "lastError" = ${error.slice(0, 500)}
       WHERE "id" = ANY(${ids.map(String)}::bigint[]) AND "leaseOwner" = ${this.owner}`;
  }
}
