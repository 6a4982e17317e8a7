// Worker Versioning (Worker Deployments): which deployment version a worker serves, and the build record
// that `npm run build` writes beside the compiled code (dist/build-info.json). A worker with versioning on
// polls as `<deploymentName>.<buildId>`; the release makes that version current (scripts/temporal/deployment.ts).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const buildInfoSchema = z.object({
  /** package.json version of the release. */
  version: z.string().min(1),
  /** Git commit the build was made from; null outside a git checkout. */
  gitSha: z.string().nullable(),
  /** Worker Deployment build id of this release (RELEASE_BUILD_ID, else `<version>-<sha>`). */
  buildId: z.string().min(1).max(255),
  /** SHA-256 of dist/workflow-bundle.js. */
  workflowBundleSha256: z.string().regex(/^[0-9a-f]{64}$/),
  builtAt: z.string().datetime(),
});
export type BuildInfo = z.infer<typeof buildInfoSchema>;

/** What the worker needs to join a Worker Deployment. */
export interface WorkerVersioning {
  deploymentName: string;
  buildId: string;
}

/** Reads and checks dist/build-info.json; says how to make it when it is missing. */
export async function readBuildInfo(distDir: string): Promise<BuildInfo> {
  const file = path.join(distDir, 'build-info.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`${file} is missing: the worker runs from the production build (\`npm run build\`, then \`npm run start:worker\`).`);
  }
  return buildInfoSchema.parse(JSON.parse(text));
}

export interface VersioningSettings {
  TEMPORAL_WORKER_VERSIONING: boolean;
  TEMPORAL_DEPLOYMENT_NAME: string;
  TEMPORAL_BUILD_ID?: string | undefined;
}

/** The worker's deployment version when versioning is on (build id: the setting, else the build's own). */
export function workerVersioning(settings: VersioningSettings, build: BuildInfo | undefined): WorkerVersioning | undefined {
  if (!settings.TEMPORAL_WORKER_VERSIONING) return undefined;
  const buildId = settings.TEMPORAL_BUILD_ID ?? build?.buildId;
  if (!buildId) {
    throw new Error('TEMPORAL_WORKER_VERSIONING=true needs a build id: run `npm run build` (it records one) or set TEMPORAL_BUILD_ID.');
  }
  return { deploymentName: settings.TEMPORAL_DEPLOYMENT_NAME, buildId };
}
