// Builds the worker that serves SCI workflows and their activities. The workflow code is bundled once
// per process (or handed in pre-bundled) because bundling costs seconds.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import type { SciActivities } from '../activities';
import { failureConverterPath } from '../lib/temporal/data-converter';

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
}

export async function createSciWorker(opts: SciWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: opts.activities,
    dataConverter: opts.dataConverter,
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 20,
  });
}
