// The sync engine behind the SCI activities. `pollZohoChanges` reads records modified since the cursor and
// applies them page by page, then looks for notes and attachments added to records that did not otherwise
// change; `applyPendingEvents` applies queued Jira events and Zoho notifications. Every call writes one
// run-history row (F22), holds the SCI's lease (one sync at a time) and stops when Temporal cancels it.
// Automation runs only for 1 Way / 2 Way SCIs of tenants connected with App OAuth 2.0 (F1, F9, F13).
import { ZohoError, type ZohoRecord } from '../../clients/zoho';
import type { SyncRunKind, SyncRunOutcome } from '../../prisma/generated/client';
import type { ApplyEventsInput, ApplyOutcome, PollInput, PollOutcome, SciSync } from '../types';
import { describeError, isRecordLevel } from '../errors';
import { createIssueOnce, isNewRecord } from './auto-create';
import { loadSciContext, MetadataCache, type SciContext, type SyncDeps } from './context';
import { RunTally } from './counts';
import { AppliedEvents } from './applied-events';
import { SciEventStore } from './event-store';
import { applyJiraEvent } from './jira-to-zoho';
import { activityInfo, heartbeat, lastHeartbeat, signalOption } from '../activity-context';
import { SciLease } from './lease';
import { issuesOutsideJql, linksInScope, recordInScope } from './sync-scope';
import { mirrorZohoAttachments, mirrorZohoNotes } from './mirror';
import { applyRecordToLink, zohoTime } from './zoho-to-jira';
import { firstPollSince } from './sci-start';
import { fieldMemory } from './field-memory';

/**
 * The cursor never moves closer than this to "now": a record saved in the same second as our read (Zoho's
 * times have one-second resolution and If-Modified-Since means "after") is then read again next time
 * instead of being missed. Re-reading is harmless: applied records are recognised and skipped.
 */
const CURSOR_HOLDBACK_MS = 5_000;

export interface EngineOptions {
  /** Zoho pages one poll activity reads before it saves the cursor and hands back (default 50: 10,000 records). */
  pagesPerCall?: number;
  /**
   * Linked records whose attachment list each poll reads when the SCI copies attachments (default 3; 0 turns
   * it off). Zoho has no module-wide attachment listing and a new attachment does not change the record, so
   * quiet records are swept, least recently checked first.
   */
  attachmentSweepPerPoll?: number;
  /** Told about every run recorded in the run history (metrics: sync runs by kind and outcome). */
  onRunRecorded?: (run: { kind: 'poll' | 'event' | 'manual'; outcome: SyncRunOutcome }) => void;
}

/** What the poll keeps in the SCI row: the records cursor, the notes cursor, and whether Notes can be listed. */
interface StoredCursor {
  since?: string;
  notesSince?: string;
  notesUnsupported?: boolean;
}

/** Where a traversal stood at its last heartbeat: a retried attempt resumes there instead of from the start. */
interface TraversalCheckpoint {
  boundary: string;
  page: number;
  maxSeen: number;
}

export class SciSyncEngine implements SciSync {
  private readonly metadata = new MetadataCache();
  private readonly events: SciEventStore;
  private readonly applied: AppliedEvents;
  private readonly pagesPerCall: number;
  private readonly attachmentSweep: number;
  private readonly onRunRecorded: EngineOptions['onRunRecorded'];

  constructor(
    private readonly deps: SyncDeps,
    opts: EngineOptions = {},
  ) {
    this.events = new SciEventStore(deps.prisma);
    this.applied = new AppliedEvents(deps.prisma);
    this.pagesPerCall = opts.pagesPerCall ?? 50;
    this.attachmentSweep = opts.attachmentSweepPerPoll ?? 3;
    this.onRunRecorded = opts.onRunRecorded;
  }

