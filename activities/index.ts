// Activities are built by a factory over injected dependencies: the worker passes real clients and
// repositories, tests pass their own. Keys are the activity type names the Temporal UI shows (F32), and
// every body runs through `classified` so vendor failures map onto Temporal retry semantics.
import { ChannelKeeper, type ReconcileChannelsInput, type ReconcileChannelsResult } from './channels/keeper';
import { backfillActivities, BackfillRunner } from './backfill';
import { BudgetGuard, budgetGuarded, zohoBudgetFor, type ZohoBudgetChoice } from './budget';
import { classified } from './errors';
import { heartbeat } from '@temporalio/activity';
import { DEFAULT_RETENTION, purgeExpiredData, type PurgeResult, type RetentionSettings } from './maintenance/purge';
import type { PrismaClient } from '../prisma/generated/client';
import type { SecretCipher } from '../lib/secrets/cipher';
import { SciSyncEngine, type EngineOptions } from './sync/engine';
import { SciEventStore } from './sync/event-store';
import type { SyncDeps } from './sync/context';
import type {
  ApplyEventsInput,
  ApplyOutcome,
  ApplyStoredInput,
  ApplyStoredOutcome,
  ParkEventsInput,
  PollInput,
  PollOutcome,
  QueueCounts,
  ResetCursorInput,
  SciIds,
  SciQueue,
  SciSync,
  StoreEventsInput,
} from './types';

/** Keeps a tenant's Zoho notification channels in step with its SCIs (F33). */
export interface ChannelReconciler {
  reconcile(input: ReconcileChannelsInput): Promise<ReconcileChannelsResult>;
}

export interface ActivityDeps {
  sync: SciSync;
  /** The database half of the SCI event queue; absent in tests that never overflow, park or resync. */
  queue?: SciQueue;
  channels?: ChannelReconciler;
  /** Backfill of existing records (F34). */
  backfill?: BackfillRunner;
  /** Data retention (F39): the database and the retention settings of this deployment. */
  maintenance?: { prisma: PrismaClient; retention: RetentionSettings };
}

export function createActivities(deps: ActivityDeps) {
  const queue = (): SciQueue => {
    if (!deps.queue) throw new Error('This worker was built without the event queue store.');
    return deps.queue;
  };
  return {
    'sync.pollZohoChanges': (input: PollInput): Promise<PollOutcome> => classified(() => deps.sync.pollZohoChanges(input)),
    'sync.applyPendingEvents': (input: ApplyEventsInput): Promise<ApplyOutcome> => classified(() => deps.sync.applyPendingEvents(input)),
    'sync.applyStoredEvents': (input: ApplyStoredInput): Promise<ApplyStoredOutcome> =>
      classified(() => queue().applyStored(input, (i) => deps.sync.applyPendingEvents(i))),
    'sync.storeEvents': (input: StoreEventsInput): Promise<QueueCounts> => classified(() => queue().store(input)),
    'sync.parkEvents': (input: ParkEventsInput): Promise<{ parkedTotal: number }> => classified(() => queue().park(input)),
    'sync.requeueParked': (input: SciIds): Promise<QueueCounts & { requeued: number }> => classified(() => queue().requeueParked(input)),
    'sync.resetCursor': (input: ResetCursorInput): Promise<{ cursor: string }> => classified(() => queue().resetCursor(input)),
    'channels.reconcile': (input: ReconcileChannelsInput): Promise<ReconcileChannelsResult> =>
      classified(() => {
        if (!deps.channels) throw new Error('This worker was built without Zoho channel support.');
        return deps.channels.reconcile(input);
      }),
    ...backfillActivities(deps.backfill),
    'maintenance.purgeExpiredData': (): Promise<PurgeResult> =>
      classified(() => {
        if (!deps.maintenance) throw new Error('This worker was built without the maintenance activities.');
        return purgeExpiredData(deps.maintenance.prisma, deps.maintenance.retention, { onProgress: (soFar) => heartbeat(soFar) });
      }),
  };
}

/** The production wiring: the sync engine over the database and the tenants' vendor clients. */
export function createSyncActivities(
  deps: SyncDeps & { cipher: SecretCipher; zohoBudget?: ZohoBudgetChoice; retention?: RetentionSettings; engine?: EngineOptions },
) {
  // F36: every Zoho call is counted per tenant; SCI automation pauses at the budget line, backfills too.
  const budget = zohoBudgetFor(deps, deps.zohoBudget);
  return createActivities({
    sync: budgetGuarded(new SciSyncEngine(deps, deps.engine), new BudgetGuard(deps.prisma, budget)),
    queue: new SciEventStore(deps.prisma),
    channels: new ChannelKeeper(deps),
    backfill: new BackfillRunner(deps, budget),
    maintenance: { prisma: deps.prisma, retention: deps.retention ?? DEFAULT_RETENTION },
  });
}

export type SciActivities = ReturnType<typeof createActivities>;
export type * from './types';
export type { EngineOptions } from './sync/engine';
export type { SyncDeps } from './sync/context';
export type { ReconcileChannelsInput, ReconcileChannelsResult } from './channels/keeper';
export type { PurgeResult, RetentionSettings } from './maintenance/purge';
