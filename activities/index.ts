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
import { SciSyncEngine } from './sync/engine';
import type { SyncDeps } from './sync/context';
import type { ApplyEventsInput, PollInput, PollOutcome, RunCounts } from './types';

/** What the SCI activities need from the rest of the product. */
export interface SciSync {
  pollZohoChanges(input: PollInput): Promise<PollOutcome>;
  applyPendingEvents(input: ApplyEventsInput): Promise<RunCounts>;
}

/** Keeps a tenant's Zoho notification channels in step with its SCIs (F33). */
export interface ChannelReconciler {
  reconcile(input: ReconcileChannelsInput): Promise<ReconcileChannelsResult>;
}

export interface ActivityDeps {
  sync: SciSync;
  channels?: ChannelReconciler;
  /** Backfill of existing records (F34). */
  backfill?: BackfillRunner;
  /** Data retention (F39): the database and the retention settings of this deployment. */
  maintenance?: { prisma: PrismaClient; retention: RetentionSettings };
}

export function createActivities(deps: ActivityDeps) {
  return {
    'sync.pollZohoChanges': (input: PollInput): Promise<PollOutcome> => classified(() => deps.sync.pollZohoChanges(input)),
    'sync.applyPendingEvents': (input: ApplyEventsInput): Promise<RunCounts> => classified(() => deps.sync.applyPendingEvents(input)),
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
export function createSyncActivities(deps: SyncDeps & { cipher: SecretCipher; zohoBudget?: ZohoBudgetChoice; retention?: RetentionSettings }) {
  // F36: every Zoho call is counted per tenant; SCI automation pauses at the budget line, backfills too.
  const budget = zohoBudgetFor(deps, deps.zohoBudget);
  return createActivities({
    sync: budgetGuarded(new SciSyncEngine(deps), new BudgetGuard(deps.prisma, budget)),
    channels: new ChannelKeeper(deps),
    backfill: new BackfillRunner(deps, budget),
    maintenance: { prisma: deps.prisma, retention: deps.retention ?? DEFAULT_RETENTION },
  });
}

export type SciActivities = ReturnType<typeof createActivities>;
export type * from './types';
export type { SyncDeps } from './sync/context';
export type { ReconcileChannelsInput, ReconcileChannelsResult } from './channels/keeper';
export type { PurgeResult, RetentionSettings } from './maintenance/purge';
