// Worker Deployment operations of a release (Worker Versioning) over the Temporal API: describe a
// deployment, wait until a build's workers poll, make a build the current version. The command line is
// scripts/temporal/deployment-cli.ts.
import type { Client } from '@temporalio/client';
import { toCanonicalString } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { WorkerVersioning } from '../../lib/temporal/deployment';

const { WorkerDeploymentVersionStatus, VersionDrainageStatus } = proto.temporal.api.enums.v1;

/** The name of a protobuf enum value without its type prefix (`VERSION_DRAINAGE_STATUS_DRAINED` → `DRAINED`). */
function enumName(names: Record<number, string>, value: number | null | undefined, prefix: string): string {
  return (names[value ?? 0] ?? String(value)).replace(prefix, '');
}

export interface DeploymentVersionState {
  buildId: string;
  status: string;
  drainage: string;
}

export interface DeploymentState {
  deploymentName: string;
  currentBuildId: string | null;
  rampingBuildId: string | null;
  versions: DeploymentVersionState[];
}

/** The deployment as the server sees it; null when no worker of it has polled yet. */
export async function describeDeployment(client: Client, namespace: string, deploymentName: string): Promise<DeploymentState | null> {
  try {
    const res = await client.workflowService.describeWorkerDeployment({ namespace, deploymentName });
    const info = res.workerDeploymentInfo;
    const routing = info?.routingConfig;
    return {
      deploymentName,
      currentBuildId: routing?.currentDeploymentVersion?.buildId || null,
      rampingBuildId: routing?.rampingDeploymentVersion?.buildId || null,
      versions: (info?.versionSummaries ?? []).map((v) => ({
        buildId: v.deploymentVersion?.buildId ?? (v.version ?? '').slice(deploymentName.length + 1),
        status: enumName(WorkerDeploymentVersionStatus, v.status, 'WORKER_DEPLOYMENT_VERSION_STATUS_'),
        drainage: enumName(VersionDrainageStatus, v.drainageStatus, 'VERSION_DRAINAGE_STATUS_'),
      })),
    };
  } catch (err) {
    if ((err as { code?: number }).code === 5) return null; // NOT_FOUND
    throw err;
  }
}

/** Waits until a worker of `version` has polled, so the server knows the version. */
export async function waitForVersion(client: Client, namespace: string, version: WorkerVersioning, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await describeDeployment(client, namespace, version.deploymentName);
    if (state?.versions.some((v) => v.buildId === version.buildId)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `No worker of ${toCanonicalString(version)} has polled namespace ${namespace} within ${timeoutMs / 1000} s: start this release's workers with TEMPORAL_WORKER_VERSIONING=true, then run this again.`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Makes `version` the deployment's current version: new workflows and AutoUpgrade workflows move to it. The
 * server refuses (FAILED_PRECONDITION) while the new version has not yet polled every task queue type the
 * current one serves (a worker polls workflow and activity tasks separately); that is waited out too.
 */
export async function setCurrentVersion(client: Client, namespace: string, version: WorkerVersioning, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await waitForVersion(client, namespace, version, timeoutMs);
  for (;;) {
    try {
      await client.workflowService.setWorkerDeploymentCurrentVersion({
        namespace,
        deploymentName: version.deploymentName,
        buildId: version.buildId,
        identity: 'zoho-crm-connector release',
      });
      return;
    } catch (err) {
      if ((err as { code?: number }).code !== 9 || Date.now() > deadline) throw err; // 9 = FAILED_PRECONDITION
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
