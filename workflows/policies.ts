// Retry policies of every workflow's activities, in one place. Non-retryable names come from the shared
// failure vocabulary (./failures.ts), the same constants the activities throw.
import type { RetryPolicy } from '@temporalio/common';
import { FAILURE, WAITING_FOR_ADMIN } from './failures';

/** SCI sync: quick first retries, then up to 2 minutes apart; after `attempts` the workflow waits itself. */
export function syncRetry(attempts = 8): RetryPolicy {
  return { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: attempts, nonRetryableErrorTypes: [...WAITING_FOR_ADMIN] };
}

/** Backfill pages: a gone SCI or a newer run ends the run; the admin's failures make it wait. */
export const BACKFILL_FINAL: readonly string[] = [FAILURE.SciGone, FAILURE.BackfillSuperseded];
export const backfillPageRetry: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 10,
  nonRetryableErrorTypes: [...BACKFILL_FINAL, ...WAITING_FOR_ADMIN],
};
/** Backfill bookkeeping (begin, finish): short calls. */
export const backfillShortRetry: RetryPolicy = { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10, nonRetryableErrorTypes: [...WAITING_FOR_ADMIN] };

/** The channel keeper's reconcile: a few tries, then the next reconcile round tries again. */
export const channelsRetry: RetryPolicy = { initialInterval: '2 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 };

/** Retention purge: the hourly schedule runs it again anyway. */
export const maintenanceRetry: RetryPolicy = { initialInterval: '10 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 };
