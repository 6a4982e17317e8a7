// Automation pauses at the tenant's Zoho budget line (F36). Before an SCI activity spends credits, the guard
// looks at the tenant's rolling 24 h count; past the line it records a run-history row saying why and fails
// the activity with a non-retryable `BudgetExhausted`, which the SCI workflow shows as its last error and
// tries again at its next wake-up — by then the window may allow it. No credits are spent while paused.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { budgetPauseMessage, type ZohoBudget, type ZohoBudgetStatus } from '../../lib/budget/zoho-budget';
import type { PrismaClient, SyncRunKind } from '../../prisma/generated/client';
import type { ApplyEventsInput, ApplyOutcome, PollInput, PollOutcome, SciSync } from '../types';
import { FAILURE } from '../../workflows/failures';

export const BUDGET_EXHAUSTED = FAILURE.BudgetExhausted;

export function budgetExhaustedFailure(status: ZohoBudgetStatus): ApplicationFailure {
  return ApplicationFailure.create({
    type: BUDGET_EXHAUSTED,
    message: budgetPauseMessage(status),
    nonRetryable: true,
    details: [{ used: status.used, limit: status.limit, pauseAt: status.pauseAt, resumesAt: status.resumesAt }],
  });
}

function workflowRunId(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.runId;
  } catch {
    return undefined; // called outside an activity
  }
}

export class BudgetGuard {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly budget: ZohoBudget,
  ) {}

  /** Throws `BudgetExhausted` (after recording why in the SCI's run history) when the tenant is past its line. */
  async check(tenantId: string, sciId: string, kind: SyncRunKind): Promise<void> {
    const status = await this.budget.status(tenantId);
    if (!status.paused) return;
    const now = new Date();
    const runId = workflowRunId();
    await this.prisma.syncRun.createMany({
      // createMany: an SCI deleted meanwhile makes no row rather than failing the check.
      data: [
        {
          tenantId,
          sciId,
          kind,
          outcome: 'CANCELLED',
          startedAt: now,
          endedAt: now,
          errors: [{ message: budgetPauseMessage(status) }],
          ...(runId ? { workflowRunId: runId } : {}),
        },
      ],
      skipDuplicates: true,
    }).catch(() => undefined);
    throw budgetExhaustedFailure(status);
  }
}

/** The SCI activities, each refused while the tenant's Zoho budget is past its pause line. */
export function budgetGuarded(sync: SciSync, guard: BudgetGuard): SciSync {
  return {
    async pollZohoChanges(input: PollInput): Promise<PollOutcome> {
      await guard.check(input.tenantId, input.sciId, input.kind === 'manual' ? 'MANUAL' : 'POLL');
      return sync.pollZohoChanges(input);
    },
    async applyPendingEvents(input: ApplyEventsInput): Promise<ApplyOutcome> {
      await guard.check(input.tenantId, input.sciId, 'EVENT');
      return sync.applyPendingEvents(input);
    },
  };
}
