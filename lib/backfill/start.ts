// The API's door to backfills (F34): start one for an SCI (idempotent while one runs), ask how far it is,
// cancel it. Progress comes from the workflow while it runs and from its BackfillRun row afterwards.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { PrismaClient } from '../../prisma/generated/client';
import {
  backfillProgressQuery,
  backfillWorkflowId,
  cancelBackfillSignal,
  type BackfillPhase,
  type BackfillProgress,
  type BackfillWorkflowInput,
} from '../../workflows/backfill-messages';
import type { backfillWorkflow } from '../../workflows/backfill-workflow';
import { WORKFLOW_TYPES } from '../../workflows/names';
import { SCI_ID, SCI_TENANT } from '../../workflows/search-attributes';

export interface BackfillSciRef {
  id: string;
  tenantId: string;
  name?: string;
  zohoModule?: string;
}

export interface StartBackfillOptions {
  taskQueue: string;
  /** Extra workflow input (tests: short heartbeat timeout, pages per call). */
  input?: Partial<Omit<BackfillWorkflowInput, 'tenantId' | 'sciId' | 'carried'>>;
}

/**
 * Starts the SCI's backfill, or returns the one already running (a second click or a retried request
 * never starts two). A finished backfill may be started again: records already linked are skipped.
 */
export async function startBackfill(client: Client, sci: BackfillSciRef, opts: StartBackfillOptions): Promise<{ workflowId: string; runId: string }> {
  const workflowId = backfillWorkflowId(sci.tenantId, sci.id);
  await settleFinishing(client, workflowId);
  const handle = await client.workflow.start<typeof backfillWorkflow>(WORKFLOW_TYPES.backfill, {
    taskQueue: opts.taskQueue,
    workflowId,
    args: [{ tenantId: sci.tenantId, sciId: sci.id, ...opts.input }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    staticSummary: `Backfill of SCI "${sci.name ?? sci.id}"${sci.zohoModule ? ` (Zoho ${sci.zohoModule})` : ''}`,
    typedSearchAttributes: new TypedSearchAttributes([
      { key: SCI_TENANT, value: sci.tenantId },
      { key: SCI_ID, value: sci.id },
    ]),
  });
  return { workflowId, runId: handle.firstExecutionRunId };
}

const TERMINAL: readonly BackfillPhase[] = ['succeeded', 'failed', 'cancelled'];

/**
 * A backfill that has finished its work but not yet closed (it records the outcome, then returns) would be
 * taken for the running one and "start again" would do nothing: wait the moment it needs to close.
 */
async function settleFinishing(client: Client, workflowId: string): Promise<void> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') return;
    const progress = await handle.query(backfillProgressQuery);
    if (!TERMINAL.includes(progress.phase)) return;
    // A deadline on the long poll itself, so it does not outlive this wait.
    await client.withDeadline(Date.now() + 5000, () => handle.result()).catch(() => undefined);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}

/** Live progress while the workflow runs; the stored row once it has finished; null when there never was one. */
export async function backfillProgress(client: Client, prisma: PrismaClient, sci: Pick<BackfillSciRef, 'id' | 'tenantId'>): Promise<BackfillProgress | null> {
  const row = await prisma.backfillRun.findFirst({ where: { sciId: sci.id, tenantId: sci.tenantId } });
  if (row?.state === 'RUNNING' || !row) {
    try {
      const handle = client.workflow.getHandle(backfillWorkflowId(sci.tenantId, sci.id));
      const desc = await handle.describe();
      if (desc.status.name === 'RUNNING') return await handle.query(backfillProgressQuery);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  if (!row) return null;
  const endedMs = (row.endedAt ?? new Date()).getTime();
  const elapsedMs = Math.max(0, endedMs - row.startedAt.getTime());
  const phases: Record<typeof row.state, BackfillPhase> = { RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed', CANCELLED: 'cancelled' };
  return {
    tenantId: row.tenantId,
    sciId: row.sciId,
    mode: row.mode,
    phase: phases[row.state],
    total: row.total,
    done: row.done,
    created: row.created,
    linked: row.linked,
    skipped: row.skipped,
    failed: row.failed,
    rate: elapsedMs > 0 ? Math.round((row.done / elapsedMs) * 1000 * 10) / 10 : 0,
    startedAt: row.startedAt.toISOString(),
    elapsedMs,
    resumesAt: null,
    lastError: row.lastError,
    generation: 0,
  };
}

/** Stops the backfill after its page in progress; what it did stays. Nothing running is fine. */
export async function cancelBackfill(client: Client, sci: Pick<BackfillSciRef, 'id' | 'tenantId'>): Promise<void> {
  try {
    await client.workflow.getHandle(backfillWorkflowId(sci.tenantId, sci.id)).signal(cancelBackfillSignal);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}
