// `npm run deploy:set-current` / `npm run deploy:status` (dist/deployment.js after `npm run build`):
//   set-current [--build-id <id>] [--timeout-seconds <n>]   wait until this build's workers poll, then make
//                                                          their version the deployment's current version
//   status                                                 current and ramping versions, each version's drainage
// Settings as for the worker: TEMPORAL_ADDRESS (+ namespace, API key, TLS), TEMPORAL_DEPLOYMENT_NAME, and
// TEMPORAL_BUILD_ID or the build id in dist/build-info.json.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toCanonicalString } from '@temporalio/common';
import { parseConfig } from '../../lib/config';
import { connectTemporalClient } from '../../lib/temporal/connection';
import { readBuildInfo } from '../../lib/temporal/deployment';
import { describeDeployment, setCurrentVersion } from './deployment';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { 'build-id': { type: 'string' }, 'timeout-seconds': { type: 'string', default: '120' } },
  });
  const command = positionals[0];
  const config = parseConfig();
  if (!config.TEMPORAL_ADDRESS) throw new Error('Set TEMPORAL_ADDRESS to the Temporal cluster the workers use.');
  // Deployment calls carry no workflow payloads, so the default data converter serves (no payload key needed).
  const client = await connectTemporalClient({ ...config, address: config.TEMPORAL_ADDRESS }, {});
  try {
    const namespace = config.TEMPORAL_NAMESPACE;
    if (command === 'set-current') {
      // Compiled, this file is dist/deployment.js, beside the build record.
      const distDir = path.dirname(fileURLToPath(import.meta.url));
      const buildId = values['build-id'] ?? config.TEMPORAL_BUILD_ID ?? (await readBuildInfo(distDir)).buildId;
      const version = { deploymentName: config.TEMPORAL_DEPLOYMENT_NAME, buildId };
      await setCurrentVersion(client, namespace, version, Number(values['timeout-seconds']) * 1000);
      console.log(`${toCanonicalString(version)} is now the current version of ${version.deploymentName}.`);
    } else if (command === 'status') {
      const state = await describeDeployment(client, namespace, config.TEMPORAL_DEPLOYMENT_NAME);
      console.log(state ? JSON.stringify(state, null, 2) : `No worker of deployment ${config.TEMPORAL_DEPLOYMENT_NAME} has polled namespace ${namespace} yet.`);
    } else {
      throw new Error('Usage: deployment.js set-current [--build-id <id>] [--timeout-seconds <n>] | status');
    }
  } finally {
    await client.connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
