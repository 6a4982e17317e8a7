// Data retention (F39): deletes what the product promised not to keep.
//   - UNINSTALLED tenants whose uninstalledAt is older than TENANT_RETENTION_DAYS, with all their data
//     (every table references Tenant with ON DELETE CASCADE);
//   - SyncRun rows started longer than RUN_HISTORY_RETENTION_DAYS ago;
//   - ProcessedEvent rows past their expiresAt (the deduplication window is over).
// Work goes in bounded batches (ids read with LIMIT, then deleted by id), so one call never holds a long
// transaction or deletes an unbounded number of rows; `more` says a further call has work left.
import type { PrismaClient } from '../../prisma/generated/client';

const DAY_MS = 86_400_000;

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
  /** True when a batch limit was reached: call again. */
  more: boolean;
}

export async function purgeExpiredData(prisma: PrismaClient, settings: RetentionSettings, opts: PurgeOptions = {}): Promise<PurgeResult> {
  const now = (opts.now ?? (() => new Date()))();
  const batchSize = opts.batchSize ?? 1000;
  const tenantBatchSize = opts.tenantBatchSize ?? 10;
  const maxBatches = opts.maxBatches ?? 20;
  const result: PurgeResult = { tenantsDeleted: 0, syncRunsDeleted: 0, processedEventsDeleted: 0, more: false };
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

  // 2. Run history older than the window (the startedAt index).
  for (let i = 0; i < maxBatches; i++) {
    const ids = (await prisma.syncRun.findMany({ where: { startedAt: { lt: runCutoff } }, select: { id: true }, take: batchSize })).map((r) => r.id);
    if (ids.length === 0) break;
    result.syncRunsDeleted += (await prisma.syncRun.deleteMany({ where: { id: { in: ids } } })).count;
    opts.onProgress?.(result);
    if (ids.length < batchSize) break;
    if (i === maxBatches - 1) result.more = true;
  }

  // 3. Event identities past their deduplication window (the expiresAt index).
  for (let i = 0; i < maxBatches; i++) {
    const ids = (await prisma.processedEvent.findMany({ where: { expiresAt: { lt: now } }, select: { id: true }, take: batchSize })).map((r) => r.id);
    if (ids.length === 0) break;
    result.processedEventsDeleted += (await prisma.processedEvent.deleteMany({ where: { id: { in: ids } } })).count;
    opts.onProgress?.(result);
    if (ids.length < batchSize) break;
    if (i === maxBatches - 1) result.more = true;
  }
  return result;
}
