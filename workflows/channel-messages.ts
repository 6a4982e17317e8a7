// The channel keeper's public surface (F33): its input, signal, query and id. The API imports these, never
// the workflow's code.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ReconcileChannelsResult } from '../activities/channels/keeper';

export interface ChannelWorkflowInput {
  tenantId: string;
  notifyUrl: string;
  ttlMs: number;
  renewBeforeMs: number;
  last?: ChannelStatus;
}

export interface ChannelStatus {
  lastResult: ReconcileChannelsResult | null;
  lastError: string | null;
  reconciliations: number;
}

export const reconcileChannelsSignal = defineSignal('reconcileChannels');
export const channelStatusQuery = defineQuery<ChannelStatus>('channelStatus');

export function channelWorkflowId(tenantId: string): string {
  return `channels:${tenantId}`;
}

