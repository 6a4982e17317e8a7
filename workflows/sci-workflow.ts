// One durable workflow per Smart Connected Item (F12). It waits with `condition(…, pollInterval)` so that a
// signal (Jira event, Zoho notification, sync now, config change, pause/resume) wakes it at once and the
// poll runs otherwise. State that must survive continue-as-new travels in `carried`.
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SciActivities } from '../activities';
import {
  configChangedSignal,
  jiraEventSignal,
  jiraEventsSignal,
  pauseSignal,
  resumeSignal,
  retryParkedSignal,
  statusQuery,
  syncNowSignal,
  zohoNotificationSignal,
  type CarriedState,
  type LastRun,
  type PendingEvent,
  type SciStatus,
  type SciWorkflowInput,
} from './messages';

/** Sync activities heartbeat per record, so a dead worker is noticed within the heartbeat timeout. */
function syncActivities(heartbeatTimeoutMs = 30_000) {
  return proxyActivities<SciActivities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: heartbeatTimeoutMs,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '2 minutes',
      maximumAttempts: 8,
      nonRetryableErrorTypes: ['ReauthRequired', 'AutomationUnavailable'],
    },
  });
}

/** Events drained per activity call: keeps payloads small and progress visible. */
const EVENT_BATCH = 100;
/** A batch that fails this many runs in a row is parked, so one bad event cannot block the rest. */
const MAX_BATCH_FAILURES = 3;
/** Failure types that no retry can fix: automation waits for the admin (F6, R4). */
const BLOCKING_FAILURES = new Set(['ReauthRequired', 'AutomationUnavailable']);

