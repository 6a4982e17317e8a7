// Runs the SCI worker over already-opened dependencies. Shared by the production entry (worker/main.ts) and
// the embedded `npm start`, so both run the same activities with the same wiring.
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createSyncActivities } from '../activities';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import type { SecretCipher } from '../lib/secrets/cipher';
import type { TenantClients } from '../lib/tenant-clients';
import type { WorkerVersioning } from '../lib/temporal/deployment';
import type { PrismaClient } from '../prisma/generated/client';
import { ZohoBudget } from '../lib/budget/zoho-budget';
import { createSciWorker } from './create-worker';
import type { WorkerMetrics } from './metrics';

export interface WorkerDeps {
  config: Config;
  connection: NativeConnection;
  prisma: PrismaClient;
  clients: TenantClients;
  cipher: SecretCipher;
  log: Logger;
  /** The product's data converter (lib/temporal/data-converter.ts), the same as the Clients'. */
  dataConverter: DataConverter;
  /** Counts sync runs, vendor calls and budget use (worker/metrics.ts); absent = no metrics. */
  metrics?: WorkerMetrics | undefined;
  /** The production build's prebuilt workflow bundle; absent = bundle the sources in this process. */
  workflowBundlePath?: string | undefined;
  /** The Worker Deployment version to join; absent = an unversioned worker. */
  versioning?: WorkerVersioning | undefined;
}

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped (after `stop()` or a fatal error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function runWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const zohoBudget = { dailyCredits: deps.config.ZOHO_DAILY_CREDITS, pauseShare: deps.config.ZOHO_BUDGET_PAUSE_SHARE };
  deps.metrics?.observe(deps.clients, ZohoBudget.attach(deps.clients, { prisma: deps.prisma, ...zohoBudget }));
  const worker = await createSciWorker({
    connection: deps.connection,
    namespace: deps.config.TEMPORAL_NAMESPACE,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    workflowBundlePath: deps.workflowBundlePath,
    versioning: deps.versioning,
    dataConverter: deps.dataConverter,
    activities: createSyncActivities({
      prisma: deps.prisma,
      clients: deps.clients,
      cipher: deps.cipher,
      log: deps.log,
      zohoBudget,
      retention: { tenantRetentionDays: deps.config.TENANT_RETENTION_DAYS, runHistoryRetentionDays: deps.config.RUN_HISTORY_RETENTION_DAYS },
      engine: {
        attachmentSweepPerPoll: deps.config.ZOHO_ATTACHMENT_SWEEP_PER_POLL,
        ...(deps.metrics ? { onRunRecorded: deps.metrics.runRecorded } : {}),
      },
    }),
  });
  const done = worker.run();
  return {
    worker,
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
