// The running activity's side of Temporal, for code that also runs outside an activity (scripts, unit tests):
// there, heartbeats go nowhere and nothing is ever cancelled.
import { Context, type Info } from '@temporalio/activity';

function current(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // outside an activity
  }
}

/** Temporal's activity info (attempt, workflow run), when running as an activity. */
export function activityInfo(): Info | undefined {
  return current()?.info;
}

/** The activity's cancellation (Temporal gave up on this attempt, or the worker shuts down), if any. */
export function activitySignal(): AbortSignal | undefined {
  return current()?.cancellationSignal;
}

/** `{ signal }` for a vendor call, so it is aborted with the attempt. */
export function signalOption(): { signal?: AbortSignal } {
  const signal = activitySignal();
  return signal ? { signal } : {};
}

/** Stops before the next step (a vendor write above all) once Temporal has given up on this attempt. */
export function throwIfCancelled(): void {
  activitySignal()?.throwIfAborted();
}

export function heartbeat(details?: unknown): void {
  current()?.heartbeat(details);
}

/** The details of the last heartbeat of the previous attempt (where it got to), if any. */
export function lastHeartbeat(): unknown {
  return current()?.info.heartbeatDetails;
}
