// One backfill of one SCI (F34), id `backfill:<tenant>:<sci>`: imports (IMPORT) or links (MATCH) the records
// that existed when the SCI was created, a few Zoho pages per activity call. The checkpoint lives in the
// BackfillRun row, moved by the activity in the same statement that counts the page, so a worker killed at
// any point costs at most the page in progress (redone without duplicates). Progress is a query here and the
// row for the API; a Zoho budget pause (F36) waits for the window instead of spending credits.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  setWorkflowOptions,
  workflowInfo,
} from '@temporalio/workflow';
import type { backfillActivities } from '../activities/backfill';
import { FAILURE, failureMessage, failureType } from './failures';
import { BACKFILL_FINAL, backfillPageRetry, backfillShortRetry } from './policies';
import {
  backfillProgressQuery,
  cancelBackfillSignal,
  retryBackfillSignal,
  type BackfillCarried,
  type BackfillPhase,
  type BackfillProgress,
  type BackfillWorkflowInput,
} from './backfill-messages';
import { versioningFor } from './versioning';

type BackfillActivities = ReturnType<typeof backfillActivities>;

const RETRY_WAIT_MS = 5 * 60_000;
/** A budget pause looks again at least this often, and at most this rarely. */
const BUDGET_WAIT_MIN_MS = 60_000;
const BUDGET_WAIT_MAX_MS = 60 * 60_000;

setWorkflowOptions(versioningFor('backfillWorkflow'), backfillWorkflow);
export async function backfillWorkflow(input: BackfillWorkflowInput): Promise<BackfillProgress> {
  const pageActs = proxyActivities<BackfillActivities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: input.heartbeatTimeoutMs ?? 30_000,
    retry: backfillPageRetry,
  });
  const shortActs = proxyActivities<BackfillActivities>({
    startToCloseTimeout: '2 minutes',
    retry: backfillShortRetry,
  });

  const state: BackfillCarried | undefined = input.carried;
  let phase: BackfillPhase = state ? 'running' : 'starting';
  let run: BackfillCarried = state ?? {
    mode: 'IMPORT',
    total: null,
    counts: { done: 0, created: 0, linked: 0, skipped: 0, failed: 0 },
    startedAt: new Date().toISOString(),
    generation: 0,
    lastError: null,
  };
  let resumesAt: string | null = null;
  let cancelled = false;
  let retryNow = false;

  setHandler(cancelBackfillSignal, () => {
    cancelled = true;
  });
  setHandler(retryBackfillSignal, () => {
    retryNow = true;
  });
  const progress = (): BackfillProgress => {
    const elapsedMs = Math.max(0, Date.now() - Date.parse(run.startedAt));
    return {
      tenantId: input.tenantId,
      sciId: input.sciId,
      mode: phase === 'starting' ? null : run.mode,
      phase,
      total: run.total,
      ...run.counts,
      rate: elapsedMs > 0 ? Math.round((run.counts.done / elapsedMs) * 1000 * 10) / 10 : 0,
      startedAt: run.startedAt,
      elapsedMs,
      resumesAt,
      lastError: run.lastError,
      generation: run.generation,
    };
  };
  setHandler(backfillProgressQuery, progress);

  const ids = { tenantId: input.tenantId, sciId: input.sciId, startedAt: run.startedAt };
  const end = async (final: 'succeeded' | 'failed' | 'cancelled', error?: string): Promise<BackfillProgress> => {
    phase = final;
    if (error) run.lastError = error;
    const stateName = final === 'succeeded' ? 'SUCCEEDED' : final === 'failed' ? 'FAILED' : 'CANCELLED';
    await shortActs['backfill.finish']({ ...ids, state: stateName, ...(error ? { error } : {}) });
    await condition(allHandlersFinished);
    return progress();
  };

  if (!state) {
    let begun;
    try {
      begun = await shortActs['backfill.begin']({ ...ids, workflowId: workflowInfo().workflowId });
    } catch (err) {
      // Not even started (e.g. Zoho re-authentication required): nothing to undo, the admin starts it again.
      phase = 'failed';
      run.lastError = failureMessage(err);
      return progress();
    }
    if (!begun.ok) {
      phase = 'failed';
      run.lastError = begun.reason;
      return progress();
    }
    run = { ...run, mode: begun.mode, total: begun.total };
    phase = 'running';
  }

  const waitOr = async (ms: number) => {
    retryNow = false;
    await condition(() => cancelled || retryNow, ms);
  };

  for (;;) {
    if (cancelled) return end('cancelled');
    if (workflowInfo().continueAsNewSuggested || (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents)) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof backfillWorkflow>({ ...input, carried: { ...run, generation: run.generation + 1 } });
    }
    try {
      const res = await pageActs['backfill.runPages']({ ...ids, maxPages: input.pagesPerCall ?? 5 });
      run.counts = res.counts;
      if (res.errors.length) run.lastError = res.errors.at(-1)!;
      if (res.finished) return end('succeeded');
      if (res.budgetMessage !== undefined) {
        phase = 'paused-budget';
        resumesAt = res.budgetPausedUntil ?? null;
        run.lastError = res.budgetMessage;
        const until = resumesAt ? Date.parse(resumesAt) - Date.now() : BUDGET_WAIT_MIN_MS;
        await waitOr(Math.min(BUDGET_WAIT_MAX_MS, Math.max(BUDGET_WAIT_MIN_MS, until)));
        resumesAt = null;
      }
      phase = 'running';
    } catch (err) {
      const type = failureType(err);
      const message = failureMessage(err);
      // Failures no retry can fix end the run (SCI gone); a newer run that took over ends this one quietly.
      if (type !== undefined && BACKFILL_FINAL.includes(type)) return type === FAILURE.BackfillSuperseded ? progress() : end('failed', message);
      // Vendor trouble outlasting the activity's retries, or automation blocked: wait, then go on from the checkpoint.
      phase = 'retrying';
      run.lastError = message;
      await waitOr(RETRY_WAIT_MS);
      phase = 'running';
    }
  }
}

