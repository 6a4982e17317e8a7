// API budgets (F36) for the worker: the tenant-wide Zoho budget counting every call made through the
// worker's TenantClients, and the guard that pauses SCI automation at its line.
import { ZohoBudget, type ZohoBudgetSettings } from '../../lib/budget/zoho-budget';
import type { SyncDeps } from '../sync/context';

export type ZohoBudgetChoice = ZohoBudget | Partial<ZohoBudgetSettings>;

/** The budget these activities use: the one given, or the one attached to the deps' clients. */
export function zohoBudgetFor(deps: SyncDeps, choice: ZohoBudgetChoice | undefined): ZohoBudget {
  if (choice instanceof ZohoBudget) return choice;
  return ZohoBudget.attach(deps.clients, { prisma: deps.prisma, ...choice });
}

export { BUDGET_EXHAUSTED, BudgetGuard, budgetGuarded, budgetExhaustedFailure } from './guard';
