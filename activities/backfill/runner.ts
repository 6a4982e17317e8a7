// The backfill activities (F34). The BackfillRun row is the checkpoint: every Zoho page is applied, then its
// counts and the next page's position are written in one conditional UPDATE, so a page is counted once and
// a worker killed mid-page redoes only that page, which is harmless — IMPORT finds the issues it already
// made by their link property and MATCH relies on the RecordLink unique keys (exactly once per record).
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { heartbeat, throwIfCancelled } from '../activity-context';
import { z } from 'zod';
import { ZohoError, type ZohoRecord } from '../../clients/zoho';
import { budgetPauseMessage, type ZohoBudget } from '../../lib/budget/zoho-budget';
import type { BackfillRun, Prisma } from '../../prisma/generated/client';
import type { BackfillCounts } from '../../workflows/backfill-messages';
import { isRecordLevel, describeError } from '../errors';
import { loadSciContext, MetadataCache, type SciContext, type SyncDeps } from '../sync/context';
import { importRecords } from './import';
import { MatchIndexes, matchRecords } from './match';
import { PageTally } from './tally';
import type { BackfillBeginInput, BackfillBeginResult, BackfillCheckpoint, BackfillFinishInput, BackfillPagesInput, BackfillPagesResult } from './types';
import { FAILURE } from '../../workflows/failures';

/** Zoho's largest page. */
const PAGE_SIZE = 200;
/** `page` reaches only the first 2,000 records; past that Zoho wants the `page_token` of the previous page. */
const DISCRETE_LIMIT = 2000;
const MAX_KEPT_ERRORS = 50;

const checkpointSchema = z.union([
  z.object({ finished: z.literal(true) }),
  z.object({ page: z.number().int().positive(), pageToken: z.string().min(1).optional() }),
]);

function checkpointJson(next: BackfillCheckpoint | null): Prisma.InputJsonObject {
  if (!next) return { finished: true };
  return { page: next.page, ...(next.pageToken ? { pageToken: next.pageToken } : {}) };
}

export const BACKFILL_SUPERSEDED = FAILURE.BackfillSuperseded;
export const BACKFILL_BUSY = FAILURE.BackfillBusy;
/**
 * How long an execution's claim on the backfill lasts without renewal. Renewed with every chunk, so it
 * only runs out when its holder died or hangs; a successor then waits at most this long.
 */
const LEASE_MS = 20_000;


function countsOf(row: BackfillRun): BackfillCounts {
  return { done: row.done, created: row.created, linked: row.linked, skipped: row.skipped, failed: row.failed };
}

function superseded(): ApplicationFailure {
  return ApplicationFailure.create({
    type: BACKFILL_SUPERSEDED,
    message: 'Another run of this backfill has moved on (restarted or finished); this one stops.',
    nonRetryable: true,
  });
}

export class BackfillRunner {
  private readonly metadata = new MetadataCache();
  private readonly matchIndexes = new MatchIndexes();

  constructor(
    private readonly deps: SyncDeps,
    private readonly budget?: ZohoBudget,
  ) {}

  async begin(input: BackfillBeginInput): Promise<BackfillBeginResult> {
    const ctx = await loadSciContext(this.deps, this.metadata, input.tenantId, input.sciId);
    if (!ctx) return { ok: false, reason: 'This Smart Connected Item no longer exists.' };
    const bf = ctx.def.options.backfill;
    if (bf.mode === 'NONE') return { ok: false, reason: 'Backfill is off for this Smart Connected Item.' };
    if (bf.mode === 'MATCH' && (!bf.matchZohoField || !bf.matchJiraField)) {
      return { ok: false, reason: 'Matching needs both a Zoho field and a Jira field to compare.' };
    }
    let total: number | null = null;
    try {
      total = await (await ctx.zoho()).records.count(ctx.module);
    } catch (err) {
      if (!isRecordLevel(err)) throw err; // e.g. the count API refused for this module: progress shows no total
    }
    const fresh = {
      mode: bf.mode,
      state: 'RUNNING' as const,
      workflowId: input.workflowId,
      total,
      done: 0,
      created: 0,
      linked: 0,
      skipped: 0,
      failed: 0,
      checkpoint: { page: 1 },
      errors: [],
      lastError: null,
      startedAt: new Date(input.startedAt),
      endedAt: null,
    };
    await this.deps.prisma.backfillRun.upsert({
      where: { sciId: ctx.sci.id },
      create: { tenantId: ctx.tenantId, sciId: ctx.sci.id, ...fresh },
      update: fresh,
    });
    return { ok: true, mode: bf.mode, total };
  }

