// Periodic data retention (F39), started by the Temporal Schedule `maintenance:purge-expired-data` (see
// lib/maintenance/schedule.ts): calls the purge activity until it reports nothing left, at most a bounded
// number of rounds per run (the next scheduled run carries on). Each round is one bounded batch per table.
import { proxyActivities, setWorkflowOptions } from '@temporalio/workflow';
import type { PurgeResult, SciActivities } from '../activities';
import { maintenanceRetry } from './policies';
import { versioningFor } from './versioning';

const { 'maintenance.purgeExpiredData': purgeExpiredData } = proxyActivities<SciActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: maintenanceRetry,
});

export interface MaintenanceTotals {
  rounds: number;
  tenantsDeleted: number;
  syncRunsDeleted: number;
  processedEventsDeleted: number;
  signInsDeleted?: number;
  writeIntentsDeleted?: number;
  /** Work was left for the next run (the round limit was reached). */
  more: boolean;
}

const MAX_ROUNDS = 50;

setWorkflowOptions(versioningFor('maintenanceWorkflow'), maintenanceWorkflow);
export async function maintenanceWorkflow(input: { maxRounds?: number } = {}): Promise<MaintenanceTotals> {
  const totals: MaintenanceTotals = { rounds: 0, tenantsDeleted: 0, syncRunsDeleted: 0, processedEventsDeleted: 0, more: false };
  const maxRounds = input.maxRounds ?? MAX_ROUNDS;
  let last: PurgeResult | undefined;
  do {
    last = await purgeExpiredData();
    totals.rounds += 1;
    totals.tenantsDeleted += last.tenantsDeleted;
    totals.syncRunsDeleted += last.syncRunsDeleted;
    totals.processedEventsDeleted += last.processedEventsDeleted;
    totals.signInsDeleted = (totals.signInsDeleted ?? 0) + (last.signInsDeleted ?? 0);
    totals.writeIntentsDeleted = (totals.writeIntentsDeleted ?? 0) + (last.writeIntentsDeleted ?? 0);
  } while (last.more && totals.rounds < maxRounds);
  totals.more = last.more;
  return totals;
}
