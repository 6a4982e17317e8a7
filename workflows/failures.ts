// The failure vocabulary shared by activities (which throw) and workflows (which decide what a failure
// means): ApplicationFailure type names, and how a workflow reads a failed activity. Pure, so both the
// workflow bundle and the activities import it; nowhere else spells these names.
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';

export const FAILURE = {
  /** The Zoho grant was refused and a refresh cannot fix it: an admin reconnects (F6, R4). */
  ReauthRequired: 'ReauthRequired',
  /** Automation cannot run for this tenant (not connected with App OAuth, uninstalled). */
  AutomationUnavailable: 'AutomationUnavailable',
  /** The tenant is past its Zoho credit line (F36): wait for the window, spend nothing. */
  BudgetExhausted: 'BudgetExhausted',
  /** The SCI row is gone. */
  SciGone: 'SciGone',
  /** Another run of this backfill moved on; this one stops. */
  BackfillSuperseded: 'BackfillSuperseded',
  /** Another execution holds the backfill's lease; retried once it may have run out. */
  BackfillBusy: 'BackfillBusy',
  /** Another attempt is syncing this SCI (its lease); retried once it may have run out. */
  SciSyncBusy: 'SciSyncBusy',
  /** This attempt lost the SCI's lease to a newer one. */
  SciSyncSuperseded: 'SciSyncSuperseded',
} as const;

/** Failures that wait for the admin: the workflow blocks (SCI) or waits (backfill) until a signal. */
export const WAITING_FOR_ADMIN: readonly string[] = [FAILURE.ReauthRequired, FAILURE.AutomationUnavailable];

/** The ApplicationFailure type of a failed activity (its cause), if it has one. */
export function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/** The message to show for a failed activity: its cause's, without Temporal's wrapping. */
export function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

export function waitsForAdmin(err: unknown): boolean {
  const type = failureType(err);
  return type !== undefined && WAITING_FOR_ADMIN.includes(type);
}

/**
 * Failed in a way that retrying cannot fix (a non-retryable vendor answer, a bad payload): not an outage,
 * not the admin's to fix, not the budget.
 */
export function isPoison(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure) || !cause.nonRetryable) return false;
  const type = cause.type ?? '';
  return !WAITING_FOR_ADMIN.includes(type) && type !== FAILURE.BudgetExhausted;
}
