// Runs the SCI worker over already-opened dependencies. Shared by the production entry (worker/main.ts) and
// the embedded `npm start`, so both run the same activities with the same wiring.
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createSyncActivities } from '../activities';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import type { SecretCipher } from '../lib/secrets/cipher';
import type { TenantClients } from '../lib/tenant-clients';
import type { PrismaClient } from '../prisma/generated/client';
import { createSciWorker } from './create-worker';

export interface WorkerDeps {
  config: Config;
  connection: NativeConnection;
  prisma: PrismaClient;
  clients: TenantClients;
  cipher: SecretCipher;
  log: Logger;
}

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped (after `stop()` or a fatal error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function runWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const worker = await createSciWorker({
    connection: deps.connection,
    namespace: deps.config.TEMPORAL_NAMESPACE,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    activities: createSyncActivities({
      prisma: deps.prisma,
      clients: deps.clients,
      cipher: deps.cipher,
      log: deps.log,
      zohoBudget: { dailyCredits: deps.config.ZOHO_DAILY_CREDITS, pauseShare: deps.config.ZOHO_BUDGET_PAUSE_SHARE },
      retention: { tenantRetentionDays: deps.config.TENANT_RETENTION_DAYS, runHistoryRetentionDays: deps.config.RUN_HISTORY_RETENTION_DAYS },
      engine: { attachmentSweepPerPoll: deps.config.ZOHO_ATTACHMENT_SWEEP_PER_POLL },
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
