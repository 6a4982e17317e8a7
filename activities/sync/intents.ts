// Intent before effect: the one rule every vendor create of the sync engine follows (a Jira issue, a Jira
// comment, a Jira attachment, a Zoho note, a Zoho attachment). A create is exactly once even when the attempt
// that made it died before it could say so (killed worker, failed DB write, an attempt Temporal timed out
// that still runs beside its retry):
//
// 1. Before the vendor call a WriteIntent row is written (unique per SCI, kind and source item).
// 2. A row that already holds `createdId` is the answer: no call at all.
// 3. A row without `createdId` means an earlier attempt got as far as the call and may have written. The
//    target is searched for the item's deterministic marker first. Lists (comments, notes, attachments) are
//    read-after-write, so one full read decides. Jira's issue search is not: its index lags by seconds, so
//    the search is repeated until the index budget has passed since the earlier attempt could have created.
// 4. Only then, unless Temporal has given up on this attempt, the create; its id is stored at once. A
//    create the vendor refused outright leaves no intent behind (nothing was made).
import { setTimeout as sleep } from 'node:timers/promises';
import { activitySignal, heartbeat, throwIfCancelled } from '../activity-context';
import { JiraError } from '../../clients/jira';
import { ZohoError } from '../../clients/zoho';
import type { WriteIntent, WriteIntentKind } from '../../prisma/generated/client';
import type { SciContext } from './context';
import { isUniqueViolation } from '../../lib/db/errors';

/** How long Jira's search index may lag behind a create; a search after this long sees the issue. */
export const DEFAULT_INDEX_LAG_BUDGET_MS = 15_000;
/** Pause between marker searches while the index budget runs. */
const SEARCH_INTERVAL_MS = 1_000;

export interface EarlierAttempt {
  /** When the first attempt recorded the intent: nothing of ours on the target is older. */
  createdAt: Date;
  /** When the latest earlier attempt last touched the intent, just before its vendor call. */
  touchedAt: Date;
}

export interface CreateIntent {
  kind: WriteIntentKind;
  /** The item copied or created from (Zoho record, note or attachment id; Jira comment or attachment id). */
  sourceId: string;
  /** Where it is written: the Jira issue id or project id, or the Zoho record id. */
  targetId: string;
  /** The deterministic marker the created item carries, stored for people reading the row. */
  marker: string;
  /**
   * Looks on the target for the item an earlier attempt may have made, by its marker. Called only when an
   * earlier attempt exists. `searchIndexed` marks a lookup through Jira's lagging search index.
   */
  find(signal: AbortSignal | undefined, earlier: EarlierAttempt): Promise<string | undefined>;
  searchIndexed?: boolean;
  /** The vendor create; undefined when the vendor refused this one item (reported by the caller). */
  create(signal: AbortSignal | undefined): Promise<string | undefined>;
}

export interface IntentOutcome {
  id: string;
  /** True when this attempt made the item (false: found from an earlier attempt). */
  created: boolean;
}

/** Creates the item unless an earlier attempt already did; undefined when the vendor refused it. */
export async function createOnce(ctx: SciContext, intent: CreateIntent): Promise<IntentOutcome | undefined> {
  const prisma = ctx.deps.prisma;
  const where = { sciId_kind_sourceId: { sciId: ctx.sci.id, kind: intent.kind, sourceId: intent.sourceId } };
  const signal = activitySignal();

  const { row, earlier } = await recordIntent(ctx, intent);
  if (row.createdId) return { id: row.createdId, created: false };

  if (earlier) {
    const found = intent.searchIndexed ? await searchOutLag(ctx, intent, signal, earlier) : await intent.find(signal, earlier);
    if (found) {
      await prisma.writeIntent.update({ where, data: { createdId: found } });
      heartbeat({ intent: intent.kind, sourceId: intent.sourceId, createdId: found });
      return { id: found, created: false };
    }
    // A concurrent attempt may have finished while this one searched.
    const again = await prisma.writeIntent.findUnique({ where });
    if (again?.createdId) return { id: again.createdId, created: false };
    // The next attempt measures the index lag from this moment, just before this attempt's own create.
    await prisma.writeIntent.update({ where, data: { updatedAt: new Date() } });
  }

  throwIfCancelled();
  // A refusal the vendor answered is proof nothing was made: the intent goes, so a later attempt (the next
  // poll of a record Jira keeps refusing) creates straight away instead of waiting out the index again.
  const forget = () => prisma.writeIntent.deleteMany({ where: { sciId: ctx.sci.id, kind: intent.kind, sourceId: intent.sourceId, createdId: null } });
  let createdId: string | undefined;
  try {
    createdId = await intent.create(signal);
  } catch (err) {
    if (answeredRefusal(err)) await forget();
    throw err;
  }
  if (!createdId) {
    await forget();
    return undefined;
  }
  await prisma.writeIntent.update({ where, data: { createdId } });
  heartbeat({ intent: intent.kind, sourceId: intent.sourceId, createdId });
  return { id: createdId, created: true };
}

