// Inputs and outputs of the backfill activities. Pure types: the workflow imports them (type-only).
import type { BackfillCounts, BackfillModeName } from '../../workflows/backfill-messages';

export interface BackfillBeginInput {
  tenantId: string;
  sciId: string;
  workflowId: string;
  /** Names this run in the BackfillRun row (workflow time, ISO). */
  startedAt: string;
}

export type BackfillBeginResult =
  | { ok: true; mode: BackfillModeName; total: number | null }
  /** Nothing to do (mode NONE, SCI gone) or a configuration no retry can fix. */
  | { ok: false; reason: string };

export interface BackfillPagesInput {
  tenantId: string;
  sciId: string;
  startedAt: string;
  /** Zoho pages to work through in this call. */
  maxPages: number;
}

export interface BackfillPagesResult {
  /** Totals of the run so far (from its BackfillRun row, which holds the checkpoint). */
  counts: BackfillCounts;
  finished: boolean;
  /** Set when the Zoho budget stopped the call before its pages were done. */
  budgetPausedUntil?: string | null;
  budgetMessage?: string;
  /** Record-level problems met in this call (bounded). */
  errors: string[];
}

export interface BackfillFinishInput {
  tenantId: string;
  sciId: string;
  startedAt: string;
  state: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  error?: string;
}

/** The checkpoint kept in BackfillRun.checkpoint: where the next Zoho page starts. */
export interface BackfillCheckpoint {
  page: number;
  pageToken?: string;
}
