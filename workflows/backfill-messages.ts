// The backfill workflow's public surface (F34): id, input, progress query and signals. Imported by the
// workflow, its activities (types only) and the API, so all agree on names and shapes.
import { defineQuery, defineSignal } from '@temporalio/workflow';

export function backfillWorkflowId(tenantId: string, sciId: string): string {
  return `backfill:${tenantId}:${sciId}`;
}

export type BackfillModeName = 'IMPORT' | 'MATCH';

/** Counts of records looked at so far, and what became of them. */
export interface BackfillCounts {
  /** Records read from Zoho (all of them, including those the backfill leaves alone). */
  done: number;
  /** Jira issues created (IMPORT). */
  created: number;
  /** Records linked to an issue that already existed (MATCH, or IMPORT finding its own earlier issue). */
  linked: number;
  /** Already linked, created after the SCI (auto-create's), or no match. */
  skipped: number;
  /** Records that could not be imported or linked (see errors). */
  failed: number;
}

export interface BackfillCarried {
  mode: BackfillModeName;
  total: number | null;
  counts: BackfillCounts;
  /** When this backfill began (workflow time, ISO); also names the run in its BackfillRun row. */
  startedAt: string;
  generation: number;
  lastError: string | null;
}

export interface BackfillWorkflowInput {
  tenantId: string;
  sciId: string;
  /** Zoho pages (≤ 200 records each) per activity call; default 5. */
  pagesPerCall?: number;
  /** How long a page may go without a heartbeat before Temporal retries it on another worker (default 30 s). */
  heartbeatTimeoutMs?: number;
  /** Continue-as-new after this many history events even if the server has not suggested it (tests). */
  maxHistoryEvents?: number;
  carried?: BackfillCarried;
}

export type BackfillPhase = 'starting' | 'running' | 'paused-budget' | 'retrying' | 'succeeded' | 'failed' | 'cancelled';

export interface BackfillProgress extends BackfillCounts {
  tenantId: string;
  sciId: string;
  mode: BackfillModeName | null;
  phase: BackfillPhase;
  /** Records in the module when the backfill began (Zoho's count), when known. */
  total: number | null;
  /** Records per second since the backfill began. */
  rate: number;
  startedAt: string | null;
  elapsedMs: number;
  /** While paused for the Zoho budget: when it looks again. */
  resumesAt: string | null;
  lastError: string | null;
  generation: number;
}

export const backfillProgressQuery = defineQuery<BackfillProgress>('backfillProgress');
/** Stop the backfill after the page in progress; what is done stays done. */
export const cancelBackfillSignal = defineSignal('cancelBackfill');
/** Try again now (after a failure or a budget pause) instead of waiting for the timer. */
export const retryBackfillSignal = defineSignal('retryBackfill');
