// One durable workflow per Smart Connected Item (F12). It waits with `condition(…, pollInterval)` so that a
// signal (Jira event, Zoho notification, sync now, config change, pause/resume) wakes it at once and the
// poll runs otherwise. State that must survive continue-as-new travels in `carried`, and stays small: the
// queue is coalesced and capped, the overflow and the parked (poison) events wait in the database.
//
// A vendor that is unavailable (the activity's retries used up on 5xx, 429, timeouts, network) is waited
// out here, with a backoff that grows to `maxBackoffMs`, for as long as it takes; nothing is parked for it.
// Only an event that fails in a way no retry can fix is parked, with its reason, and retried on a timer.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  setWorkflowOptions,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SciActivities } from '../activities';
import { CoalescingQueue, splitEvent } from './event-queue';
import { FAILURE, failureMessage, failureType, isPoison, waitsForAdmin } from './failures';
import { syncRetry } from './policies';
import {
  configChangedSignal,
  jiraEventSignal,
  jiraEventsSignal,
  pauseSignal,
  resumeSignal,
  resyncUpdate,
  retryParkedSignal,
  statusQuery,
  syncNowSignal,
  zohoNotificationSignal,
  type CarriedState,
  type LastRun,
  type PendingEvent,
  type ResyncRequest,
  type SciLabel,
  type SciStatus,
  type SciWorkflowInput,
} from './messages';
import { SCI_SYNC_MODE, SCI_ZOHO_MODULE } from './search-attributes';
import { versioningFor } from './versioning';

/** Sync activities heartbeat per record, so a dead worker is noticed within the heartbeat timeout. */
function syncActivities(input: SciWorkflowInput) {
  return proxyActivities<SciActivities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: input.heartbeatTimeoutMs ?? 30_000,
    retry: syncRetry(input.activityAttempts),
  });
}

/** Events drained per activity call: keeps payloads small and progress visible. */
const EVENT_BATCH = 100;
const DEFAULT_QUEUE_CAP = 500;
const DEFAULT_PARKED_RETRY_MS = 30 * 60_000;
const DEFAULT_MAX_BACKOFF_MS = 10 * 60_000;
const FIRST_BACKOFF_MS = 15_000;

