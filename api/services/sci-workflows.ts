// The API's only door into Temporal: start, signal, query and stop SCI workflows. Everything goes through
// signal-with-start, so a signal never finds "no workflow" and a missing workflow is (re)created on the spot.
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TypedSearchAttributes, type SignalDefinition } from '@temporalio/common';
import { sciWorkflowId, temporalUiWorkflowUrl } from '../../workflows/ids';
import {
  configChangedSignal,
  jiraEventsSignal,
  pauseSignal,
  resumeSignal,
  resyncUpdate,
  retryParkedSignal,
  statusQuery,
  syncNowSignal,
  zohoNotificationSignal,
  type JiraEventSignal,
  type SciStatus,
  type SciWorkflowInput,
  type ZohoNotificationSignal,
} from '../../workflows/messages';
import { SCI_ID, SCI_SYNC_MODE, SCI_TENANT, SCI_ZOHO_MODULE } from '../../workflows/search-attributes';
import type { sciWorkflow } from '../../workflows/sci-workflow';
import type { zohoChannelsWorkflow } from '../../workflows/channel-workflow';
import { channelWorkflowId, reconcileChannelsSignal } from '../../workflows/channel-messages';
import { WORKFLOW_TYPES } from '../../workflows/names';
import { backfillProgress, cancelBackfill, startBackfill } from '../../lib/backfill/start';
import type { PrismaClient } from '../../prisma/generated/client';
import { backfillWorkflowId, type BackfillProgress, type BackfillWorkflowInput } from '../../workflows/backfill-messages';
import { channelStatusQuery, type ChannelStatus } from '../../workflows/channel-messages';

export interface SciRef {
  id: string;
  tenantId: string;
  name: string;
  zohoModule: string;
  syncMode: string;
  /** The row's paused flag: a workflow started by a signal-with-start starts paused if the SCI is. */
  paused?: boolean;
}

export interface SciWorkflowsOptions {
  taskQueue: string;
  namespace: string;
  pollIntervalMs: number;
  /** Deployment tuning (SCI_HEARTBEAT_TIMEOUT …) handed to each workflow it starts; unset keys keep the workflow's defaults. */
  tuning?: SciWorkflowTuning | undefined;
  /** The same for backfill workflows (BACKFILL_PAGES_PER_CALL …). */
  backfillTuning?: BackfillTuning | undefined;
  /** Base URL of the Temporal Web UI, for links from the admin page. */
  uiBaseUrl?: string | undefined;
  /** Zoho notification channels (F33); absent → CRM changes arrive by polling only. */
  channels?: { notifyUrl: string; ttlMs: number } | undefined;
}

export type SciWorkflowTuning = Partial<Pick<SciWorkflowInput, 'heartbeatTimeoutMs' | 'queueCap' | 'parkedRetryMs' | 'maxBackoffMs' | 'activityAttempts' | 'maxHistoryEvents'>>;

export type BackfillTuning = Partial<Pick<BackfillWorkflowInput, 'pagesPerCall' | 'heartbeatTimeoutMs' | 'maxHistoryEvents'>>;

type ControlSignal = 'syncNow' | 'configChanged' | 'pause' | 'resume' | 'retryParked';
const controlSignals = {
  syncNow: syncNowSignal,
  configChanged: configChangedSignal,
  pause: pauseSignal,
  resume: resumeSignal,
  retryParked: retryParkedSignal,
} as const;

export class SciWorkflows {
  constructor(
    private readonly client: Client,
    private readonly opts: SciWorkflowsOptions,
  ) {}

  workflowId(sci: Pick<SciRef, 'id' | 'tenantId'>): string {
    return sciWorkflowId(sci.tenantId, sci.id);
  }

  uiUrl(sci: Pick<SciRef, 'id' | 'tenantId'>): string | undefined {
    return this.opts.uiBaseUrl ? temporalUiWorkflowUrl(this.opts.uiBaseUrl, this.opts.namespace, this.workflowId(sci)) : undefined;
  }

