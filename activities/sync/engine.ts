// The sync engine behind the SCI activities. `pollZohoChanges` reads records modified since the cursor
// and applies them page by page; `applyPendingEvents` applies queued Jira events and Zoho notifications.
// Every call writes one run-history row (F22). Automation runs only for 1 Way / 2 Way SCIs of tenants
// connected with App OAuth 2.0 (F1, F9, F13).
import { Context } from '@temporalio/activity';
import type { ZohoRecord } from '../../clients/zoho';
import type { SyncRunKind } from '../../prisma/generated/client';
import type { SciSync } from '../index';
import type { ApplyEventsInput, PollInput, PollOutcome, RunCounts } from '../types';
import { describeError, isRecordLevel } from '../errors';
import { createIssueOnce, isNewRecord } from './auto-create';
import { loadSciContext, MetadataCache, type SciContext, type SyncDeps } from './context';
import { RunTally } from './counts';
import { applyJiraEvent } from './jira-to-zoho';
import { applyRecordToLink, zohoTime } from './zoho-to-jira';

/**
 * The cursor never moves closer than this to "now": a record saved in the same second as our read (Zoho's
 * times have one-second resolution and If-Modified-Since means "after") is then read again next time
 * instead of being missed. Re-reading is harmless: applied records are recognised and skipped.
 */
const CURSOR_HOLDBACK_MS = 5_000;

function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // outside an activity (direct calls from scripts): nothing to report to
  }
}

export class SciSyncEngine implements SciSync {
  private readonly metadata = new MetadataCache();

  constructor(private readonly deps: SyncDeps) {}

  async pollZohoChanges(input: PollInput): Promise<PollOutcome> {
    const started = new Date();
    const tally = new RunTally();
    const ctx = await loadSciContext(this.deps, this.metadata, input.tenantId, input.sciId);
    if (!ctx) return { cursor: input.cursor, ...tally.toJSON(), errors: ['This Smart Connected Item no longer exists.'] };
    if (ctx.def.syncMode === 'DISPLAY' || !ctx.sci.enabled) return { cursor: input.cursor, ...tally.toJSON() };

    const since = input.cursor ?? (ctx.sci.cursor as { since?: string } | null)?.since ?? ctx.sci.createdAt.toISOString();
    let cursor = since;
    try {
      cursor = await this.traverse(ctx, since, started, tally);
    } catch (err) {
      await this.recordRun(ctx, input.kind ?? 'poll', started, tally, err);
      throw err;
    }
    await this.deps.prisma.smartConnectedItem.update({
      where: { id: ctx.sci.id },
      data: { cursor: { since: cursor }, lastSyncedAt: new Date() },
    });
    await this.recordRun(ctx, input.kind ?? 'poll', started, tally);
    return { cursor, ...tally.toJSON() };
  }

  /**
   * Pages through records modified after `since`, oldest first. Each next page is asked for by moving
   * If-Modified-Since up to the last time seen (keyset paging), so records edited during a long traversal
   * are not skipped the way shifting page numbers would skip them; ids already applied at the same instant
   * are not applied twice.
   */
  private async traverse(ctx: SciContext, since: string, started: Date, tally: RunTally): Promise<string> {
    const zoho = await ctx.zoho();
    const applied = new Map<string, string>();
    let boundary = since;
    let maxSeen = Date.parse(since);
    let page = 1;
    for (let guard = 0; guard < 10_000; guard++) {
      const firstRequest = guard === 0;
      // After the first page, ask from one second before the boundary: Zoho's "after" is strict.
      const ifModifiedSince = firstRequest ? boundary : new Date(Date.parse(boundary) - 1000).toISOString();
      const result = await zoho.records.list(ctx.module, {
        fields: ctx.recordFields,
        sortBy: 'Modified_Time',
        sortOrder: 'asc',
        ifModifiedSince: toZohoTime(ifModifiedSince),
        page,
      });
      if (result.notModified || result.records.length === 0) break;
      const fresh = result.records.filter((r) => applied.get(r.id) !== r.Modified_Time);
      for (const record of fresh) {
        heartbeat({ boundary, page, applied: applied.size });
        await this.applyRecord(ctx, record, tally);
        applied.set(record.id, String(record.Modified_Time));
        const t = zohoTime(record)?.getTime();
        if (t !== undefined && t > maxSeen) maxSeen = t;
      }
      heartbeat({ boundary, page, applied: applied.size });
      if (!result.moreRecords) break;
      const nextBoundary = new Date(maxSeen).toISOString();
      if (Date.parse(nextBoundary) > Date.parse(boundary)) {
        boundary = nextBoundary;
        page = 1;
      } else {
        page += 1; // a page full of one instant: step through it by number
      }
    }
    const held = Math.min(maxSeen, started.getTime() - CURSOR_HOLDBACK_MS);
    return new Date(Math.max(held, Date.parse(since))).toISOString();
  }