setWorkflowOptions(versioningFor('sciWorkflow'), sciWorkflow);
export async function sciWorkflow(input: SciWorkflowInput): Promise<void> {
  const acts = syncActivities(input);
  const ids = { tenantId: input.tenantId, sciId: input.sciId };
  const cap = input.queueCap ?? DEFAULT_QUEUE_CAP;
  const carried = input.carried;
  const state: CarriedState = {
    cursor: null,
    pending: [],
    stored: 0,
    parked: 0,
    blocked: false,
    paused: input.paused ?? false,
    runs: 0,
    lastRun: null,
    generation: 0,
    ...carried,
  };
  const queue = new CoalescingQueue(state.pending);
  /** Events that did not fit in the queue, on their way to the database (coalesced too, until stored). */
  const overflow = new CoalescingQueue([]);
  // An older execution carried its parked events in state: they go to the database queue and are retried.
  if (Array.isArray(state.parked)) {
    for (const p of state.parked) overflow.offer(p, Infinity);
    state.parked = 0;
  }
  let parkedCount = state.parked;
  let syncRequested = carried === undefined; // first run of a new SCI syncs at once
  let wakeKind: LastRun['kind'] = 'manual';
  let phase: SciStatus['state'] = state.paused ? 'paused' : state.blocked ? 'blocked' : 'waiting';
  let lastError: string | null = state.lastRun?.error ?? null;
  // F36 hook: after a Zoho budget pause, queued events wait for the next poll (or sync now), not a hot loop.
  let budgetHold = false;
  // While a vendor is unavailable: consecutive failed tries and when the next one is due.
  let failedTries = 0;
  let retryAt: number | null = null;
  let parkedRetryDue = false;
  let requeueParked = false;
  let resync: { since: string; done: boolean } | null = null;
  if (input.label) setCurrentDetails(details(input.label));

  const enqueue = (p: PendingEvent) => {
    for (const one of splitEvent(p)) if (!queue.offer(one, cap)) overflow.offer(one, Infinity);
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
    retryAt = null; // the admin asked: try now, even while waiting out an outage
  });
  setHandler(configChangedSignal, (label?: SciLabel) => {
    if (label) {
      upsertSearchAttributes([
        { key: SCI_SYNC_MODE, value: label.syncMode },
        { key: SCI_ZOHO_MODULE, value: label.zohoModule },
      ]);
      setCurrentDetails(details(label));
    }
    unblock();
    requeueParked = parkedCount > 0; // a fixed mapping or connection may be what parked them
  });
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
    requeueParked = true;
    syncRequested = true;
    retryAt = null;
  });
  setHandler(jiraEventSignal, (event) => enqueue({ source: 'jira', event }));
  setHandler(jiraEventsSignal, (events) => {
    for (const event of events) enqueue({ source: 'jira', event });
  });
  setHandler(zohoNotificationSignal, (event) => enqueue({ source: 'zoho', event }));
  setHandler(
    resyncUpdate,
    async (request) => {
      const mine = { since: request.since, done: false };
      resync = mine;
      await condition(() => mine.done);
      return { cursor: mine.since };
    },
    {
      validator: (request: ResyncRequest) => {
        if (typeof request?.since !== 'string' || Number.isNaN(Date.parse(request.since))) throw new Error('A resync needs the date to re-read from.');
      },
    },
  );
  setHandler(statusQuery, () => ({
    tenantId: input.tenantId,
    sciId: input.sciId,
    state: phase,
    cursor: state.cursor,
    pendingEvents: queue.length + overflow.length + (state.stored ?? 0),
    parkedEvents: parkedCount,
    runs: state.runs,
    lastRun: state.lastRun,
    lastError,
    generation: state.generation,
    retryingAt: retryAt === null ? null : new Date(retryAt).toISOString(),
    failedTries,
  }));

  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested ||
    (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents);
  const runnable = () => !state.paused && !state.blocked;
  const housekeeping = () => overflow.length > 0 || (resync !== null && !resync.done) || (requeueParked && parkedCount > 0);
  const hasWork = () => syncRequested || parkedRetryDue || (!budgetHold && (queue.length > 0 || (state.stored ?? 0) > 0));

  const parkedRetryMs = input.parkedRetryMs ?? DEFAULT_PARKED_RETRY_MS;
  let nextParkedRetry: number | null = null;

  for (;;) {
    if (parkedCount > 0) {
      nextParkedRetry ??= Date.now() + parkedRetryMs;
      if (Date.now() >= nextParkedRetry) {
        requeueParked = true;
        nextParkedRetry = Date.now() + parkedRetryMs;
      }
    } else {
      nextParkedRetry = null;
    }
    // Work that needs no vendor: always done, paused or not (it keeps the workflow's state small).
    if (housekeeping()) {
      await keepHouse();
      continue;
    }
    let woke: boolean;
    if (retryAt !== null && patched('outage-backoff')) {
      // Waiting out a vendor outage: neither events nor the poll timer retry before it is due.
      woke = await condition(() => shouldContinueAsNew() || housekeeping() || retryAt === null, Math.max(0, retryAt - Date.now()));
      if (!woke) {
        retryAt = null;
        syncRequested = true;
        wakeKind = 'manual';
      }
    } else {
      const untilParkedRetry = nextParkedRetry === null ? Infinity : Math.max(0, nextParkedRetry - Date.now());
      const parkedFirst = untilParkedRetry < input.pollIntervalMs;
      woke = await condition(() => shouldContinueAsNew() || housekeeping() || (runnable() && hasWork()), parkedFirst ? untilParkedRetry : input.pollIntervalMs);
      if (!woke && parkedFirst) continue; // the parked events' turn, not the poll's
    }
    if (shouldContinueAsNew()) break;
    if (housekeeping() || retryAt !== null) continue;
    if (!runnable()) {
      // Paused or blocked: no polling at all (no hot loop, R4) until a signal changes that.
      await condition(() => runnable() || housekeeping() || shouldContinueAsNew());
      continue;
    }
    const kind: LastRun['kind'] = !woke ? 'poll' : syncRequested ? wakeKind : 'event';
    syncRequested = false;
    parkedRetryDue = false;
    phase = 'syncing';
    const startedAt = new Date().toISOString();
    const counts = { recordsSeen: 0, changed: 0, created: 0, skipped: 0 };
    const errors: string[] = [];
    try {
      while (queue.length > 0 || (state.stored ?? 0) > 0) {
        if (queue.length > 0) {
          const batch = queue.head(EVENT_BATCH);
          const applied = await applyOrPark(batch);
          add(counts, applied);
          errors.push(...applied.errors);
          queue.remove(batch);
        } else {
          const applied = await acts['sync.applyStoredEvents']({ ...ids, limit: EVENT_BATCH });
          add(counts, applied);
          errors.push(...applied.errors);
          parkedCount = applied.parkedTotal;
          state.stored = applied.remaining;
        }
        if (shouldContinueAsNew() || housekeeping()) break;
      }
      for (;;) {
        const polled = await acts['sync.pollZohoChanges']({ ...ids, cursor: state.cursor, kind });
        state.cursor = polled.cursor;
        add(counts, polled);
        errors.push(...polled.errors);
        // A traversal stops at its page cap; the next call carries on from the cursor it saved.
        if (!polled.more) break;
        if (shouldContinueAsNew() || housekeeping() || !runnable()) {
          syncRequested = true;
          break;
        }
      }
      lastError = errors[0] ?? null;
      state.lastRun = { kind, startedAt, endedAt: new Date().toISOString(), outcome: 'ok', ...counts };
      budgetHold = false;
      failedTries = 0;
      retryAt = null;
    } catch (err) {
      lastError = failureMessage(err);
      budgetHold = failureType(err) === FAILURE.BudgetExhausted;
      if (waitsForAdmin(err)) {
        state.blocked = true;
      } else if (!budgetHold && patched('outage-backoff')) {
        // The activity's own retries are used up: wait, with a growing backoff, and try again; nothing queued is dropped.
        failedTries += 1;
        const max = input.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
        retryAt = Date.now() + Math.min(max, Math.min(FIRST_BACKOFF_MS, max) * 2 ** Math.min(failedTries - 1, 16));
      }
      state.lastRun = { kind, startedAt, endedAt: new Date().toISOString(), outcome: 'failed', ...counts, error: lastError };
    }
    state.runs += 1;
    phase = state.paused ? 'paused' : state.blocked ? 'blocked' : 'waiting';
  }

  // Never continue-as-new with a handler mid-flight (a resync waits for its reset) or with events not yet
  // stored: their effect would be lost.
  for (;;) {
    if (housekeeping()) await keepHouse();
    await condition(() => allHandlersFinished() || housekeeping());
    if (allHandlersFinished() && !housekeeping()) break;
  }
  await continueAsNew<typeof sciWorkflow>({
    ...input,
    paused: state.paused,
    carried: { ...state, pending: queue.items, parked: parkedCount, generation: state.generation + 1 },
  });

  /** Stores the overflow, applies a requested resync and puts parked events back in the queue. */
  async function keepHouse(): Promise<void> {
    while (overflow.length > 0) {
      const chunk = overflow.head(EVENT_BATCH * 5);
      const stored = await acts['sync.storeEvents']({ ...ids, events: chunk });
      overflow.remove(chunk);
      state.stored = stored.queued;
    }
    const wanted = resync;
    if (wanted && !wanted.done) {
      const reset = await acts['sync.resetCursor']({ ...ids, since: wanted.since });
      state.cursor = reset.cursor;
      wanted.done = true;
      syncRequested = true;
      wakeKind = 'manual';
    }
    if (requeueParked) {
      requeueParked = false;
      const back = await acts['sync.requeueParked'](ids);
      parkedCount = back.parked;
      state.stored = back.queued;
      if (back.requeued > 0) parkedRetryDue = true;
    }
  }

  /**
   * Applies a batch. A failure no retry can fix is narrowed down to the events that cause it, one by one, and
   * only those are parked; everything else (outages, budget, blocked) is thrown to the loop, events kept.
   */
  async function applyOrPark(batch: PendingEvent[]): Promise<{ recordsSeen: number; changed: number; created: number; skipped: number; errors: string[] }> {
    try {
      const applied = await acts['sync.applyPendingEvents']({ ...ids, events: batch });
      parkedCount = applied.parkedTotal ?? parkedCount;
      return applied;
    } catch (err) {
      if (!isPoison(err)) throw err;
      const total = { recordsSeen: 0, changed: 0, created: 0, skipped: 0, errors: [] as string[] };
      if (batch.length === 1) {
        const parked = await acts['sync.parkEvents']({ ...ids, events: batch, reason: failureMessage(err) });
        parkedCount = parked.parkedTotal;
        total.errors.push(`1 event parked: ${failureMessage(err)}`);
        return total;
      }
      for (const one of batch) {
        const applied = await applyOrPark([one]);
        add(total, applied);
        total.errors.push(...applied.errors);
      }
      return total;
    }
  }
}

function details(label: SciLabel): string {
  return `SCI "${label.name}": Zoho ${label.zohoModule} ↔ Jira (${label.syncMode})`;
}


function add(into: { recordsSeen: number; changed: number; created: number; skipped: number }, from: typeof into) {
  into.recordsSeen += from.recordsSeen;
  into.changed += from.changed;
  into.created += from.created;
  into.skipped += from.skipped;
}
