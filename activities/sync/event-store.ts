// The database half of an SCI's event queue: events beyond what the workflow keeps in its state, and parked
// events (poison: a failure no retry can fix), each with its reason. One row per SCI and event key, so a
// newer event for the same issue, comment, attachment or record replaces the older one (coalescing).
import { type Prisma, type PrismaClient } from '../../prisma/generated/client';
import { eventKey, splitEvent } from '../../workflows/event-queue';
import type { PendingEvent } from '../../workflows/messages';
import type {
  ApplyEventsInput,
  ApplyOutcome,
  ApplyStoredInput,
  ApplyStoredOutcome,
  ParkEventsInput,
  QueueCounts,
  ResetCursorInput,
  SciQueue,
  RunCounts,
  SciIds,
  StoreEventsInput,
} from '../types';
import { isForeignKeyViolation } from '../../lib/db/errors';

/** Reasons are shown on the admin page; a vendor's message can be long. */
const MAX_REASON = 500;

export class SciEventStore implements SciQueue {
  constructor(private readonly prisma: PrismaClient) {}

  async counts(ids: SciIds): Promise<QueueCounts> {
    const rows = await this.prisma.sciQueuedEvent.groupBy({ by: ['state'], where: { sciId: ids.sciId, tenantId: ids.tenantId }, _count: { _all: true } });
    const of = (state: 'QUEUED' | 'PARKED') => rows.find((r) => r.state === state)?._count._all ?? 0;
    return { queued: of('QUEUED'), parked: of('PARKED') };
  }

  /** Stores events the workflow could not keep; a parked row for the same key is queued again with the newer event. */
  async store(input: StoreEventsInput): Promise<QueueCounts> {
    const events = input.events.flatMap(splitEvent);
    await this.upsert(input, events, { state: 'QUEUED', reason: null });
    return this.counts(input);
  }

  /** Parks events with the reason no retry could fix; they stay until applied (timer or admin), never dropped. */
  async park(input: ParkEventsInput): Promise<{ parkedTotal: number }> {
    await this.upsert(input, input.events.flatMap(splitEvent), { state: 'PARKED', reason: input.reason.slice(0, MAX_REASON) });
    return { parkedTotal: (await this.counts(input)).parked };
  }

  /** Puts every parked event back in the queue (the admin's "retry", or the workflow's timer). */
  async requeueParked(ids: SciIds): Promise<QueueCounts & { requeued: number }> {
    const moved = await this.prisma.sciQueuedEvent.updateMany({ where: { sciId: ids.sciId, tenantId: ids.tenantId, state: 'PARKED' }, data: { state: 'QUEUED' } });
    return { ...(await this.counts(ids)), requeued: moved.count };
  }

  /**
   * Applies the oldest queued rows. A row is removed only if it still holds the payload that was applied: a
   * newer event that replaced it meanwhile stays queued for the next call. `apply` is the same path the
   * workflow's own batches take (budget guard included).
   */
  async applyStored(input: ApplyStoredInput, apply: (input: ApplyEventsInput) => Promise<RunCounts & Partial<ApplyOutcome>>): Promise<ApplyStoredOutcome> {
    const rows = await this.prisma.sciQueuedEvent.findMany({
      where: { sciId: input.sciId, tenantId: input.tenantId, state: 'QUEUED' },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: input.limit,
    });
    const result = rows.length > 0 ? await apply({ tenantId: input.tenantId, sciId: input.sciId, events: rows.map((r) => r.payload as unknown as PendingEvent) }) : undefined;
    for (const row of rows) {
      // Parked by the apply call itself: that row is PARKED now and stays.
      await this.prisma.sciQueuedEvent.deleteMany({ where: { id: row.id, state: 'QUEUED', updatedAt: row.updatedAt } });
    }
    const after = await this.counts(input);
    return {
      recordsSeen: result?.recordsSeen ?? 0,
      changed: result?.changed ?? 0,
      created: result?.created ?? 0,
      skipped: result?.skipped ?? 0,
      errors: result?.errors ?? [],
      parkedTotal: after.parked,
      remaining: after.queued,
    };
  }

  /**
   * Re-reads the module from `since`: the stored cursor moves back and every link forgets what it last
   * applied, in one transaction. The workflow runs this inside its own execution (an update), so nothing
   * queued is lost the way a terminate and restart could lose it.
   */
  async resetCursor(input: ResetCursorInput): Promise<{ cursor: string }> {
    const since = new Date(input.since).toISOString();
    await this.prisma.$transaction([
      this.prisma.smartConnectedItem.updateMany({ where: { id: input.sciId, tenantId: input.tenantId }, data: { cursor: { since, notesSince: since } } }),
      this.prisma.recordLink.updateMany({ where: { sciId: input.sciId, tenantId: input.tenantId }, data: { lastZohoModifiedAt: null } }),
    ]);
    return { cursor: since };
  }

  private async upsert(ids: SciIds, events: readonly PendingEvent[], as: { state: 'QUEUED' | 'PARKED'; reason: string | null }): Promise<void> {
    // The latest event per key wins, within this call as across calls.
    const latest = new Map<string, PendingEvent>();
    for (const e of events) latest.set(eventKey(e), e);
    const keys = [...latest.keys()];
    const existing = new Set(
      (await this.prisma.sciQueuedEvent.findMany({ where: { sciId: ids.sciId, key: { in: keys } }, select: { key: true } })).map((r) => r.key),
    );
    const failures = as.state === 'PARKED' ? 1 : 0;
    try {
      await this.prisma.sciQueuedEvent.createMany({
        data: keys
          .filter((k) => !existing.has(k))
          .map((key) => ({ tenantId: ids.tenantId, sciId: ids.sciId, key, payload: latest.get(key) as unknown as Prisma.InputJsonValue, ...as, failures })),
        // One SCI's calls come one at a time from its workflow; a retried call finds its own rows and skips them.
        skipDuplicates: true,
      });
      for (const key of keys.filter((k) => existing.has(k))) {
        await this.prisma.sciQueuedEvent.updateMany({
          where: { sciId: ids.sciId, key },
          data: { payload: latest.get(key) as unknown as Prisma.InputJsonValue, ...as, ...(failures ? { failures: { increment: 1 } } : {}) },
        });
      }
    } catch (err) {
      // The SCI was deleted meanwhile (foreign key): its events have nowhere to go and nothing to apply to.
      if (isForeignKeyViolation(err)) return;
      throw err;
    }
  }
}
