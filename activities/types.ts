// Inputs and outputs of the SCI activities. Pure types: the workflow imports them (type-only) and the
// activity implementations satisfy them.
import type { PendingEvent } from '../workflows/messages';

export interface SciIds {
  tenantId: string;
  sciId: string;
}

export interface PollInput extends SciIds {
  cursor: string | null;
  /** What woke the workflow: recorded in the run history. */
  kind?: 'poll' | 'manual' | 'event';
}

export interface RunCounts {
  recordsSeen: number;
  changed: number;
  created: number;
  skipped: number;
  errors: string[];
}

export interface PollOutcome extends RunCounts {
  /** The new cursor; moves only once the changes up to it are applied. */
  cursor: string | null;
  /** The traversal stopped at its page cap: call again from `cursor` for the rest. */
  more?: boolean;
}

export interface ApplyEventsInput extends SciIds {
  events: PendingEvent[];
}

export interface ApplyOutcome extends RunCounts {
  /** Parked events of this SCI after the call (events parked by it included); absent when not counted. */
  parkedTotal?: number;
}

export interface ApplyStoredInput extends SciIds {
  limit: number;
}

export interface ApplyStoredOutcome extends ApplyOutcome {
  parkedTotal: number;
  /** Events still waiting in the database queue. */
  remaining: number;
}

export interface QueueCounts {
  queued: number;
  parked: number;
}

export interface StoreEventsInput extends SciIds {
  events: PendingEvent[];
}

export interface ParkEventsInput extends SciIds {
  events: PendingEvent[];
  reason: string;
}

export interface ResetCursorInput extends SciIds {
  since: string;
}

/** What the SCI activities need from the sync engine. */
export interface SciSync {
  pollZohoChanges(input: PollInput): Promise<PollOutcome>;
  applyPendingEvents(input: ApplyEventsInput): Promise<ApplyOutcome>;
}

/** The database half of an SCI's event queue (overflow and parked events) and its cursor reset. */
export interface SciQueue {
  store(input: StoreEventsInput): Promise<QueueCounts>;
  applyStored(input: ApplyStoredInput, apply: SciSync['applyPendingEvents']): Promise<ApplyStoredOutcome>;
  park(input: ParkEventsInput): Promise<{ parkedTotal: number }>;
  requeueParked(input: SciIds): Promise<QueueCounts & { requeued: number }>;
  resetCursor(input: ResetCursorInput): Promise<{ cursor: string }>;
}