  private startOptions(sci: SciRef) {
    return {
      taskQueue: this.opts.taskQueue,
      workflowId: this.workflowId(sci),
      args: [
        {
          tenantId: sci.tenantId,
          sciId: sci.id,
          pollIntervalMs: this.opts.pollIntervalMs,
          ...this.opts.tuning,
          paused: sci.paused ?? false,
          label: { name: sci.name, zohoModule: sci.zohoModule, syncMode: sci.syncMode },
        },
      ] as Parameters<typeof sciWorkflow>,
      // The summary is fixed at start; the workflow's current details and search attributes follow changes.
      staticSummary: `SCI "${sci.name}" (Zoho ${sci.zohoModule} ↔ Jira, as started)`,
      typedSearchAttributes: new TypedSearchAttributes([
        { key: SCI_TENANT, value: sci.tenantId },
        { key: SCI_ID, value: sci.id },
        { key: SCI_ZOHO_MODULE, value: sci.zohoModule },
        { key: SCI_SYNC_MODE, value: sci.syncMode },
      ]),
    };
  }

  /** Signals the SCI's workflow, starting it first (by type name) when it is not running. */
  private async signalWithStart<A extends unknown[]>(sci: SciRef, signal: SignalDefinition<A>, signalArgs: A): Promise<void> {
    // The call site checks the arguments against the signal's definition; the client's own conditional
    // option types cannot follow a generic argument list, hence the widening here.
    await this.client.workflow.signalWithStart<typeof sciWorkflow, unknown[]>(WORKFLOW_TYPES.sci, {
      ...this.startOptions(sci),
      signal: signal as SignalDefinition<unknown[]>,
      signalArgs,
    });
  }

  /** Ensures the workflow runs and tells it to re-read its configuration (and its new name and mode). */
  async ensureRunning(sci: SciRef): Promise<void> {
    await this.signalWithStart(sci, configChangedSignal, [{ name: sci.name, zohoModule: sci.zohoModule, syncMode: sci.syncMode }]);
    await this.reconcileChannels(sci.tenantId);
  }

  /**
   * Resets the poll cursor inside the workflow (an update, started first if it is not running) and resolves
   * once the reset is stored. Nothing queued in the workflow is dropped.
   */
  async resync(sci: SciRef, since: Date): Promise<{ cursor: string }> {
    const start = new WithStartWorkflowOperation<typeof sciWorkflow>(WORKFLOW_TYPES.sci, { ...this.startOptions(sci), workflowIdConflictPolicy: 'USE_EXISTING' });
    return this.client.workflow.executeUpdateWithStart(resyncUpdate, { args: [{ since: since.toISOString() }], startWorkflowOperation: start });
  }

  /** Tells the tenant's channel keeper that the set of synced modules may have changed (F33). */
  async reconcileChannels(tenantId: string): Promise<void> {
    const channels = this.opts.channels;
    if (!channels) return;
    await this.client.workflow.signalWithStart<typeof zohoChannelsWorkflow>(WORKFLOW_TYPES.channels, {
      taskQueue: this.opts.taskQueue,
      workflowId: channelWorkflowId(tenantId),
      args: [{ tenantId, notifyUrl: channels.notifyUrl, ttlMs: channels.ttlMs, renewBeforeMs: Math.round(channels.ttlMs / 4) }],
      staticSummary: 'Zoho notification channels of one Jira site',
      typedSearchAttributes: new TypedSearchAttributes([{ key: SCI_TENANT, value: tenantId }]),
      signal: reconcileChannelsSignal,
      signalArgs: [],
    });
  }

  async control(sci: SciRef, signal: ControlSignal): Promise<void> {
    await this.signalWithStart(sci, controlSignals[signal] as SignalDefinition<[]>, []);
  }

  /**
   * One signal-with-start carrying several Jira events for the SCI (the intake dispatcher's batch). With
   * `timeoutMs` the call carries a gRPC deadline.
   */
  async deliverJiraEvents(sci: SciRef, events: JiraEventSignal[], timeoutMs?: number): Promise<void> {
    await this.bounded(timeoutMs, () => this.signalWithStart(sci, jiraEventsSignal, [events]));
  }

  async zohoNotification(sci: SciRef, notification: ZohoNotificationSignal, timeoutMs?: number): Promise<void> {
    await this.bounded(timeoutMs, () => this.signalWithStart(sci, zohoNotificationSignal, [notification]));
  }