  async pollZohoChanges(input: PollInput): Promise<PollOutcome> {
    const started = new Date();
    const tally = new RunTally();
    const ctx = await loadSciContext(this.deps, this.metadata, input.tenantId, input.sciId);
    if (!ctx) return { cursor: input.cursor, ...tally.toJSON(), errors: ['This Smart Connected Item no longer exists.'] };
    if (ctx.def.syncMode === 'DISPLAY' || !ctx.sci.enabled) return { cursor: input.cursor, ...tally.toJSON() };

    const stored = (ctx.sci.cursor as StoredCursor | null) ?? {};
    const since = input.cursor ?? stored.since ?? firstPollSince(ctx.sci);
    const lease = await SciLease.acquire(this.deps.prisma, ctx.tenantId, ctx.sci.id);
    let outcome: { cursor: string; more: boolean };
    try {
      outcome = await this.traverse(ctx, lease, since, started, tally);
      const next: StoredCursor = { ...stored, since: outcome.cursor };
      if (!outcome.more) {
        Object.assign(next, await this.pollQuietNotes(ctx, lease, stored, started, tally));
        await this.sweepAttachments(ctx, lease, tally);
      }
      await fieldMemory(ctx).flush();
      await this.deps.prisma.smartConnectedItem.update({ where: { id: ctx.sci.id }, data: { cursor: { ...next }, lastSyncedAt: new Date() } });
    } catch (err) {
      await this.recordRun(ctx, input.kind ?? 'poll', started, tally, err);
      throw err;
    } finally {
      await lease.release();
    }
    await this.recordRun(ctx, input.kind ?? 'poll', started, tally);
    return { cursor: outcome.cursor, ...tally.toJSON(), ...(outcome.more ? { more: true } : {}) };
  }

  /**
   * Pages through records modified after `since`, oldest first. Each next page is asked for by moving
   * If-Modified-Since up to the last time seen (keyset paging), so records edited during a long traversal
   * are not skipped the way shifting page numbers would skip them; ids already applied at the same instant
   * are not applied twice. After `pagesPerCall` pages it stops with `more`, its cursor one second before the
   * last time seen (records of that second may not all be read yet; re-reading them is harmless).
   */
  private async traverse(ctx: SciContext, lease: SciLease, since: string, started: Date, tally: RunTally): Promise<{ cursor: string; more: boolean }> {
    const zoho = await ctx.zoho();
    const applied = new Map<string, string>();
    const resumed = resumePoint(lastHeartbeat(), since);
    let boundary = resumed?.boundary ?? since;
    let maxSeen = resumed?.maxSeen ?? Date.parse(since);
    let page = resumed?.page ?? 1;
    let firstRequest = resumed === undefined;
    for (let pages = 0; ; pages++) {
      if (pages >= this.pagesPerCall) {
        const partial = Math.max(Date.parse(since), Math.min(maxSeen - 1000, started.getTime() - CURSOR_HOLDBACK_MS));
        return { cursor: new Date(partial).toISOString(), more: true };
      }
      lease.check();
      // After the first page, ask from one second before the boundary: Zoho's "after" is strict.
      const ifModifiedSince = firstRequest ? boundary : new Date(Date.parse(boundary) - 1000).toISOString();
      firstRequest = false;
      const result = await zoho.records.list(ctx.module, {
        fields: ctx.recordFields,
        sortBy: 'Modified_Time',
        sortOrder: 'asc',
        ifModifiedSince: toZohoTime(ifModifiedSince),
        page,
        ...signalOption(),
      });
      if (result.notModified || result.records.length === 0) break;
      const fresh = result.records.filter((r) => applied.get(r.id) !== r.Modified_Time);
      for (const record of fresh) {
        lease.check();
        heartbeat({ boundary, page, maxSeen } satisfies TraversalCheckpoint);
        await this.applyRecord(ctx, record, tally);
        applied.set(record.id, String(record.Modified_Time));
        // A record's own writes heartbeat their details (intents); the checkpoint goes back on top after it.
        heartbeat({ boundary, page, maxSeen } satisfies TraversalCheckpoint);
        const t = zohoTime(record)?.getTime();
        if (t !== undefined && t > maxSeen) maxSeen = t;
      }
      if (!result.moreRecords) break;
      const nextBoundary = new Date(maxSeen).toISOString();
      if (Date.parse(nextBoundary) > Date.parse(boundary)) {
        boundary = nextBoundary;
        page = 1;
      } else {
        page += 1; // a page full of one instant: step through it by number
      }
      heartbeat({ boundary, page, maxSeen } satisfies TraversalCheckpoint);
    }
    const held = Math.min(maxSeen, started.getTime() - CURSOR_HOLDBACK_MS);
    return { cursor: new Date(Math.max(held, Date.parse(since))).toISOString(), more: false };
  }

