// Production worker entry (`npm run start:worker`): one of any number of workers on the `sci-sync` task
// queue, against a shared PostgreSQL and Temporal cluster. Migrations are applied by the release
// (`npm run db:migrate:deploy`), not here.
import { defaultZohoEndpoints, sandboxZohoEndpoints } from '../clients/zoho';
import { parseConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { cipherFromConfig } from '../lib/secrets';
import { connectTemporalClient, connectTemporalWorker } from '../lib/temporal/connection';
import { payloadCodecFromConfig, temporalDataConverter } from '../lib/temporal/data-converter';
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
const running = await runWorker({ config, connection, prisma: db.prisma, clients, cipher, log, dataConverter, metrics });
log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');

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