  async runPages(input: BackfillPagesInput): Promise<BackfillPagesResult> {
    const ctx = await loadSciContext(this.deps, this.metadata, input.tenantId, input.sciId);
    if (!ctx) throw ApplicationFailure.create({ type: FAILURE.SciGone, message: 'This Smart Connected Item no longer exists.', nonRetryable: true });
    const owner = randomUUID();
    const row = await this.claim(input, owner);
    try {
      return await this.pages(ctx, input, owner, row);
    } finally {
      await this.deps.prisma.backfillRun.updateMany({ where: { id: row.id, leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null } }).catch(() => undefined);
    }
  }

  private async pages(ctx: SciContext, input: BackfillPagesInput, owner: string, first: BackfillRun): Promise<BackfillPagesResult> {
    const errors: string[] = [];
    let row = first;
    for (let i = 0; i < input.maxPages; i++) {
      const checkpoint = checkpointSchema.parse(row.checkpoint ?? { page: 1 });
      if ('finished' in checkpoint) return { counts: countsOf(row), finished: true, errors };
      if (this.budget) {
        const status = await this.budget.status(ctx.tenantId);
        if (status.paused) return { counts: countsOf(row), finished: false, budgetPausedUntil: status.resumesAt, budgetMessage: budgetPauseMessage(status), errors };
      }
      heartbeat({ checkpoint, done: row.done });
      const { records, next } = await this.readPage(ctx, checkpoint);
      const tally = new PageTally();
      const beat = async () => {
        throwIfCancelled();
        heartbeat({ checkpoint, done: row.done, page: tally.done() });
        await this.renew(row.id, owner);
      };
      if (row.mode === 'IMPORT') await importRecords(ctx, records, tally, beat);
      else await matchRecords(ctx, records, tally, await this.matchIndexes.get(ctx, input.startedAt), beat);
      errors.push(...tally.errors);
      throwIfCancelled();
      row = await this.commitPage(row, owner, records.length, tally, next);
      heartbeat({ checkpoint: next, done: row.done });
    }
    const checkpoint = checkpointSchema.parse(row.checkpoint ?? { page: 1 });
    return { counts: countsOf(row), finished: 'finished' in checkpoint, errors };
  }

  async finish(input: BackfillFinishInput): Promise<void> {
    await this.deps.prisma.backfillRun.updateMany({
      where: { sciId: input.sciId, tenantId: input.tenantId, startedAt: new Date(input.startedAt) },
      data: { state: input.state, endedAt: new Date(), ...(input.error ? { lastError: input.error.slice(0, 1000) } : {}) },
    });
    this.matchIndexes.drop(input.sciId, input.startedAt);
    const row = await this.deps.prisma.backfillRun.findUnique({ where: { sciId: input.sciId } });
    if (!row || row.startedAt.toISOString() !== new Date(input.startedAt).toISOString()) return;
    // One run-history row for the whole backfill, next to the SCI's polls and events (F22).
    await this.deps.prisma.syncRun
      .create({
        data: {
          tenantId: input.tenantId,
          sciId: input.sciId,
          kind: 'BACKFILL',
          outcome: input.state === 'SUCCEEDED' ? (row.failed > 0 ? 'PARTIAL' : 'SUCCEEDED') : input.state,
          startedAt: row.startedAt,
          endedAt: new Date(),
          recordsSeen: row.done,
          recordsChanged: row.linked,
          recordsCreated: row.created,
          recordsSkipped: row.skipped,
          errors: [...(Array.isArray(row.errors) ? row.errors : []), ...(input.error ? [{ message: input.error }] : [])],
        },
      })
      .catch(() => undefined); // the SCI was deleted meanwhile: nothing to record against
  }

