// Builds the worker that serves SCI workflows and their activities. Workflow code comes either from the
// production build's prebuilt bundle (dist/workflow-bundle.js, made by `npm run build`), so the code that
// runs is the code the release built and replayed, or, in development and tests, from a bundle built on
// first use and shared by every worker of this process (bundling costs seconds).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkflowBundleOption, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import type { SciActivities } from '../activities';
import { failureConverterPath } from '../lib/temporal/data-converter';
import type { WorkerVersioning } from '../lib/temporal/deployment';

export const workflowsPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'workflows', 'index.ts');

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow bundle, built on first use and shared by every worker in this process. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath, failureConverterPath, logger: quietBundlerLogger });
  return bundle;
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};

export interface SciWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: SciActivities;
  /** The product's data converter (lib/temporal/data-converter.ts): payloads encrypted, as every Client's. */
  dataConverter: DataConverter;
  /** Cap on concurrent activities; vendor rate limits matter more than CPU here. */
  maxConcurrentActivityTaskExecutions?: number;
  /** A prebuilt workflow bundle (dist/workflow-bundle.js); absent = bundle the sources in this process. */
  workflowBundlePath?: string | undefined;
  /**
   * Join this Worker Deployment version (Worker Versioning). Each workflow type's versioning behaviour is
   * in workflows/versioning.ts; the default below applies to any type without one.
   * Absent = an unversioned worker (`npm start`, tests).
   */
  versioning?: WorkerVersioning | undefined;
}

/** The workflow code option of a worker or a replayer: the prebuilt bundle file, or this process's bundle. */
export async function workflowCode(workflowBundlePath?: string): Promise<WorkflowBundleOption> {
  return workflowBundlePath ? { codePath: workflowBundlePath } : workflowBundle();
}

export async function createSciWorker(opts: SciWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: await workflowCode(opts.workflowBundlePath),
    activities: opts.activities,
    dataConverter: opts.dataConverter,
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 20,
    ...(opts.versioning
      ? {
          workerDeploymentOptions: {
            version: { deploymentName: opts.versioning.deploymentName, buildId: opts.versioning.buildId },
            useWorkerVersioning: true,
            defaultVersioningBehavior: 'AUTO_UPGRADE',
          },
        }
      : {}),
  });
}
