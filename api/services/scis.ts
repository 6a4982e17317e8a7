// Smart Connected Items as the admin page sees them (F7–F11, F22), and the rule that keeps the database and
// Temporal in step: an SCI whose workflow should run (enabled, not Display) has one running, every other
// SCI has none. Every change that touches both does the database part and the Temporal part in the same
// request and undoes the database part when Temporal refuses, so the two never disagree for long; the
// reconciler (./reconciler.ts) repairs anything that slipped through (a crash between the two steps).
import { z } from 'zod';
import type { SciBody, SciDto, SyncRunDto } from '../../contracts/scis';
import { definitionOf } from '../../lib/sci/definition';
import { Prisma, type SmartConnectedItem, type SyncRun } from '../../prisma/generated/client';
import type { SciStatus } from '../../workflows/messages';
import type { AppDeps } from '../deps';
import type { SciRef } from './sci-workflows';
import { ApiError, conflict, notFound, temporalUnavailable } from './api-errors';
import { isUniqueViolation } from '../../lib/db/errors';

type Deps = Pick<AppDeps, 'prisma' | 'workflows'>;

// ─── Response shapes ───
// The request and response schemas are the Forge app's contract (contracts/scis.ts); re-exported for the API.

export { runErrorDto, sciBodySchema, sciDto, syncRunDto, workflowStatusDto, type SciBody, type SciDto, type SyncRunDto } from '../../contracts/scis';

// ─── Mapping rows ───

export { definitionOf };

/** Enabled and not Display: the SCI's workflow should be running. */
export function isAutomated(sci: Pick<SmartConnectedItem, 'enabled' | 'syncMode'>): boolean {
  return sci.enabled && sci.syncMode !== 'DISPLAY';
}

export function sciRef(sci: SmartConnectedItem): SciRef {
  return { id: sci.id, tenantId: sci.tenantId, name: sci.name, zohoModule: sci.zohoModule, syncMode: sci.syncMode, paused: sci.paused };
}

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

type WorkflowView = Pick<SciDto, 'workflow' | 'workflowQuery'>;

export function toDto(deps: Deps, sci: SmartConnectedItem, latestRun: SyncRun | null, view: WorkflowView): SciDto {
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
async function workflowViews(deps: Deps, scis: SmartConnectedItem[]): Promise<WorkflowView[]> {
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

async function latestRuns(deps: Deps, tenantId: string, sciIds: string[]): Promise<Map<string, SyncRun>> {
  if (sciIds.length === 0) return new Map();
  const runs = await deps.prisma.syncRun.findMany({
    where: { tenantId, sciId: { in: sciIds } },
    orderBy: [{ sciId: 'asc' }, { startedAt: 'desc' }, { id: 'desc' }],
    distinct: ['sciId'],
  });
  return new Map(runs.map((r) => [r.sciId, r]));
}

// ─── Reads ───

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

// ─── Writes ───


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

function requireAutomated(sci: SmartConnectedItem): void {
  if (sci.syncMode === 'DISPLAY') throw conflict('Display items do not sync: there is no workflow to control.');
  if (!sci.enabled) throw conflict('This Smart Connected Item is disabled: enable it first.');
}

export async function setPaused(deps: Deps, sci: SmartConnectedItem, paused: boolean): Promise<SmartConnectedItem> {
  requireAutomated(sci);
  const updated = await deps.prisma.smartConnectedItem.update({ where: { id: sci.id }, data: { paused } });
  try {
    await deps.workflows.control(sciRef(updated), paused ? 'pause' : 'resume');
  } catch (err) {
    await deps.prisma.smartConnectedItem.update({ where: { id: sci.id }, data: { paused: sci.paused } });
    throw wrapTemporal(err, 'Nothing changed.');
  }
  return updated;
}

export async function signal(deps: Deps, sci: SmartConnectedItem, what: 'syncNow' | 'retryParked'): Promise<void> {
  requireAutomated(sci);
  if (what === 'syncNow' && sci.paused) throw conflict('This Smart Connected Item is paused: resume it to sync.');
  try {
    await deps.workflows.control(sciRef(sci), what);
  } catch (err) {
    throw wrapTemporal(err, '');
  }
}

/**
 * Re-applies one link: forgets the last CRM change applied to it and hands its record to the workflow as
 * if Zoho had notified a change, so it is read again by id even though the poll cursor has passed it.
 */
export async function resyncLink(deps: Deps, sci: SmartConnectedItem, linkId: string): Promise<void> {
  requireAutomated(sci);
  const link = await deps.prisma.recordLink.findFirst({ where: { id: linkId, sciId: sci.id, tenantId: sci.tenantId } });
  if (!link) throw notFound('Link');
  await deps.prisma.recordLink.update({ where: { id: link.id }, data: { lastZohoModifiedAt: null } });
  try {
    await deps.workflows.zohoNotification(sciRef(sci), {
      channelId: 'resync',
      operation: 'update',
      recordIds: [link.zohoRecordId],
      receivedAt: new Date().toISOString(),
    });
  } catch (err) {
    throw wrapTemporal(err, 'The link will be re-read on the next change of its record.');
  }
}

/**
 * Re-reads the whole module from `since`: the workflow resets its cursor and every link's memory of what it
 * last applied (an update handled inside the running workflow), then syncs. Queued and parked events stay.
 */
export async function resyncSci(deps: Deps, sci: SmartConnectedItem, since: Date): Promise<void> {
  requireAutomated(sci);
  try {
    await deps.workflows.resync(sciRef(sci), since);
  } catch (err) {
    throw wrapTemporal(err, 'Nothing changed.');
  }
}

// ─── Run history (F22) ───

const cursorSchema = z.object({ t: z.iso.datetime(), id: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/) });

export function encodeRunCursor(run: SyncRun): string {
  return Buffer.from(JSON.stringify({ t: run.startedAt.toISOString(), id: run.id })).toString('base64url');
}

function decodeRunCursor(cursor: string): { t: Date; id: string } {
  try {
    const parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { t: new Date(parsed.t), id: parsed.id };
  } catch {
    throw new ApiError(400, 'The cursor is not one this API returned.', 'VALIDATION_FAILED');
  }
}

/** Newest first, keyset-paged on (startedAt, id) so new runs arriving between pages never shift them. */
export async function listRuns(deps: Deps, sci: SmartConnectedItem, opts: { limit: number; cursor?: string | undefined }) {
  const after = opts.cursor ? decodeRunCursor(opts.cursor) : undefined;
  const runs = await deps.prisma.syncRun.findMany({
    where: {
      tenantId: sci.tenantId,
      sciId: sci.id,
      ...(after ? { OR: [{ startedAt: { lt: after.t } }, { startedAt: after.t, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: opts.limit + 1,
  });
  const page = runs.slice(0, opts.limit);
  const last = page.at(-1);
  return { runs: page.map(runToDto), nextCursor: runs.length > opts.limit && last ? encodeRunCursor(last) : null };
}

/** A Temporal failure as the 503 a route answers; the cause is logged, never sent. */
export function wrapTemporal(err: unknown, consequence: string): ApiError {
  if (err instanceof ApiError) return err;
  const wrapped = temporalUnavailable(consequence);
  wrapped.cause = err; // logged by the routes' error handler, never sent
  return wrapped;
}
