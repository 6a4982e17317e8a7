// Database rows of Smart Connected Items and their sync runs as the admin page sees them (the contract's
// SciDto and SyncRunDto, contracts/scis.ts).
import { z } from 'zod';
import type { SciDto, SyncRunDto } from '../../contracts/scis';
import { definitionOf } from '../../lib/sci/definition';
import type { SmartConnectedItem, SyncRun } from '../../prisma/generated/client';
import type { AppDeps } from '../deps';
import { isAutomated } from './sci-automation';

/** The live part of a row: the workflow's status query answer, or why there is none. */
export type WorkflowView = Pick<SciDto, 'workflow' | 'workflowQuery'>;

const storedErrorSchema = z.array(z.looseObject({ message: z.string(), recordId: z.string().optional(), at: z.string().optional() }));

export function runToDto(run: SyncRun): SyncRunDto {
  const errors = storedErrorSchema.safeParse(run.errors);
  return {
    id: run.id,
    kind: run.kind,
    outcome: run.outcome,
    startedAt: run.startedAt.toISOString(),
    endedAt: run.endedAt?.toISOString() ?? null,
    recordsSeen: run.recordsSeen,
    recordsChanged: run.recordsChanged,
    recordsCreated: run.recordsCreated,
    recordsSkipped: run.recordsSkipped,
    errors: errors.success
      ? errors.data.map((e) => ({ message: e.message, ...(e.recordId ? { recordId: e.recordId } : {}), ...(e.at ? { at: e.at } : {}) }))
      : [],
    workflowRunId: run.workflowRunId,
  };
}

export function toDto(deps: Pick<AppDeps, 'workflows'>, sci: SmartConnectedItem, latestRun: SyncRun | null, view: WorkflowView): SciDto {
  const def = definitionOf(sci);
  const enabledOptions: SciDto['enabledOptions'] = [];
  if (def.options.autoCreate) enabledOptions.push('autoCreate');
  if (def.options.statusSync) enabledOptions.push('statusSync');
  if (def.options.notesSync) enabledOptions.push('notesSync');
  if (def.options.attachmentSync) enabledOptions.push('attachmentSync');
  if (def.options.backfill.mode !== 'NONE') enabledOptions.push('backfill');
  return {
    id: sci.id,
    name: sci.name,
    syncMode: sci.syncMode,
    jiraProjectId: sci.jiraProjectId,
    jiraProjectKey: sci.jiraProjectKey,
    jiraIssueTypeId: sci.jiraIssueTypeId,
    zohoModule: sci.zohoModule,
    displayFields: def.displayFields,
    fieldMappings: def.fieldMappings,
    options: def.options,
    enabledOptions,
    enabled: sci.enabled,
    paused: sci.paused,
    automated: isAutomated(sci),
    createdAt: sci.createdAt.toISOString(),
    updatedAt: sci.updatedAt.toISOString(),
    lastSyncedAt: sci.lastSyncedAt?.toISOString() ?? null,
    workflowId: isAutomated(sci) ? deps.workflows.workflowId(sci) : null,
    temporalUiUrl: isAutomated(sci) ? (deps.workflows.uiUrl(sci) ?? null) : null,
    latestRun: latestRun ? runToDto(latestRun) : null,
    ...view,
  };
}
