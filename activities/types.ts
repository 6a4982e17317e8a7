// Inputs and outputs of the SCI activities. Pure types: the workflow imports them (type-only) and the
// activity implementations satisfy them.
import type { PendingEvent } from '../workflows/messages';

export interface PollInput {
  tenantId: string;
  sciId: string;
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
}

export interface ApplyEventsInput {
  tenantId: string;
  sciId: string;
  events: PendingEvent[];
}