export async function sciWorkflow(input: SciWorkflowInput): Promise<void> {
  const acts = syncActivities(input.heartbeatTimeoutMs);
  const state: CarriedState = {
    cursor: null,
    pending: [],
    parked: [],
    blocked: false,
    paused: false,
    runs: 0,
    lastRun: null,
    generation: 0,
    ...input.carried,
  };
  let syncRequested = input.carried === undefined; // first run of a new SCI syncs at once
  let wakeKind: LastRun['kind'] = 'manual';
  let phase: SciStatus['state'] = state.paused ? 'paused' : state.blocked ? 'blocked' : 'waiting';
  let lastError: string | null = state.lastRun?.error ?? null;
  let batchFailures = 0;
  // F36 hook: after a Zoho budget pause, queued events wait for the next poll (or sync now), not a hot loop.
  let budgetHold = false;
  const queued = new Set(state.pending.map(eventKey));

  const enqueue = (p: PendingEvent) => {
    const key = eventKey(p);
    if (queued.has(key)) return; // redelivered while still queued
    queued.add(key);
    state.pending.push(p);
  };
  const unblock = () => {
    if (state.blocked) {
      state.blocked = false;
      if (phase === 'blocked') phase = state.paused ? 'paused' : 'waiting';
    }
    syncRequested = true;
  };

  setHandler(syncNowSignal, () => {
    syncRequested = true;
    wakeKind = 'manual';
  });
  setHandler(configChangedSignal, unblock);
  setHandler(pauseSignal, () => {
    state.paused = true;
    phase = 'paused';
  });
  setHandler(resumeSignal, () => {
    state.paused = false;
    if (phase === 'paused') phase = state.blocked ? 'blocked' : 'waiting';
    unblock();
  });
  setHandler(retryParkedSignal, () => {
    for (const p of state.parked.splice(0)) enqueue(p);
  });
  setHandler(jiraEventSignal, (event) => enqueue({ source: 'jira', event }));
  setHandler(jiraEventsSignal, (events) => {
    for (const event of events) enqueue({ source: 'jira', event });
  });
  setHandler(zohoNotificationSignal, (event) => enqueue({ source: 'zoho', event }));
  setHandler(statusQuery, () => ({
    tenantId: input.tenantId,
    sciId: input.sciId,
    state: phase,
    cursor: state.cursor,
    pendingEvents: state.pending.length,
    parkedEvents: state.parked.length,
    runs: state.runs,
    lastRun: state.lastRun,
    lastError,
    generation: state.generation,
  }));

  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested ||
    (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents);
  const runnable = () => !state.paused && !state.blocked;

  for (;;) {
    const woke = await condition(
      () => shouldContinueAsNew() || (runnable() && (syncRequested || (state.pending.length > 0 && !budgetHold))),
      input.pollIntervalMs,
    );
    if (shouldContinueAsNew()) break;
    if (!runnable()) {
      // Paused or blocked: no polling at all (no hot loop, R4) until a signal changes that.
      await condition(() => runnable() || shouldContinueAsNew());
      continue;
    }
    const kind: LastRun['kind'] = !woke ? 'poll' : syncRequested ? wakeKind : 'event';
    syncRequested = false;
    phase = 'syncing';
    const startedAt = new Date().toISOString();
    const counts = { recordsSeen: 0, changed: 0, created: 0, skipped: 0 };
    const errors: string[] = [];
    try {
      while (state.pending.length > 0) {
        const batch = state.pending.slice(0, EVENT_BATCH);
        try {
          const applied = await acts['sync.applyPendingEvents']({ tenantId: input.tenantId, sciId: input.sciId, events: batch });
          add(counts, applied);
          errors.push(...applied.errors);
          batchFailures = 0;
        } catch (err) {
          // F36 hook: a Zoho budget pause is not the batch's fault; its events wait in the queue, never parked.
          if (isBlocking(err) || failureType(err) === 'BudgetExhausted' || ++batchFailures < MAX_BATCH_FAILURES) throw err;
          state.parked.push(...batch); // kept, visible and retryable; the queue moves on
          if (state.parked.length > 1000) state.parked.splice(0, state.parked.length - 1000);
          errors.push(`${batch.length} event(s) parked after ${MAX_BATCH_FAILURES} failed runs: ${failureMessage(err)}`);
          batchFailures = 0;
        }
        state.pending.splice(0, batch.length);
        for (const p of batch) queued.delete(eventKey(p));
      }
      const polled = await acts['sync.pollZohoChanges']({ tenantId: input.tenantId, sciId: input.sciId, cursor: state.cursor, kind });
      state.cursor = polled.cursor;
      add(counts, polled);
      errors.push(...polled.errors);
      lastError = errors[0] ?? null;
      state.lastRun = { kind, startedAt, endedAt: new Date().toISOString(), outcome: 'ok', ...counts };
      budgetHold = false;
    } catch (err) {
      lastError = failureMessage(err);
      budgetHold = failureType(err) === 'BudgetExhausted';
      if (isBlocking(err)) {
        state.blocked = true;
      }
      state.lastRun = { kind, startedAt, endedAt: new Date().toISOString(), outcome: 'failed', ...counts, error: lastError };
    }
    state.runs += 1;
    phase = state.paused ? 'paused' : state.blocked ? 'blocked' : 'waiting';
  }

  // Never continue-as-new with a signal handler mid-flight: its effect would be lost.
  await condition(allHandlersFinished);
  await continueAsNew<typeof sciWorkflow>({ ...input, carried: { ...state, generation: state.generation + 1 } });
}

function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

function isBlocking(err: unknown): boolean {
  const type = failureType(err);
  return type !== undefined && BLOCKING_FAILURES.has(type);
}

function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

function add(into: { recordsSeen: number; changed: number; created: number; skipped: number }, from: typeof into) {
  into.recordsSeen += from.recordsSeen;
  into.changed += from.changed;
  into.created += from.created;
  into.skipped += from.skipped;
}

function eventKey(p: PendingEvent): string {
  return p.source === 'jira' ? `jira:${p.event.eventId}` : `zoho:${p.event.channelId}:${p.event.receivedAt}:${p.event.recordIds.join(',')}`;
}
