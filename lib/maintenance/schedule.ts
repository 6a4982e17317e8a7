// The Temporal Schedule that runs the retention job (workflows/maintenance-workflow.ts) every hour. Created
// by API start-up; every replica may try, the first one wins (ScheduleAlreadyRunning is success). One run at
// a time (overlap SKIP); a run missed while the cluster was down is caught up within an hour.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { WORKFLOW_TYPES } from '../../workflows/names';

export const MAINTENANCE_SCHEDULE_ID = 'maintenance:purge-expired-data';
export const MAINTENANCE_WORKFLOW_ID = 'maintenance:purge';

export async function ensureMaintenanceSchedule(client: Client, opts: { taskQueue: string; every?: string }): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: MAINTENANCE_SCHEDULE_ID,
      spec: { intervals: [{ every: opts.every ?? '1h' }] },
      action: { type: 'startWorkflow', workflowType: WORKFLOW_TYPES.maintenance, workflowId: MAINTENANCE_WORKFLOW_ID, taskQueue: opts.taskQueue, args: [{}] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      memo: { purpose: 'Data retention: uninstalled sites past TENANT_RETENTION_DAYS, run history past RUN_HISTORY_RETENTION_DAYS, expired event ids' },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}
