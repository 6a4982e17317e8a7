// The admin page's controls on a running SCI workflow (F7, F22): pause and resume, sync now, retry parked
// events, resync one link or the whole item. Each refuses, saying what to do, when the SCI has no workflow.
import type { SmartConnectedItem } from '../../prisma/generated/client';
import type { AppDeps } from '../deps';
import { conflict, notFound, wrapTemporal } from './api-errors';
import { sciRef } from './sci-automation';

type Deps = Pick<AppDeps, 'prisma' | 'workflows'>;

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