  /**
   * Takes the backfill for this execution. Held by another live execution (a timed-out attempt that has not
   * noticed yet), this attempt fails retryably and comes back when that claim would have run out.
   */
  private async claim(input: { sciId: string; startedAt: string }, owner: string): Promise<BackfillRun> {
    const row = await this.deps.prisma.backfillRun.findUnique({ where: { sciId: input.sciId } });
    if (!row || row.state !== 'RUNNING' || row.startedAt.getTime() !== Date.parse(input.startedAt)) throw superseded();
    const now = new Date();
    const taken = await this.deps.prisma.backfillRun.updateMany({
      where: { id: row.id, state: 'RUNNING', startedAt: row.startedAt, OR: [{ leaseOwner: null }, { leaseUntil: null }, { leaseUntil: { lt: now } }] },
      data: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + LEASE_MS) },
    });
    if (taken.count === 0) {
      const wait = Math.max(1000, (row.leaseUntil?.getTime() ?? now.getTime()) - now.getTime() + 250);
      throw ApplicationFailure.create({
        type: BACKFILL_BUSY,
        message: 'Another execution of this backfill is still working; trying again when its claim runs out.',
        nextRetryDelay: Math.min(wait, LEASE_MS + 1000),
      });
    }
    return (await this.deps.prisma.backfillRun.findUnique({ where: { id: row.id } })) ?? row;
  }

  private async renew(id: string, owner: string): Promise<void> {
    const kept = await this.deps.prisma.backfillRun.updateMany({ where: { id, leaseOwner: owner, state: 'RUNNING' }, data: { leaseUntil: new Date(Date.now() + LEASE_MS) } });
    if (kept.count === 0) throw ApplicationFailure.create({ type: BACKFILL_BUSY, message: 'This execution lost its claim on the backfill; another one goes on.' });
  }

  /**
   * One page of the module's records, oldest id first: records created while the backfill runs get larger
   * ids and land at the end (where they are left to auto-create). A page token Zoho no longer accepts
   * (expired after 24 h, or the SCI's fields changed) restarts the listing at page 1: pages already done
   * are then recognised record by record and cost one read each.
   */
  private async readPage(ctx: SciContext, cp: { page: number; pageToken?: string | undefined }): Promise<{ records: ZohoRecord[]; next: BackfillCheckpoint | null }> {
    const zoho = await ctx.zoho();
    const bf = ctx.def.options.backfill;
    const fields = [...new Set(['Created_Time', ...ctx.recordFields, ...(bf.matchZohoField ? [bf.matchZohoField] : [])])].slice(0, 50);
    const opts = { fields, sortBy: 'id' as const, sortOrder: 'asc' as const, perPage: PAGE_SIZE };
    let res;
    try {
      res = await zoho.records.list(ctx.module, { ...opts, ...(cp.pageToken ? { pageToken: cp.pageToken } : { page: cp.page }) });
    } catch (err) {
      if (!cp.pageToken || !(err instanceof ZohoError) || err.retryable || err.status !== 400) throw err;
      this.deps.log.warn({ sciId: ctx.sci.id, err: describeError(err) }, 'backfill page token refused; listing again from the first page');
      return this.readPage(ctx, { page: 1 });
    }
    if (!res.moreRecords || res.records.length === 0) return { records: res.records, next: null };
    if (!cp.pageToken && cp.page * PAGE_SIZE < DISCRETE_LIMIT) return { records: res.records, next: { page: cp.page + 1 } };
    if (!res.nextPageToken) throw new Error('Zoho listed more records but gave no page token to reach them.');
    return { records: res.records, next: { page: cp.page + 1, pageToken: res.nextPageToken } };
  }

  /** Counts the page and moves the checkpoint in one statement, only if no other execution moved it first. */
  private async commitPage(row: BackfillRun, owner: string, seen: number, tally: PageTally, next: BackfillCheckpoint | null): Promise<BackfillRun> {
    const kept = Array.isArray(row.errors) ? row.errors : [];
    const errors = [...kept, ...tally.errors.map((message) => ({ message }))].slice(-MAX_KEPT_ERRORS);
    const updated = await this.deps.prisma.backfillRun.updateMany({
      // `done` only grows (every page but an empty last one has records): it tells whether someone else committed.
      where: { id: row.id, state: 'RUNNING', startedAt: row.startedAt, done: row.done, leaseOwner: owner },
      data: {
        done: { increment: seen },
        created: { increment: tally.created },
        linked: { increment: tally.linked },
        skipped: { increment: tally.skipped },
        failed: { increment: tally.failed },
        checkpoint: checkpointJson(next),
        leaseUntil: new Date(Date.now() + LEASE_MS),
        errors,
        ...(tally.errors.length ? { lastError: tally.errors.at(-1)! } : {}),
      },
    });
    const fresh = await this.deps.prisma.backfillRun.findUnique({ where: { id: row.id } });
    if (!fresh || fresh.state !== 'RUNNING' || fresh.startedAt.getTime() !== row.startedAt.getTime()) throw superseded();
    if (updated.count === 0) {
      // Our claim ran out and another execution took over: its page counts, ours is dropped (it redid the same records).
      throw ApplicationFailure.create({ type: BACKFILL_BUSY, message: 'This execution lost its claim on the backfill; another one goes on.' });
    }
    return fresh;
  }
}