  private async applyRecord(ctx: SciContext, record: ZohoRecord, tally: RunTally): Promise<void> {
    tally.recordsSeen += 1;
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

  async applyPendingEvents(input: ApplyEventsInput): Promise<RunCounts> {
    const started = new Date();
    const tally = new RunTally();
    const ctx = await loadSciContext(this.deps, this.metadata, input.tenantId, input.sciId);
    if (!ctx || ctx.def.syncMode === 'DISPLAY' || !ctx.sci.enabled) return tally.toJSON();
    try {
      const zohoRecordIds = new Set<string>();
      for (const pending of input.events) {
        heartbeat({ event: pending.source === 'jira' ? pending.event.eventId : pending.event.channelId });
        if (pending.source === 'jira') {
          if (await this.alreadyProcessed(ctx.tenantId, 'JIRA', `${ctx.sci.id}:${pending.event.eventId}`)) continue;
          await applyJiraEvent(ctx, pending.event, tally);
          await this.markProcessed(ctx.tenantId, 'JIRA', `${ctx.sci.id}:${pending.event.eventId}`);
        } else {
          for (const id of pending.event.recordIds) zohoRecordIds.add(id);
        }
      }
      if (zohoRecordIds.size > 0) await this.applyNotifiedRecords(ctx, [...zohoRecordIds], tally);
    } catch (err) {
      await this.recordRun(ctx, 'event', started, tally, err);
      throw err;
    }
    await this.recordRun(ctx, 'event', started, tally);
    return tally.toJSON();
  }

  /** Records named by Zoho notifications (F33): read by id, 100 at a time, and applied like polled ones. */
  private async applyNotifiedRecords(ctx: SciContext, ids: string[], tally: RunTally): Promise<void> {
    const zoho = await ctx.zoho();
    for (let i = 0; i < ids.length; i += 100) {
      const page = await zoho.records.list(ctx.module, { fields: ctx.recordFields, ids: ids.slice(i, i + 100) });
      for (const record of page.records) await this.applyRecord(ctx, record, tally);
    }
  }

  private async alreadyProcessed(tenantId: string, source: 'JIRA' | 'ZOHO', eventKey: string): Promise<boolean> {
    const row = await this.deps.prisma.processedEvent.findUnique({ where: { tenantId_source_eventKey: { tenantId, source, eventKey } } });
    return row !== null;
  }

  private async markProcessed(tenantId: string, source: 'JIRA' | 'ZOHO', eventKey: string): Promise<void> {
    await this.deps.prisma.processedEvent.upsert({
      where: { tenantId_source_eventKey: { tenantId, source, eventKey } },
      create: { tenantId, source, eventKey, expiresAt: new Date(Date.now() + 7 * 86_400_000) },
      update: {},
    });
  }

  private async recordRun(ctx: SciContext, kind: 'poll' | 'event' | 'manual', started: Date, tally: RunTally, failure?: unknown): Promise<void> {
    const kinds: Record<typeof kind, SyncRunKind> = { poll: 'POLL', event: 'EVENT', manual: 'MANUAL' };
    const errors = failure ? [...tally.errors, describeError(failure)] : tally.errors;
    const info = (() => {
      try {
        return Context.current().info;
      } catch {
        return undefined;
      }
    })();
    await this.deps.prisma.syncRun.create({
      data: {
        tenantId: ctx.tenantId,
        sciId: ctx.sci.id,
        kind: kinds[kind],
        outcome: failure ? 'FAILED' : tally.errors.length > 0 ? 'PARTIAL' : 'SUCCEEDED',
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
  }
}

/** Zoho wants seconds and an offset, no milliseconds. */
function toZohoTime(iso: string): string {
  return new Date(Date.parse(iso)).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

