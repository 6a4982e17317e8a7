// One durable workflow per Smart Connected Item (F12). It waits with `condition(…, pollInterval)` so that a
// signal (Jira event, Zoho notification, sync now, config change, pause/resume) wakes it at once and the
// poll runs otherwise. State that must survive continue-as-new travels in `carried`.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
  ApplicationFailure,
} from '@temporalio/workflow';
import type { SciActivities } from '../activities';
import {
  configChangedSignal,
  jiraEventSignal,
  pauseSignal,
  resumeSignal,
  statusQuery,
  syncNowSignal,
  zohoNotificationSignal,
  type CarriedState,
  type LastRun,
  type PendingEvent,
  type SciStatus,
  type SciWorkflowInput,
} from './messages';

const acts = proxyActivities<SciActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** Events drained per activity call: keeps payloads small and progress visible. */
const EVENT_BATCH = 100;

export async function sciWorkflow(input: SciWorkflowInput): Promise<void> {
  const state: CarriedState = input.carried ?? {
    cursor: null,
    pending: [],
    paused: false,
    runs: 0,
    lastRun: null,
    generation: 0,
  };
  let syncRequested = input.carried === undefined; // first run of a new SCI syncs at once
  let phase: SciStatus['state'] = state.paused ? 'paused' : 'waiting';
  let lastError: string | null = null;
  const seenEventIds = new Set(state.pending.map((p) => eventKey(p)));

  const enqueue = (p: PendingEvent) => {
    const key = eventKey(p);
    if (seenEventIds.has(key)) return; // redelivered event: already queued
    seenEventIds.add(key);
    state.pending.push(p);
  };

  setHandler(syncNowSignal, () => {
    syncRequested = true;
  });
  setHandler(configChangedSignal, () => {
    syncRequested = true;
  });
  setHandler(pauseSignal, () => {
    state.paused = true;
    phase = 'paused';
  });
  setHandler(resumeSignal, () => {
    state.paused = false;
    syncRequested = true;
    if (phase === 'paused') phase = 'waiting';
  });
  setHandler(jiraEventSignal, (event) => enqueue({ source: 'jira', event }));
  setHandler(zohoNotificationSignal, (event) => enqueue({ source: 'zoho', event }));
  setHandler(statusQuery, () => ({
    tenantId: input.tenantId,
    sciId: input.sciId,
    state: phase,
    cursor: state.cursor,
    pendingEvents: state.pending.length,
    runs: state.runs,
    lastRun: state.lastRun,
    lastError,
    generation: state.generation,
  }));

  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested ||
    (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents);

  while (!shouldContinueAsNew()) {
    const woke = await condition(
      () => !state.paused && (syncRequested || state.pending.length > 0),
      input.pollIntervalMs,
    );
    if (state.paused) {
      await condition(() => !state.paused || shouldContinueAsNew());
      continue;
    }
    const kind: LastRun['kind'] = !woke ? 'poll' : syncRequested ? 'manual' : 'event';
    syncRequested = false;
    phase = 'syncing';
    const startedAt = new Date().toISOString();
    const counts = { recordsSeen: 0, changed: 0, created: 0, skipped: 0 };
    const errors: string[] = [];
    try {
      while (state.pending.length > 0) {
        const batch = state.pending.slice(0, EVENT_BATCH);
        const applied = await acts['sync.applyPendingEvents']({ tenantId: input.tenantId, sciId: input.sciId, events: batch });
        state.pending.splice(0, batch.length);
        for (const p of batch) seenEventIds.delete(eventKey(p));
        add(counts, applied);
        errors.push(...applied.errors);
      }
      const polled = await acts['sync.pollZohoChanges']({ tenantId: input.tenantId, sciId: input.sciId, cursor: state.cursor });
      state.cursor = polled.cursor;
      add(counts, polled);
      errors.push(...polled.errors);
      lastError = errors[0] ?? null;
      state.lastRun = { kind, startedAt, endedAt: new Date().toISOString(), outcome: 'ok', ...counts };
    } catch (err) {
      lastError = err instanceof ApplicationFailure || err instanceof Error ? err.message : String(err);
      state.lastRun = { kind, startedAt, endedAt: new Date().toISOString(), outcome: 'failed', ...counts, error: lastError };
    }
    state.runs += 1;
    phase = state.paused ? 'paused' : 'waiting';
  }

  // Never continue-as-new with a signal handler mid-flight: its effect would be lost.
  await condition(allHandlersFinished);
  await continueAsNew<typeof sciWorkflow>({ ...input, carried: { ...state, generation: state.generation + 1 } });
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
