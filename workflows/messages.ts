// The SCI workflow's public surface: its input, signals and queries. Imported by the workflow itself and by
// the API (which signals and queries it), so both sides agree on names and payload types.
import { defineQuery, defineSignal } from '@temporalio/workflow';

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

export interface SciWorkflowInput {
  tenantId: string;
  sciId: string;
  /** Poll period in ms (default deployment setting: 5 minutes). */
  pollIntervalMs: number;
  /** Continue-as-new after this many history events even if the server has not suggested it (tests). */
  maxHistoryEvents?: number;
  /** How long a sync activity may go without a heartbeat before Temporal retries it elsewhere (default 30 s). */
  heartbeatTimeoutMs?: number;
  /** State carried across continue-as-new. */
  carried?: CarriedState;
}

export interface CarriedState {
  cursor: string | null;
  pending: PendingEvent[];
  /** Events that failed three runs in a row: kept (never dropped) until an admin retries them. */
  parked: PendingEvent[];
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
  pendingEvents: number;
  parkedEvents: number;
  runs: number;
  lastRun: LastRun | null;
  lastError: string | null;
  /** How many times this SCI's workflow has continued as new. */
  generation: number;
}

export const syncNowSignal = defineSignal('syncNow');
/** The SCI or the tenant's connection changed: re-read it, and retry if automation was blocked. */
export const configChangedSignal = defineSignal('configChanged');
/** Put parked events back in the queue (the admin's "retry"). */
export const retryParkedSignal = defineSignal('retryParked');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const jiraEventSignal = defineSignal<[JiraEventSignal]>('jiraEvent');
/** Several Jira events in one signal: what the API sends when events for one SCI arrive together. */
export const jiraEventsSignal = defineSignal<[JiraEventSignal[]]>('jiraEvents');
export const zohoNotificationSignal = defineSignal<[ZohoNotificationSignal]>('zohoNotification');
export const statusQuery = defineQuery<SciStatus>('status');
