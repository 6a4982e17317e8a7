// The SCI workflow's public surface: its input, signals and queries. Imported by the workflow itself and by
// the API (which signals and queries it), so both sides agree on names and payload types.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** A Jira push event as the API hands it to the workflow (already validated and deduplicated). */
export interface JiraEventSignal {
  eventId: string;
  kind: 'issue_created' | 'issue_updated' | 'comment_created' | 'attachment_created';
  issueId: string;
  issueKey?: string;
  /** Field ids changed by this event (from the changelog), when known. */
  changedFields?: string[];
  commentId?: string;
  attachmentId?: string;
  /** Jira's timestamp of the change (ISO), used for latest-change-wins. */
  occurredAt: string;
  /** The Jira user who caused it; lets the workflow ignore changes it made itself (loop prevention). */
  actorAccountId?: string;
}

/** A Zoho notification (watch) callback, verified by the API, narrowed to one SCI's module. */
export interface ZohoNotificationSignal {
  channelId: string;
  operation: 'insert' | 'update' | 'delete';
  recordIds: string[];
  receivedAt: string;
}

export type PendingEvent = { source: 'jira'; event: JiraEventSignal } | { source: 'zoho'; event: ZohoNotificationSignal };

/** What the Temporal UI shows of an SCI (search attributes, current details); sent again when it changes. */
export interface SciLabel {
  name: string;
  zohoModule: string;
  syncMode: string;
}

export interface SciWorkflowInput {
  tenantId: string;
  sciId: string;
  /** Paused state of the SCI row when this execution was started: a start can never revive a paused SCI. */
  paused?: boolean;
  /** Name, module and mode at start, for the current details the Temporal UI shows. */
  label?: SciLabel;
  /** Poll period in ms (default deployment setting: 5 minutes). */
  pollIntervalMs: number;
  /** Continue-as-new after this many history events even if the server has not suggested it (tests). */
  maxHistoryEvents?: number;
  /** How long a sync activity may go without a heartbeat before Temporal retries it elsewhere (default 30 s). */
  heartbeatTimeoutMs?: number;
  /** Events kept in workflow state; beyond this they wait in the database (default 500). */
  queueCap?: number;
  /** How often parked events are retried on their own (default 30 minutes). */
  parkedRetryMs?: number;
  /** Longest wait between tries while a vendor is unavailable (default 10 minutes). */
  maxBackoffMs?: number;
  /** Activity attempts before the workflow takes over the waiting (default 8; tests use fewer). */
  activityAttempts?: number;
  /** State carried across continue-as-new. */
  carried?: CarriedState;
}

export interface CarriedState {
  cursor: string | null;
  /** Queued events, coalesced by what they change (see `eventKey`), at most `queueCap` of them. */
  pending: PendingEvent[];
  /** Events waiting in the database beyond the cap (their count; the rows hold the events). */
  stored?: number;
  /**
   * Parked events (poison: a failure no retry can fix), counted; they wait in the database with their reason.
   * Older executions carried the events themselves here: those are moved to the database on start.
   */
  parked: number | PendingEvent[];
  /** True while automation is blocked (re-authentication required, not connected): waits for a signal. */
  blocked: boolean;
  paused: boolean;
  runs: number;
  lastRun: LastRun | null;
  generation: number;
}

export interface LastRun {
  kind: 'poll' | 'event' | 'manual';
  startedAt: string;
  endedAt: string;
  outcome: 'ok' | 'failed' | 'skipped';
  recordsSeen: number;
  changed: number;
  created: number;
  skipped: number;
  error?: string;
}

export interface SciStatus {
  tenantId: string;
  sciId: string;
  state: 'waiting' | 'syncing' | 'paused' | 'blocked';
  cursor: string | null;
  /** Queued events: in workflow state plus those waiting in the database. */
  pendingEvents: number;
  parkedEvents: number;
  runs: number;
  lastRun: LastRun | null;
  lastError: string | null;
  /** How many times this SCI's workflow has continued as new. */
  generation: number;
  /** While a vendor is unavailable: when the next try is due (ISO), and how many tries failed in a row. */
  retryingAt?: string | null;
  failedTries?: number;
}

export interface ResyncRequest {
  /** Re-read every record modified after this time (ISO). */
  since: string;
}

export const syncNowSignal = defineSignal('syncNow');
/**
 * The SCI or the tenant's connection changed: re-read it, and retry if automation was blocked. Carries the
 * SCI's new label when the API knows it, so the Temporal UI's search attributes and details follow.
 */
export const configChangedSignal = defineSignal<[SciLabel?]>('configChanged');
/**
 * Resets the poll cursor to `since` and forgets what each link last applied, inside the running workflow:
 * nothing queued is dropped (no terminate). Completes once the reset is stored.
 */
export const resyncUpdate = defineUpdate<{ cursor: string }, [ResyncRequest]>('resync');
/** Put parked events back in the queue (the admin's "retry"). */
export const retryParkedSignal = defineSignal('retryParked');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const jiraEventSignal = defineSignal<[JiraEventSignal]>('jiraEvent');
/** Several Jira events in one signal: what the API sends when events for one SCI arrive together. */
export const jiraEventsSignal = defineSignal<[JiraEventSignal[]]>('jiraEvents');
export const zohoNotificationSignal = defineSignal<[ZohoNotificationSignal]>('zohoNotification');
export const statusQuery = defineQuery<SciStatus>('status');
