// Which Smart Connected Items have a workflow, and how a row names its workflow to Temporal.
import type { SmartConnectedItem } from '../../prisma/generated/client';
import type { SciRef } from './sci-workflows';

/** Enabled and not Display: the SCI's workflow should be running. */
export function isAutomated(sci: Pick<SmartConnectedItem, 'enabled' | 'syncMode'>): boolean {
  return sci.enabled && sci.syncMode !== 'DISPLAY';
}

export function sciRef(sci: SmartConnectedItem): SciRef {
  return { id: sci.id, tenantId: sci.tenantId, name: sci.name, zohoModule: sci.zohoModule, syncMode: sci.syncMode, paused: sci.paused };
}
