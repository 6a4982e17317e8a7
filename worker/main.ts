// Production worker entry (`npm run start:worker`, compiled by `npm run build` into dist/worker.js): one of
// any number of workers on the `sci-sync` task queue, against a shared PostgreSQL and Temporal cluster.
// Compiled, it runs the prebuilt workflow bundle dist/workflow-bundle.js and, with
// TEMPORAL_WORKER_VERSIONING=true, joins the Worker Deployment version of its build. Run from source (tsx:
// the fault tests, benchmarks and the local cluster), it bundles the workflow sources in this process, and
// versioning takes its build id from TEMPORAL_BUILD_ID. Migrations are applied by the release
// (`npm run release:migrate`), not here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultZohoEndpoints, sandboxZohoEndpoints } from '../clients/zoho';
import { parseConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { cipherFromConfig } from '../lib/secrets';
import { connectTemporalClient, connectTemporalWorker } from '../lib/temporal/connection';
import { payloadCodecFromConfig, temporalDataConverter } from '../lib/temporal/data-converter';
import { readBuildInfo, workerVersioning, type WorkerVersioning } from '../lib/temporal/deployment';
import { ensureSearchAttributes } from '../lib/temporal/search-attributes';
import { TenantClients } from '../lib/tenant-clients';
import { openDatabase } from '../prisma/database';
import { installTemporalRuntimeMetrics, WorkerMetrics } from './metrics';
import { runWorker } from './run';

const config = parseConfig();
const log = createLogger(config.LOG_LEVEL, 'worker');
if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
  log.fatal('start:worker needs DATABASE_URL and TEMPORAL_ADDRESS (use `npm start` for the embedded setup).');
  process.exit(1);
}
const here = fileURLToPath(import.meta.url);
// Compiled, this file is dist/worker.js, beside the workflow bundle and the build record.
const compiled = !here.endsWith('.ts');
const refuse = (err: unknown): never => {
  log.fatal(err instanceof Error ? err.message : String(err));
  process.exit(1);
};
const build = compiled ? await readBuildInfo(path.dirname(here)).catch(refuse) : undefined;
let versioning: WorkerVersioning | undefined;
try {
  versioning = workerVersioning(config, build);
} catch (err) {
  refuse(err);
}
const settings = { ...config, address: config.TEMPORAL_ADDRESS };
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
// Temporal SDK metrics: the Core runtime is installed with its Prometheus exporter before any connection.
if (config.TEMPORAL_SDK_METRICS_PORT) installTemporalRuntimeMetrics(config.WORKER_METRICS_HOST, config.TEMPORAL_SDK_METRICS_PORT);
const metrics = config.WORKER_METRICS_PORT ? new WorkerMetrics() : undefined;
const metricsServer = metrics && config.WORKER_METRICS_PORT ? await metrics.serve(config.WORKER_METRICS_HOST, config.WORKER_METRICS_PORT) : undefined;
const dataConverter = temporalDataConverter(await payloadCodecFromConfig(config, { allowLocalKey: false }));
const client = await connectTemporalClient(settings, dataConverter);
await ensureSearchAttributes(client, config.TEMPORAL_NAMESPACE);
const connection = await connectTemporalWorker(settings);
const cipher = await cipherFromConfig(config, { allowLocalKey: false });
const clients = new TenantClients({ prisma: db.prisma, cipher, zohoEndpoints: config.ZOHO_SANDBOX_URL ? sandboxZohoEndpoints(config.ZOHO_SANDBOX_URL) : defaultZohoEndpoints });
const running = await runWorker({
  config,
  connection,
  prisma: db.prisma,
  clients,
  cipher,
  log,
  dataConverter,
  metrics,
  workflowBundlePath: compiled ? path.join(path.dirname(here), 'workflow-bundle.js') : undefined,
  versioning,
});
log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, release: build?.buildId ?? 'from source', deployment: versioning ?? 'unversioned' }, 'worker running');

const stop = async (signal: string) => {
  log.info({ signal }, 'stopping worker');
  await running.stop();
  await metricsServer?.close();
  await connection.close();
  await client.connection.close();
  await db.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
await running.done;