/** The intent row, and whether an attempt before this one had recorded it (and so may have written). */
async function recordIntent(ctx: SciContext, intent: CreateIntent): Promise<{ row: WriteIntent; earlier: EarlierAttempt | undefined }> {
  const prisma = ctx.deps.prisma;
  const where = { sciId_kind_sourceId: { sciId: ctx.sci.id, kind: intent.kind, sourceId: intent.sourceId } };
  const before = await prisma.writeIntent.findUnique({ where });
  if (!before) {
    try {
      const row = await prisma.writeIntent.create({
        data: { tenantId: ctx.tenantId, sciId: ctx.sci.id, kind: intent.kind, sourceId: intent.sourceId, targetId: intent.targetId, marker: intent.marker },
      });
      return { row, earlier: undefined };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Another attempt recorded it a moment ago: it is the earlier one.
    }
  }
  const previous = before ?? (await prisma.writeIntent.findUniqueOrThrow({ where }));
  const row = await prisma.writeIntent.update({ where, data: { attempts: { increment: 1 } } });
  return { row, earlier: { createdAt: previous.createdAt, touchedAt: previous.updatedAt } };
}

export interface BatchItem {
  sourceId: string;
  targetId: string;
  marker: string;
}

export interface CreateManyIntent {
  kind: WriteIntentKind;
  items: readonly BatchItem[];
  /** Looks the items up by their markers: source id → created id. */
  find(sourceIds: string[], signal: AbortSignal | undefined): Promise<Map<string, string>>;
  searchIndexed?: boolean;
  /** One vendor call for these items: what it made, and the items it answered it would not make. */
  create(sourceIds: string[], signal: AbortSignal | undefined): Promise<{ created: Map<string, string>; refused: string[] }>;
}

/** The same rule for creates made many at once (IMPORT's bulk create): per item, with one vendor call. */
export async function createManyOnce(ctx: SciContext, intent: CreateManyIntent): Promise<Map<string, IntentOutcome>> {
  const prisma = ctx.deps.prisma;
  const out = new Map<string, IntentOutcome>();
  if (intent.items.length === 0) return out;
  const signal = activitySignal();
  const scope = { sciId: ctx.sci.id, kind: intent.kind };
  const ids = intent.items.map((i) => i.sourceId);

  const before = await prisma.writeIntent.findMany({ where: { ...scope, sourceId: { in: ids } } });
  const known = new Set(before.map((r) => r.sourceId));
  const inserted = await prisma.writeIntent.createManyAndReturn({
    data: intent.items
      .filter((i) => !known.has(i.sourceId))
      .map((i) => ({ tenantId: ctx.tenantId, ...scope, sourceId: i.sourceId, targetId: i.targetId, marker: i.marker })),
    skipDuplicates: true,
    select: { sourceId: true },
  });
  const fresh = new Set(inserted.map((r) => r.sourceId));
  // Rows another attempt recorded between our read and our insert are earlier attempts too.
  const earlierRows = fresh.size + before.length === ids.length ? before : await prisma.writeIntent.findMany({ where: { ...scope, sourceId: { in: ids.filter((id) => !fresh.has(id)) } } });
  if (earlierRows.length > 0) await prisma.writeIntent.updateMany({ where: { ...scope, sourceId: { in: earlierRows.map((r) => r.sourceId) } }, data: { attempts: { increment: 1 } } });

  const pending: WriteIntent[] = [];
  for (const row of earlierRows) {
    if (row.createdId) out.set(row.sourceId, { id: row.createdId, created: false });
    else pending.push(row);
  }
  if (pending.length > 0) {
    const budget = intent.searchIndexed ? (ctx.deps.indexLagBudgetMs ?? DEFAULT_INDEX_LAG_BUDGET_MS) : 0;
    const settledAt = Math.max(...pending.map((r) => r.updatedAt.getTime())) + budget;
    let open = pending.map((r) => r.sourceId);
    for (;;) {
      const found = await intent.find(open, signal);
      for (const [sourceId, id] of found) out.set(sourceId, { id, created: false });
      await storeCreated(ctx, intent.kind, found);
      open = open.filter((id) => !found.has(id));
      const left = settledAt - Date.now();
      if (open.length === 0 || left <= 0) break;
      heartbeat({ intent: intent.kind, open: open.length, waitingForSearchIndexMs: left });
      await sleep(Math.min(SEARCH_INTERVAL_MS, left), undefined, signal ? { signal } : {});
    }
    if (open.length > 0) await prisma.writeIntent.updateMany({ where: { ...scope, sourceId: { in: open }, createdId: null }, data: { updatedAt: new Date() } });
  }

  const toCreate = ids.filter((id) => !out.has(id));
  if (toCreate.length === 0) return out;
  throwIfCancelled();
  const forget = (sourceIds: string[]) => prisma.writeIntent.deleteMany({ where: { ...scope, sourceId: { in: sourceIds }, createdId: null } });
  let result: Awaited<ReturnType<CreateManyIntent['create']>>;
  try {
    result = await intent.create(toCreate, signal);
  } catch (err) {
    if (answeredRefusal(err)) await forget(toCreate);
    throw err;
  }
  await storeCreated(ctx, intent.kind, result.created);
  if (result.refused.length > 0) await forget(result.refused);
  for (const [sourceId, id] of result.created) out.set(sourceId, { id, created: true });
  heartbeat({ intent: intent.kind, created: result.created.size });
  return out;
}

