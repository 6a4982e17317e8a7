// Workflow tuning is deployment configuration: the SCI_* and BACKFILL_* settings reach the workflows the
// API starts (their start input).
import { randomUUID } from 'node:crypto';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmartConnectedItem } from '../../prisma/generated/client';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';
import { backfillWorkflowId } from '../../workflows/backfill-messages';
import { sciWorkflowId } from '../../workflows/ids';

let s: SyncStack;

beforeAll(async () => {
  // No worker: only what the API asked Temporal to start is looked at.
  s = await startSyncStack({
    inProcessWorker: false,
    app: {
      env: {
        SCI_POLL_INTERVAL: '90s',
        SCI_HEARTBEAT_TIMEOUT: '7s',
        SCI_QUEUE_CAP: '50',
        SCI_PARKED_RETRY: '2m',
        SCI_MAX_BACKOFF: '45s',
        SCI_ACTIVITY_ATTEMPTS: '4',
        SCI_MAX_HISTORY_EVENTS: '900',
        BACKFILL_PAGES_PER_CALL: '3',
        BACKFILL_MAX_HISTORY_EVENTS: '400',
      },
    },
  });
}, 180_000);

afterAll(async () => {
  await s?.close();
});

async function startInput(workflowId: string): Promise<Record<string, unknown>> {
  const { events } = await s.t.temporal.client.workflow.getHandle(workflowId).fetchHistory();
  const started = events?.[0]?.workflowExecutionStartedEventAttributes;
  const [input] = await decodeArrayFromPayloads(s.t.temporal.client.options.loadedDataConverter, started?.input?.payloads);
  return input as Record<string, unknown>;
}

const def = (name: string) => ({
  name,
  syncMode: 'ONE_WAY' as const,
  jiraProjectId: '10000',
  jiraIssueTypeId: '10001',
  zohoModule: 'Deals',
  fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary' }],
  options: { backfill: { mode: 'IMPORT' as const } },
});

describe('workflow settings (lib/config.ts → api/deps.ts → start input)', () => {
  let sci: SmartConnectedItem;

  it('every SCI workflow the API starts carries the deployment settings', async () => {
    sci = await s.createSci(def(`settings-${randomUUID().slice(0, 6)}`), { waitForFirstRun: false });
    expect(await startInput(sciWorkflowId(sci.tenantId, sci.id))).toMatchObject({
      tenantId: sci.tenantId,
      sciId: sci.id,
      pollIntervalMs: 90_000,
      heartbeatTimeoutMs: 7000,
      queueCap: 50,
      parkedRetryMs: 120_000,
      maxBackoffMs: 45_000,
      activityAttempts: 4,
      maxHistoryEvents: 900,
    });
  });

  it('so does the backfill its creation starts', async () => {
    expect(await startInput(backfillWorkflowId(sci.tenantId, sci.id))).toMatchObject({ sciId: sci.id, pagesPerCall: 3, heartbeatTimeoutMs: 7000, maxHistoryEvents: 400 });
  });

  it('an SCI created through an API replica configured otherwise gets the settings of that replica', async () => {
    const other = await s.createSci(def(`replica-${randomUUID().slice(0, 6)}`), { settings: { SCI_POLL_INTERVAL: '1h', SCI_QUEUE_CAP: '20' }, waitForFirstRun: false });
    expect(await startInput(sciWorkflowId(other.tenantId, other.id))).toMatchObject({ pollIntervalMs: 3_600_000, queueCap: 20, heartbeatTimeoutMs: 7000 });
  });
});
