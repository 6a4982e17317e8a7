// Data retention (F39): deletes what the product promised not to keep.
//   - UNINSTALLED tenants whose uninstalledAt is older than TENANT_RETENTION_DAYS, with all their data
//     (every table references Tenant with ON DELETE CASCADE);
//   - SyncRun rows started longer than RUN_HISTORY_RETENTION_DAYS ago;
//   - ProcessedEvent rows past their expiresAt (the deduplication window is over);
//   - ZohoSignIn rows past their expiresAt (a sign-in nobody finished);
//   - WriteIntent rows resolved (created id known) more than 30 days ago: by then the link or mirrored-item
//     row is what tells a later attempt the item exists, and no attempt of that write is still running;
//   - issue timeline entries (F46) older than RUN_HISTORY_RETENTION_DAYS (removed with their link anyway).
// Work goes in bounded batches (ids read with LIMIT, then deleted by id), so one call never holds a long
// transaction or deletes an unbounded number of rows; `more` says a further call has work left.
import type { PrismaClient } from '../../prisma/generated/client';

const DAY_MS = 86_400_000;
const WRITE_INTENT_RETENTION_DAYS = 30;

export interface RetentionSettings {
  /** TENANT_RETENTION_DAYS */
  tenantRetentionDays: number;
  /** RUN_HISTORY_RETENTION_DAYS */
  runHistoryRetentionDays: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { tenantRetentionDays: 30, runHistoryRetentionDays: 90 };

export interface PurgeOptions {
  /** The clock (tests pass their own). */
  now?: () => Date;
  /** Rows per delete statement (SyncRun, ProcessedEvent). Default 1000. */
  batchSize?: number;
  /** Tenants deleted per call (each one cascades through all its data). Default 10. */
  tenantBatchSize?: number;
  /** Delete statements per table per call. Default 20. */
  maxBatches?: number;
  /** Called between batches (the activity heartbeats there). */
  onProgress?: (soFar: PurgeResult) => void;
}

export interface PurgeResult {
  tenantsDeleted: number;
  syncRunsDeleted: number;
  processedEventsDeleted: number;
  signInsDeleted: number;
  writeIntentsDeleted: number;
  /** F46 timeline entries older than the run history window. */
  timelineEntriesDeleted?: number;
  /** True when a batch limit was reached: call again. */
  more: boolean;
}

export async function purgeExpiredData(prisma: PrismaClient, settings: RetentionSettings, opts: PurgeOptions = {}): Promise<PurgeResult> {
  const now = (opts.now ?? (() => new Date()))();
  const batchSize = opts.batchSize ?? 1000;
  const tenantBatchSize = opts.tenantBatchSize ?? 10;
  const maxBatches = opts.maxBatches ?? 20;
  const result: PurgeResult = { tenantsDeleted: 0, syncRunsDeleted: 0, processedEventsDeleted: 0, signInsDeleted: 0, writeIntentsDeleted: 0, timelineEntriesDeleted: 0, more: false };
  const tenantCutoff = new Date(now.getTime() - settings.tenantRetentionDays * DAY_MS);
  const runCutoff = new Date(now.getTime() - settings.runHistoryRetentionDays * DAY_MS);

  // 1. Tenants past retention, oldest first (the (status, uninstalledAt) index).
  const tenants = await prisma.tenant.findMany({
    where: { status: 'UNINSTALLED', uninstalledAt: { lt: tenantCutoff } },
    select: { id: true },
    orderBy: { uninstalledAt: 'asc' },
    take: tenantBatchSize,
  });
  for (const t of tenants) {
    // The condition again: a tenant that changed meanwhile is left alone.
    const { count } = await prisma.tenant.deleteMany({ where: { id: t.id, status: 'UNINSTALLED', uninstalledAt: { lt: tenantCutoff } } });
    result.tenantsDeleted += count;
    opts.onProgress?.(result);
  }
  if (tenants.length === tenantBatchSize) result.more = true;

  /** Deletes what `find` names, a batch at a time, up to maxBatches; counts into `key`. */
  const inBatches = async (
    key: 'syncRunsDeleted' | 'processedEventsDeleted' | 'signInsDeleted' | 'writeIntentsDeleted' | 'timelineEntriesDeleted',
    find: () => Promise<string[]>, remove: (ids: string[]) => Promise<number>) => {
    for (let i = 0; i < maxBatches; i++) {
      const ids = await find();
      if (ids.length === 0) break;
      result[key] = (result[key] ?? 0) + (await remove(ids));
      opts.onProgress?.(result);
      if (ids.length < batchSize) break;
      if (i === maxBatches - 1) result.more = true;
    }
  };
  const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

  // 2. Run history older than the window (the startedAt index).
  await inBatches(
    'syncRunsDeleted',
    async () => ids(await prisma.syncRun.findMany({ where: { startedAt: { lt: runCutoff } }, select: { id: true }, take: batchSize })),
    async (batch) => (await prisma.syncRun.deleteMany({ where: { id: { in: batch } } })).count,
  );
  // 3. Event identities past their deduplication window (the expiresAt index).
  await inBatches(
    'processedEventsDeleted',
    async () => ids(await prisma.processedEvent.findMany({ where: { expiresAt: { lt: now } }, select: { id: true }, take: batchSize })),
    async (batch) => (await prisma.processedEvent.deleteMany({ where: { id: { in: batch } } })).count,
  );
  // 4. Sign-ins nobody finished (the expiresAt index).
  await inBatches(
    'signInsDeleted',
    async () => ids(await prisma.zohoSignIn.findMany({ where: { expiresAt: { lt: now } }, select: { id: true }, take: batchSize })),
    async (batch) => (await prisma.zohoSignIn.deleteMany({ where: { id: { in: batch } } })).count,
  );
  // 5. Resolved write intents past the window (the updatedAt index).
  const intentCutoff = new Date(now.getTime() - WRITE_INTENT_RETENTION_DAYS * DAY_MS);
  await inBatches(
    'writeIntentsDeleted',
    async () => ids(await prisma.writeIntent.findMany({ where: { updatedAt: { lt: intentCutoff }, createdId: { not: null } }, select: { id: true }, take: batchSize })),
    async (batch) => (await prisma.writeIntent.deleteMany({ where: { id: { in: batch }, createdId: { not: null } } })).count,
  );
  // 6. Issue timeline entries (F46) kept as long as the run history they point at (the createdAt index).
  await inBatches(
    'timelineEntriesDeleted',
    async () => ids(await prisma.syncTimelineEntry.findMany({ where: { createdAt: { lt: runCutoff } }, select: { id: true }, take: batchSize })),
    async (batch) => (await prisma.syncTimelineEntry.deleteMany({ where: { id: { in: batch } } })).count,
  );
  return result;
}