async function storeCreated(ctx: SciContext, kind: WriteIntentKind, created: Map<string, string>): Promise<void> {
  if (created.size === 0) return;
  await ctx.deps.prisma.$transaction(
    [...created].map(([sourceId, createdId]) =>
      ctx.deps.prisma.writeIntent.update({ where: { sciId_kind_sourceId: { sciId: ctx.sci.id, kind, sourceId } }, data: { createdId } }),
    ),
  );
}

/**
 * Repeats the marker search until the index budget has passed since the earlier attempt could have created:
 * an empty answer before that proves nothing, because a fresh issue is not yet searchable.
 */
async function searchOutLag(ctx: SciContext, intent: CreateIntent, signal: AbortSignal | undefined, earlier: EarlierAttempt): Promise<string | undefined> {
  const budget = ctx.deps.indexLagBudgetMs ?? DEFAULT_INDEX_LAG_BUDGET_MS;
  const settledAt = earlier.touchedAt.getTime() + budget;
  for (;;) {
    const found = await intent.find(signal, earlier);
    if (found) return found;
    const left = settledAt - Date.now();
    if (left <= 0) return undefined;
    heartbeat({ intent: intent.kind, sourceId: intent.sourceId, waitingForSearchIndexMs: left });
    await sleep(Math.min(SEARCH_INTERVAL_MS, left), undefined, signal ? { signal } : {});
  }
}

/**
 * Neither Jira nor Zoho lets a file carry a tag of ours, so an attachment is recognised by what a copy of
 * ours must have: the same file name and size, added no earlier than the intent (2 s slack for clocks and
 * Zoho's whole-second times). A person adding the very same file in that window is taken for our copy.
 */
export function looksLikeOurFile(
  file: { name: string | null | undefined; size: number | string | null | undefined; created: string | null | undefined },
  want: { name: string; size: number | undefined },
  earlier: EarlierAttempt,
): boolean {
  if (file.name !== want.name) return false;
  if (want.size !== undefined && Number(file.size) !== want.size) return false;
  const created = file.created ? Date.parse(file.created) : NaN;
  return Number.isFinite(created) && created >= earlier.createdAt.getTime() - 2_000;
}


/**
 * A 4xx the vendor answered: the write was refused, not lost. That includes 429, which both vendors answer
 * before doing the work (a rate-limited request is rejected, not queued). A request timeout (408), a conflict
 * (409), a 5xx or a dropped connection proves nothing either way and keeps the intent.
 */
function answeredRefusal(err: unknown): boolean {
  if (!(err instanceof JiraError) && !(err instanceof ZohoError)) return false;
  const status = err.status ?? 0;
  return status >= 400 && status < 500 && ![408, 409].includes(status);
}

