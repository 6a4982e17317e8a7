// One workflow per tenant keeps its Zoho notification channels alive (F33): it reconciles when asked (an
// SCI was created, changed or deleted; the connection changed) and otherwise wakes just before the next
// channel would lapse. Its id is stable (`channels:<tenant>`), so the API reaches it with signal-with-start.
import { condition, continueAsNew, proxyActivities, setHandler, setWorkflowOptions, workflowInfo, allHandlersFinished } from '@temporalio/workflow';
import type { SciActivities } from '../activities';
import { channelStatusQuery, reconcileChannelsSignal, type ChannelStatus, type ChannelWorkflowInput } from './channel-messages';
import { channelsRetry } from './policies';
import { versioningFor } from './versioning';

const { 'channels.reconcile': reconcile } = proxyActivities<SciActivities>({
  startToCloseTimeout: '2 minutes',
  retry: channelsRetry,
});

/** When nothing needs renewing, look again after this long anyway (cheap: a list call). */
const IDLE_RECHECK_MS = 60 * 60_000;

setWorkflowOptions(versioningFor('zohoChannelsWorkflow'), zohoChannelsWorkflow);
export async function zohoChannelsWorkflow(input: ChannelWorkflowInput): Promise<void> {
  const status: ChannelStatus = input.last ?? { lastResult: null, lastError: null, reconciliations: 0 };
  let requested = true;
  setHandler(reconcileChannelsSignal, () => {
    requested = true;
  });
  setHandler(channelStatusQuery, () => status);

  while (!workflowInfo().continueAsNewSuggested) {
    if (requested) {
      requested = false;
      try {
        status.lastResult = await reconcile({ tenantId: input.tenantId, notifyUrl: input.notifyUrl, ttlMs: input.ttlMs, renewBeforeMs: input.renewBeforeMs });
        status.lastError = null;
      } catch (err) {
        status.lastError = err instanceof Error ? err.message : String(err);
      }
      status.reconciliations += 1;
    }
    const next = status.lastResult?.nextCheckAt ? Date.parse(status.lastResult.nextCheckAt) - Date.now() : IDLE_RECHECK_MS;
    // After a failure retry sooner than the idle recheck, but never in a tight loop.
    const waitMs = status.lastError ? 60_000 : Math.max(1000, Math.min(next, IDLE_RECHECK_MS));
    const signalled = await condition(() => requested, waitMs);
    if (!signalled) requested = true;
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof zohoChannelsWorkflow>({ ...input, last: status });
}
