// Makes Temporal match the database: every enabled, non-Display SCI of an active tenant has a running
// workflow (paused when the row says paused), every other SCI has none. Called at API start, after a
// crash between a row change and its Temporal call, or after Temporal lost its state. Safe to run any
// number of times and from several API replicas at once: every call it makes is idempotent.
import type { AppDeps } from '../deps';
import { isAutomated } from './sci-automation';
import { applyWorkflowState } from './sci-writes';

export interface ReconcileReport {
  running: number;
  stopped: number;
  failed: { sciId: string; tenantId: string; error: string }[];
}

export interface ReconcileOptions {
  /** Calls to Temporal in flight at once (a large install should not flood the frontend). */
  concurrency?: number;
  /** Only this tenant's SCIs (e.g. after its connection changed). */
  tenantId?: string;
  /** Rows per database page. */
  pageSize?: number;
}

export async function reconcileWorkflows(deps: Pick<AppDeps, 'prisma' | 'workflows'>, opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  const report: ReconcileReport = { running: 0, stopped: 0, failed: [] };
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const pageSize = opts.pageSize ?? 200;
  let afterId: string | undefined;
  for (let guard = 0; guard < 100_000; guard++) {
    const page = await deps.prisma.smartConnectedItem.findMany({
      where: { ...(opts.tenantId ? { tenantId: opts.tenantId } : {}), ...(afterId ? { id: { gt: afterId } } : {}) },
      include: { tenant: { select: { status: true } } },
      orderBy: { id: 'asc' },
      take: pageSize,
    });
    if (page.length === 0) break;
    afterId = page.at(-1)!.id;
    const queue = [...page];
    const worker = async () => {
      for (let sci = queue.shift(); sci; sci = queue.shift()) {
        const { tenant, ...row } = sci;
        // An uninstalled site keeps its rows until the retention job deletes them, and runs nothing.
        const effective = tenant.status === 'ACTIVE' ? row : { ...row, enabled: false };
        try {
          await applyWorkflowState(deps, effective, tenant.status === 'ACTIVE' ? 'SCI disabled or Display (reconciler)' : 'App uninstalled (reconciler)');
          if (isAutomated(effective)) report.running += 1;
          else report.stopped += 1;
        } catch (err) {
          report.failed.push({ sciId: row.id, tenantId: row.tenantId, error: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, page.length) }, worker));
    if (page.length < pageSize) break;
  }
  return report;
}
