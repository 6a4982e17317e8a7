// Vendor failures mapped onto Temporal retry semantics at the activity boundary:
// - refused authorization that a refresh cannot fix → non-retryable `ReauthRequired` (the workflow pauses, F6);
// - 429 / rate limits → retryable with the vendor's delay (`nextRetryDelay`), capped so no activity sleeps long;
// - other 4xx that retrying cannot fix → non-retryable, type names the vendor and code;
// - 5xx, timeouts, network → rethrown as retryable, so the retry policy's backoff applies.
import { ApplicationFailure } from '@temporalio/activity';
import { JiraError } from '../clients/jira';
import { ZohoError, ZohoReauthRequiredError } from '../clients/zoho';
import { TenantNotReadyError } from '../lib/tenant-clients';
import { FAILURE } from '../workflows/failures';

export const REAUTH_REQUIRED = FAILURE.ReauthRequired;
export const AUTOMATION_UNAVAILABLE = FAILURE.AutomationUnavailable;
const MAX_RETRY_DELAY_MS = 10 * 60_000;

export function isRecordLevel(err: unknown): boolean {
  // A problem with one record or issue (bad value, missing permission on it, gone): report and move on.
  if (err instanceof ZohoError) return !err.retryable && !(err instanceof ZohoReauthRequiredError) && err.status !== 401;
  if (err instanceof JiraError) return !err.retryable && err.status !== 401;
  return false;
}

/** A short, secret-free description for run history. */
export function describeError(err: unknown): string {
  if (err instanceof ZohoError) return `Zoho ${err.code}${err.field ? ` (${err.field})` : ''}: ${err.message}`;
  if (err instanceof JiraError) {
    const fields = Object.entries(err.errors).map(([k, v]) => `${k}: ${v}`);
    return `Jira ${err.status ?? err.kind}: ${[...err.errorMessages, ...fields].join('; ') || err.message}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof TenantNotReadyError) {
    // 'uninstalled' too is AutomationUnavailable: non-retryable, and the workflows block on it (details say why).
    const type = err.reason === 'reauth-required' ? REAUTH_REQUIRED : AUTOMATION_UNAVAILABLE;
    return ApplicationFailure.create({ type, message: err.message, nonRetryable: true, details: [err.reason] });
  }
  if (err instanceof ZohoReauthRequiredError || (err instanceof ZohoError && err.status === 401 && !err.retryable)) {
    return ApplicationFailure.create({ type: REAUTH_REQUIRED, message: describeError(err), nonRetryable: true, cause: err });
  }
  if (err instanceof ZohoError || err instanceof JiraError) {
    const delay = err.retryAfterMs;
    if (err.retryable && delay !== undefined) {
      return ApplicationFailure.create({
        type: err instanceof ZohoError ? 'ZohoRateLimited' : 'JiraRateLimited',
        message: describeError(err),
        nextRetryDelay: Math.min(delay, MAX_RETRY_DELAY_MS),
        cause: err,
      });
    }
    if (err.retryable) return err; // plain throw: the retry policy's backoff applies
    const code = err instanceof ZohoError ? `Zoho.${err.code}` : `Jira.${err.status ?? err.kind}`;
    return ApplicationFailure.create({ type: code, message: describeError(err), nonRetryable: true, cause: err });
  }
  return err;
}

/** Runs an activity body and rethrows its failure in Temporal's terms. */
export async function classified<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw toActivityFailure(err);
  }
}
