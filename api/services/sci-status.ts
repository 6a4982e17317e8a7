// The live status of SCI workflows for the dashboard: one status query per automated SCI, bounded in time
// and in how many run at once, so a slow or absent Temporal never holds the table.
import type { SmartConnectedItem } from '../../prisma/generated/client';
import type { SciStatus } from '../../workflows/messages';
import type { AppDeps } from '../deps';
import { isAutomated } from './sci-automation';
import type { WorkflowView } from './sci-dto';

type Deps = Pick<AppDeps, 'workflows'>;

/** How long the dashboard waits for a workflow's status query before showing the row without it. */
const STATUS_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function workflowView(deps: Deps, sci: SmartConnectedItem): Promise<WorkflowView> {
  if (!isAutomated(sci)) return { workflow: null, workflowQuery: 'skipped' };
  let status: SciStatus | null;
  try {
    status = await withTimeout(deps.workflows.status(sci, STATUS_TIMEOUT_MS), STATUS_TIMEOUT_MS + 500);
  } catch {
    return { workflow: null, workflowQuery: 'unreachable' };
  }
  if (!status) return { workflow: null, workflowQuery: 'not_running' };
  return {
    workflow: {
      state: status.state,
      pendingEvents: status.pendingEvents,
      parkedEvents: status.parkedEvents,
      lastError: status.lastError,
      cursor: status.cursor,
      runs: status.runs,
      retryingAt: status.retryingAt ?? null,
    },
    workflowQuery: 'ok',
  };
}

/** Status queries in flight at once for the dashboard, and how long the whole table may wait for them. */
const STATUS_CONCURRENCY = 16;
const STATUS_BUDGET_MS = 4000;

/**
 * Workflow views for a whole table: a bounded number of queries at a time, and rows still unasked when the
 * budget runs out show `unreachable` instead of holding the dashboard (Temporal slow or down).
 */
export async function workflowViews(deps: Deps, scis: SmartConnectedItem[]): Promise<WorkflowView[]> {
  const views: WorkflowView[] = scis.map(() => ({ workflow: null, workflowQuery: 'unreachable' }));
  const deadline = Date.now() + STATUS_BUDGET_MS;
  let next = 0;
  const worker = async () => {
    while (next < scis.length && Date.now() < deadline) {
      const i = next++;
      views[i] = await workflowView(deps, scis[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(STATUS_CONCURRENCY, scis.length) }, worker));
  return views;
}