  /**
   * Notes added to records that did not otherwise change (F18): one call lists the org's notes changed since
   * the notes cursor (304 when none), and the linked records of this SCI's module among their parents get
   * their notes mirrored. Zoho lets only administrators list Notes; without that, notes still follow their
   * record's changes, and the run history says so once.
   */
  private async pollQuietNotes(ctx: SciContext, lease: SciLease, stored: StoredCursor, started: Date, tally: RunTally): Promise<StoredCursor> {
    if (!ctx.def.options.notesSync || stored.notesUnsupported) return {};
    const since = stored.notesSince ?? stored.since ?? firstPollSince(ctx.sci);
    const zoho = await ctx.zoho();
    const parents = new Set<string>();
    let maxSeen = Date.parse(since);
    try {
      for (let page = 1; page <= this.pagesPerCall; page++) {
        lease.check();
        const res = await zoho.notes.listModified({ ifModifiedSince: toZohoTime(since), page, ...signalOption() });
        if (res.notModified || res.notes.length === 0) break;
        for (const note of res.notes) {
          const parent = note.Parent_Id;
          if (parent?.id && parent.module?.api_name === ctx.module) parents.add(parent.id);
          const t = note.Modified_Time ? Date.parse(note.Modified_Time) : NaN;
          if (!Number.isNaN(t) && t > maxSeen) maxSeen = t;
        }
        if (!res.moreRecords) break;
      }
    } catch (err) {
      if (err instanceof ZohoError && err.code === 'NOT_SUPPORTED') {
        tally.error('Notes added to a CRM record that did not otherwise change are not copied: listing Zoho notes needs an administrator profile.');
        return { notesUnsupported: true };
      }
      throw err;
    }
    if (parents.size > 0) {
      const links = await this.deps.prisma.recordLink.findMany({ where: { tenantId: ctx.tenantId, sciId: ctx.sci.id, zohoRecordId: { in: [...parents] } } });
      for (const link of await linksInScope(ctx, links)) {
        lease.check();
        heartbeat({ notes: link.zohoRecordId });
        try {
          if (await mirrorZohoNotes(ctx, link.zohoRecordId, link)) tally.changed += 1;
        } catch (err) {
          if (!isRecordLevel(err)) throw err;
          tally.error(`record ${link.zohoRecordId} → ${link.jiraIssueKey}: notes not copied: ${describeError(err)}`);
        }
      }
    }
    const held = Math.min(maxSeen, started.getTime() - CURSOR_HOLDBACK_MS);
    return { notesSince: new Date(Math.max(held, Date.parse(since))).toISOString() };
  }

