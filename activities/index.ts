// Activities are built by a factory over injected dependencies: the worker passes real clients and
// repositories, tests pass their own. Keys are the activity type names the Temporal UI shows.
import type { ApplyEventsInput, PollInput, PollOutcome, RunCounts } from './types';

/** What the SCI activities need from the rest of the product. */
export interface SciSync {
  pollZohoChanges(input: PollInput): Promise<PollOutcome>;
  applyPendingEvents(input: ApplyEventsInput): Promise<RunCounts>;
}

export interface ActivityDeps {
  sync: SciSync;
}

export function createActivities(deps: ActivityDeps) {
  return {
    'sync.pollZohoChanges': (input: PollInput): Promise<PollOutcome> => deps.sync.pollZohoChanges(input),
    'sync.applyPendingEvents': (input: ApplyEventsInput): Promise<RunCounts> => deps.sync.applyPendingEvents(input),
  };
}

export type SciActivities = ReturnType<typeof createActivities>;
export type * from './types';
