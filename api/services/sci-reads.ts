// Reading Smart Connected Items for the admin page (F7): one row or the whole table, each with its latest
// sync run and its workflow's live status.
import type { SciDto } from '../../contracts/scis';
import type { SmartConnectedItem, SyncRun } from '../../prisma/generated/client';
import type { AppDeps } from '../deps';
import { notFound } from './api-errors';
import { toDto } from './sci-dto';
import { workflowView, workflowViews } from './sci-status';

type Deps = Pick<AppDeps, 'prisma' | 'workflows'>;

async function latestRuns(deps: Deps, tenantId: string, sciIds: string[]): Promise<Map<string, SyncRun>> {
  if (sciIds.length === 0) return new Map();
  const runs = await deps.prisma.syncRun.findMany({
    where: { tenantId, sciId: { in: sciIds } },
    orderBy: [{ sciId: 'asc' }, { startedAt: 'desc' }, { id: 'desc' }],
    distinct: ['sciId'],
  });
  return new Map(runs.map((r) => [r.sciId, r]));
}

export async function findSci(deps: Pick<AppDeps, 'prisma'>, tenantId: string, sciId: string): Promise<SmartConnectedItem> {
  const sci = await deps.prisma.smartConnectedItem.findFirst({ where: { id: sciId, tenantId } });
  if (!sci) throw notFound('Smart Connected Item');
  return sci;
}

export async function listScis(deps: Deps, tenantId: string): Promise<SciDto[]> {
  const scis = await deps.prisma.smartConnectedItem.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  const [runs, views] = await Promise.all([
    latestRuns(
      deps,
      tenantId,
      scis.map((s) => s.id),
    ),
    workflowViews(deps, scis),
  ]);
  return scis.map((s, i) => toDto(deps, s, runs.get(s.id) ?? null, views[i]!));
}

export async function getSciDto(deps: Deps, tenantId: string, sciId: string): Promise<SciDto> {
  const sci = await findSci(deps, tenantId, sciId);
  const [runs, view] = await Promise.all([latestRuns(deps, tenantId, [sci.id]), workflowView(deps, sci)]);
  return toDto(deps, sci, runs.get(sci.id) ?? null, view);
}

export async function describeSci(deps: Deps, sci: SmartConnectedItem): Promise<SciDto> {
  return getSciDto(deps, sci.tenantId, sci.id);
}