  /**
   * The workflow's own view (state, cursor, last run), or null when it is not running. With `timeoutMs` the
   * call carries a gRPC deadline, so a query nobody waits for any more ends there instead of retrying on.
   */
  async status(sci: Pick<SciRef, 'id' | 'tenantId'>, timeoutMs?: number): Promise<SciStatus | null> {
    try {
      return await this.bounded(timeoutMs, () => this.client.workflow.getHandle(this.workflowId(sci)).query(statusQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }

  private bounded<T>(timeoutMs: number | undefined, fn: () => Promise<T>): Promise<T> {
    return timeoutMs === undefined ? fn() : this.client.withDeadline(Date.now() + timeoutMs, fn);
  }

  // ─── Backfill (F34): one workflow per SCI, `backfill:<tenant>:<sci>` ───

  /** Starts the SCI's backfill, or finds the one already running (never two). */
  async startBackfill(sci: SciRef): Promise<{ workflowId: string }> {
    return startBackfill(this.client, sci, { taskQueue: this.opts.taskQueue, ...(this.opts.backfillTuning ? { input: this.opts.backfillTuning } : {}) });
  }

  backfillProgress(prisma: PrismaClient, sci: Pick<SciRef, 'id' | 'tenantId'>): Promise<BackfillProgress | null> {
    return backfillProgress(this.client, prisma, sci);
  }

  cancelBackfill(sci: Pick<SciRef, 'id' | 'tenantId'>): Promise<void> {
    return cancelBackfill(this.client, sci);
  }

  backfillUiUrl(sci: Pick<SciRef, 'id' | 'tenantId'>): string | undefined {
    return this.opts.uiBaseUrl ? temporalUiWorkflowUrl(this.opts.uiBaseUrl, this.opts.namespace, backfillWorkflowId(sci.tenantId, sci.id)) : undefined;
  }

  /** The tenant's channel keeper's own view (F33), or null when it is not running (no channels wanted). */
  async channelStatus(tenantId: string, timeoutMs?: number): Promise<ChannelStatus | null> {
    try {
      return await this.bounded(timeoutMs, () => this.client.workflow.getHandle(channelWorkflowId(tenantId)).query(channelStatusQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }

  channelsUiUrl(tenantId: string): string | undefined {
    return this.opts.uiBaseUrl ? temporalUiWorkflowUrl(this.opts.uiBaseUrl, this.opts.namespace, channelWorkflowId(tenantId)) : undefined;
  }

  /** Whether near-real-time channels are switched on for this deployment. */
  get channelsEnabled(): boolean {
    return this.opts.channels !== undefined;
  }

  /** Stops the workflow for good (SCI deleted or disabled). Already gone is fine. */
  async stop(sci: Pick<SciRef, 'id' | 'tenantId'>, reason: string): Promise<void> {
    try {
      await this.client.workflow.getHandle(this.workflowId(sci)).terminate(reason);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    await this.reconcileChannels(sci.tenantId);
  }

  /**
   * Ends every workflow of a tenant whose app was uninstalled: its SCI workflows, their backfills and the
   * channel keeper. Terminated (not cancelled): nothing they could still do would succeed, their secrets are
   * gone. NotFound (never started, already closed) is fine; nothing is started again (no reconcileChannels).
   */
  async stopTenant(tenantId: string, sciIds: readonly string[], reason: string): Promise<{ terminated: number; failed: number }> {
    const ids = [channelWorkflowId(tenantId), ...sciIds.flatMap((sciId) => [this.workflowId({ id: sciId, tenantId }), backfillWorkflowId(tenantId, sciId)])];
    let terminated = 0;
    let failed = 0;
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        try {
          await this.client.workflow.getHandle(id).terminate(reason);
          terminated += 1;
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) failed += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, ids.length) }, worker));
    return { terminated, failed };
  }

  /** Ends a running backfill at once (its SCI is being deleted). Nothing running is fine. */
  async stopBackfill(sci: Pick<SciRef, 'id' | 'tenantId'>, reason: string): Promise<void> {
    try {
      await this.client.workflow.getHandle(backfillWorkflowId(sci.tenantId, sci.id)).terminate(reason);
    } catch (err) {
      // Never started, or already closed: Temporal answers NotFound either way.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
}