  /** Attachments added to quiet records (F19): a few links per poll, least recently checked first. */
  private async sweepAttachments(ctx: SciContext, lease: SciLease, tally: RunTally): Promise<void> {
    if (!ctx.def.options.attachmentSync || this.attachmentSweep <= 0) return;
    // F43: attachments travel through primary links only (activities/sync/secondary-links.ts).
    const links = await this.deps.prisma.recordLink.findMany({
      where: { tenantId: ctx.tenantId, sciId: ctx.sci.id, primary: true },
      orderBy: [{ attachmentsCheckedAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
      take: this.attachmentSweep,
    });
    const inScope = new Set((await linksInScope(ctx, links)).map((l) => l.id));
    for (const link of links) {
      lease.check();
      heartbeat({ attachments: link.zohoRecordId });
      // Outside the rules (F40): not copied, but marked checked so the sweep moves on to the next links.
      if (inScope.has(link.id)) {
        try {
          if (await mirrorZohoAttachments(ctx, link.zohoRecordId, link, tally)) tally.changed += 1;
        } catch (err) {
          if (!isRecordLevel(err)) throw err;
          tally.error(`record ${link.zohoRecordId} → ${link.jiraIssueKey}: attachments not copied: ${describeError(err)}`);
        }
      }
      await this.deps.prisma.recordLink.update({ where: { id: link.id }, data: { attachmentsCheckedAt: ctx.now() } });
    }
  }

  private async applyRecord(ctx: SciContext, record: ZohoRecord, tally: RunTally): Promise<void> {
    tally.recordsSeen += 1;
    // F40: outside the SCI's conditions nothing is created or synced; a link stays and resumes when it matches.
    if (!(await recordInScope(ctx, record))) {
      tally.skipped += 1;
      return;
    }
    let links = await this.deps.prisma.recordLink.findMany({
      where: { tenantId: ctx.tenantId, sciId: ctx.sci.id, zohoRecordId: record.id },
    });
    if (links.length === 0 && ctx.def.options.autoCreate && isNewRecord(ctx, record)) {
      try {
        const link = await createIssueOnce(ctx, record, tally);
        if (link) links = [link];
      } catch (err) {
        if (!isRecordLevel(err)) throw err;
        tally.error(`record ${record.id}: issue not created: ${describeError(err)}`);
        return;
      }
    }
    if (links.length === 0) {
      tally.skipped += 1;
      return;
    }
    for (const link of links) await applyRecordToLink(ctx, record, link, tally);
  }

  /**
   * Applies queued events. A Jira event that fails in a way no retry can fix (a vendor's 4xx, a value the
   * mapping cannot convert) is parked with its reason and the rest go on; anything else (an outage) fails
   * the call, and the workflow keeps every event of the batch queued.
   */
  async applyPendingEvents(input: ApplyEventsInput): Promise<ApplyOutcome> {
    const started = new Date();
    const tally = new RunTally();
    const ctx = await loadSciContext(this.deps, this.metadata, input.tenantId, input.sciId);
    if (!ctx || ctx.def.syncMode === 'DISPLAY' || !ctx.sci.enabled) return { ...tally.toJSON(), parkedTotal: 0 };
    const lease = await SciLease.acquire(this.deps.prisma, ctx.tenantId, ctx.sci.id);
    let parkedTotal: number | undefined;
    try {
      const zohoRecordIds = new Set<string>();
      // F40: Jira issues outside the SCI's JQL filter are not synced to Zoho (one search for the batch).
      const jiraIds = input.events.flatMap((p) => (p.source === 'jira' ? [p.event.issueId] : []));
      const scope = await issuesOutsideJql(ctx, jiraIds);
      for (const pending of input.events) {
        lease.check();
        heartbeat({ event: pending.source === 'jira' ? pending.event.eventId : pending.event.channelId });
        if (pending.source === 'jira') {
          const key = AppliedEvents.key(ctx.sci.id, pending.event.eventId);
          if (await this.applied.has(ctx.tenantId, key)) continue;
          const poison = scope.outside.has(pending.event.issueId) ? outsideJql(scope.refused, tally) : await applyJiraEvent(ctx, pending.event, tally);
          if (poison) {
            parkedTotal = (await this.events.park({ ...input, events: [pending], reason: poison })).parkedTotal;
            tally.error(`${pending.event.issueKey ?? pending.event.issueId}: event parked: ${poison}`);
            continue;
          }
          await this.applied.mark(ctx.tenantId, key);
        } else {
          for (const id of pending.event.recordIds) zohoRecordIds.add(id);
        }
      }
      if (zohoRecordIds.size > 0) await this.applyNotifiedRecords(ctx, lease, [...zohoRecordIds], tally);
      await fieldMemory(ctx).flush();
    } catch (err) {
      await this.recordRun(ctx, 'event', started, tally, err);
      throw err;
    } finally {
      await lease.release();
    }
    await this.recordRun(ctx, 'event', started, tally);
    return { ...tally.toJSON(), parkedTotal: parkedTotal ?? (await this.events.counts(input)).parked };
  }

  /** Records named by Zoho notifications (F33): read by id, 100 at a time, and applied like polled ones. */
  private async applyNotifiedRecords(ctx: SciContext, lease: SciLease, ids: string[], tally: RunTally): Promise<void> {
    const zoho = await ctx.zoho();
    for (let i = 0; i < ids.length; i += 100) {
      lease.check();
      const page = await zoho.records.list(ctx.module, { fields: ctx.recordFields, ids: ids.slice(i, i + 100), ...signalOption() });
      for (const record of page.records) {
        lease.check();
        await this.applyRecord(ctx, record, tally);
      }
    }
  }

  private async recordRun(ctx: SciContext, kind: 'poll' | 'event' | 'manual', started: Date, tally: RunTally, failure?: unknown): Promise<void> {
    const kinds: Record<typeof kind, SyncRunKind> = { poll: 'POLL', event: 'EVENT', manual: 'MANUAL' };
    const errors = failure ? [...tally.errors, describeError(failure)] : tally.errors;
    const info = activityInfo();
    const outcome: SyncRunOutcome = failure ? 'FAILED' : tally.errors.length > 0 ? 'PARTIAL' : 'SUCCEEDED';
    const run = await this.deps.prisma.syncRun.create({
      select: { id: true },
      data: {
        tenantId: ctx.tenantId,
        sciId: ctx.sci.id,
        kind: kinds[kind],
        outcome,
        startedAt: started,
        endedAt: new Date(),
        recordsSeen: tally.recordsSeen,
        recordsChanged: tally.changed,
        recordsCreated: tally.created,
        recordsSkipped: tally.skipped,
        errors: errors.map((message) => ({ message })),
        ...(info?.workflowExecution ? { workflowRunId: info.workflowExecution.runId } : {}),
      },
    });
    // F46: the call's change sets, tied to its run-history row: one insert however many were applied.
    await ctx.timeline.flush(this.deps.prisma, { tenantId: ctx.tenantId, sciId: ctx.sci.id, syncRunId: run.id });
    this.onRunRecorded?.({ kind, outcome });
  }
}

/** An event of an issue outside the JQL filter: skipped, or parked when Jira refused the filter itself. */
function outsideJql(refused: string | undefined, tally: RunTally): string | undefined {
  tally.recordsSeen += 1;
  if (!refused) tally.skipped += 1;
  return refused;
}

/** A previous attempt's checkpoint, if it belongs to this traversal (same or later than `since`). */
function resumePoint(details: unknown, since: string): TraversalCheckpoint | undefined {
  const d = details as Partial<TraversalCheckpoint> | undefined;
  if (!d || typeof d.boundary !== 'string' || typeof d.page !== 'number' || typeof d.maxSeen !== 'number') return undefined;
  if (Number.isNaN(Date.parse(d.boundary)) || Date.parse(d.boundary) < Date.parse(since)) return undefined;
  return { boundary: d.boundary, page: d.page, maxSeen: d.maxSeen };
}

/** Zoho wants seconds and an offset, no milliseconds. */
function toZohoTime(iso: string): string {
  return new Date(Date.parse(iso)).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
