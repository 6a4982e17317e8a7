// Creating, changing and deleting Smart Connected Items (F8, F11), and the rule that keeps the database and
// Temporal in step: an SCI whose workflow should run (enabled, not Display) has one running, every other
// SCI has none. Every change that touches both does the database part and the Temporal part in the same
// request and undoes the database part when Temporal refuses, so the two never disagree for long; the
// reconciler (./reconciler.ts) repairs anything that slipped through (a crash between the two steps).
import type { SciBody } from '../../contracts/scis';
import { Prisma, type SmartConnectedItem } from '../../prisma/generated/client';
import { isUniqueViolation } from '../../lib/db/errors';
import type { AppDeps } from '../deps';
import { conflict, wrapTemporal } from './api-errors';
import { isAutomated, sciRef } from './sci-automation';

type Deps = Pick<AppDeps, 'prisma' | 'workflows'>;

/** Brings Temporal to what the row says: running (and paused when paused) or stopped. */
export async function applyWorkflowState(deps: Deps, sci: SmartConnectedItem, reason: string): Promise<void> {
  if (isAutomated(sci)) {
    await deps.workflows.ensureRunning(sciRef(sci));
    if (sci.paused) await deps.workflows.control(sciRef(sci), 'pause');
  } else {
    await deps.workflows.stop(sci, reason);
  }
}

export interface ResolvedScope {
  projectId: string;
  projectKey: string;
}

function rowData(body: SciBody, scope: ResolvedScope) {
  return {
    name: body.name,
    syncMode: body.syncMode,
    jiraProjectId: scope.projectId,
    jiraProjectKey: scope.projectKey,
    jiraIssueTypeId: body.jiraIssueTypeId,
    zohoModule: body.zohoModule,
    displayFields: body.displayFields,
    fieldMappings: body.fieldMappings,
    options: body.options as Prisma.InputJsonValue,
    enabled: body.enabled,
  };
}

/** Creates the row and starts its workflow; if Temporal refuses, the row is removed again (nothing saved). */
export async function createSci(deps: Deps, tenantId: string, body: SciBody, scope: ResolvedScope): Promise<SmartConnectedItem> {
  let sci: SmartConnectedItem;
  try {
    sci = await deps.prisma.smartConnectedItem.create({ data: { tenantId, ...rowData(body, scope) } });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A Smart Connected Item named "${body.name}" already exists.`);
    throw err;
  }
  try {
    if (isAutomated(sci)) {
      await deps.workflows.ensureRunning(sciRef(sci));
      // F34: records that exist already are imported or matched now, in a workflow of their own.
      if (body.options.backfill.mode !== 'NONE') await deps.workflows.startBackfill(sciRef(sci));
      sci = await deps.prisma.smartConnectedItem.update({ where: { id: sci.id }, data: { workflowId: deps.workflows.workflowId(sci) } });
    }
  } catch (err) {
    await deps.prisma.smartConnectedItem.delete({ where: { id: sci.id } }).catch(() => undefined);
    // A workflow that did start (the failure came after) would find no row and idle: stop it too.
    await deps.workflows.stop(sci, 'SCI creation rolled back').catch(() => undefined);
    await deps.workflows.stopBackfill(sci, 'SCI creation rolled back').catch(() => undefined);
    throw wrapTemporal(err, 'Nothing was saved.');
  }
  return sci;
}

/**
 * Replaces the definition. Module and Jira scope are fixed once records are linked: existing links would
 * point at records of another module or issues outside the new scope.
 */
export async function updateSci(deps: Deps, prev: SmartConnectedItem, body: SciBody, scope: ResolvedScope): Promise<SmartConnectedItem> {
  const scopeChanged = prev.zohoModule !== body.zohoModule || prev.jiraProjectId !== scope.projectId || prev.jiraIssueTypeId !== body.jiraIssueTypeId;
  if (scopeChanged) {
    const links = await deps.prisma.recordLink.count({ where: { tenantId: prev.tenantId, sciId: prev.id } });
    if (links > 0) {
      throw conflict(
        `This item has ${links} linked record(s); its Zoho CRM module, Jira project and issue type can no longer change. Create a new Smart Connected Item instead.`,
      );
    }
  }
  let sci: SmartConnectedItem;
  try {
    sci = await deps.prisma.smartConnectedItem.update({
      where: { id: prev.id },
      data: { ...rowData(body, scope), workflowId: isAutomated({ enabled: body.enabled, syncMode: body.syncMode }) ? deps.workflows.workflowId(prev) : null },
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A Smart Connected Item named "${body.name}" already exists.`);
    throw err;
  }
  try {
    await applyWorkflowState(deps, sci, 'SCI disabled or switched to Display');
  } catch (err) {
    await restore(deps, prev);
    throw wrapTemporal(err, 'The change was not saved.');
  }
  return sci;
}

async function restore(deps: Deps, prev: SmartConnectedItem): Promise<void> {
  // The sync lease belongs to whichever activity holds it now, not to the configuration being restored.
  const { id, tenantId: _t, createdAt: _c, updatedAt: _u, syncLeaseOwner: _lo, syncLeaseUntil: _lu, ...rest } = prev;
  await deps.prisma.smartConnectedItem.update({
    where: { id },
    data: {
      ...rest,
      displayFields: rest.displayFields as Prisma.InputJsonValue,
      fieldMappings: rest.fieldMappings as Prisma.InputJsonValue,
      options: rest.options as Prisma.InputJsonValue,
      cursor: rest.cursor === null ? Prisma.DbNull : (rest.cursor as Prisma.InputJsonValue),
    },
  });
}

/** Stops the workflow first: if Temporal cannot be reached nothing is deleted (and the admin is told). */
export async function deleteSci(deps: Deps, sci: SmartConnectedItem): Promise<void> {
  try {
    await deps.workflows.stop(sci, 'SCI deleted');
    await deps.workflows.stopBackfill(sci, 'SCI deleted');
  } catch (err) {
    throw wrapTemporal(err, 'Nothing was deleted.');
  }
  // Links, runs, mirrors and channels go with it (ON DELETE CASCADE).
  await deps.prisma.smartConnectedItem.deleteMany({ where: { id: sci.id, tenantId: sci.tenantId } });
}
