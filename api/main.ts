// Production API entry (`npm run start:api`): one of any number of stateless API replicas in front of a
// shared PostgreSQL and Temporal cluster. Migrations are applied by the release (`npm run
// db:migrate:deploy`), not here. On SIGTERM/SIGINT the server stops accepting, finishes in-flight requests
// (Forge gives each call 5–25 s) and closes its connections; a second signal or the grace delay ends it.
import closeWithGrace from 'close-with-grace';
import { defaultZohoEndpoints, sandboxZohoEndpoints } from '../clients/zoho';
import { parseConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { cipherFromConfig } from '../lib/secrets';
import { connectTemporalClient } from '../lib/temporal/connection';
import { payloadCodecFromConfig, temporalDataConverter } from '../lib/temporal/data-converter';
import { TenantClients } from '../lib/tenant-clients';
import { openDatabase } from '../prisma/database';
import { createAppDeps, meterZohoCalls } from './deps';
import { buildServer } from './server';
import { reconcileWorkflows } from './services/reconciler';
import { ensureMaintenanceSchedule } from '../lib/maintenance/schedule';

const config = parseConfig();
const log = createLogger(config.LOG_LEVEL, 'api');
if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
  log.fatal('start:api needs DATABASE_URL and TEMPORAL_ADDRESS (use `npm start` for the embedded setup).');
  process.exit(1);
}

const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
const dataConverter = temporalDataConverter(await payloadCodecFromConfig(config, { allowLocalKey: false }));
const temporal = await connectTemporalClient({ ...config, address: config.TEMPORAL_ADDRESS }, dataConverter);
const cipher = await cipherFromConfig(config, { allowLocalKey: false });
const zohoEndpoints = config.ZOHO_SANDBOX_URL ? sandboxZohoEndpoints(config.ZOHO_SANDBOX_URL) : defaultZohoEndpoints;
const clients = new TenantClients({ prisma: db.prisma, cipher, zohoEndpoints });
meterZohoCalls({ clients, prisma: db.prisma, config });
const deps = createAppDeps({ config, prisma: db.prisma, temporal, cipher, clients, zohoEndpoints });
const server = await buildServer(deps);

closeWithGrace({ delay: 25_000, logger: { error: (msg: unknown) => log.error({ msg }, 'graceful close') } }, async ({ signal, err }) => {
  if (err) log.error({ err }, 'closing after an unhandled error');
  else log.info({ signal }, 'closing');
  await server.close();
  await temporal.connection.close();
  await db.close();
});

await server.listen({ host: config.HOST, port: config.PORT });

// Bring Temporal in line with the database (a crash between a row change and its Temporal call, or a
// Temporal cluster that lost its state). Idempotent, so every replica may run it; it never blocks serving.
void reconcileWorkflows(deps)
  .then((r) => log.info({ running: r.running, stopped: r.stopped, failed: r.failed.length }, 'SCI workflows reconciled'))
  .catch((err: unknown) => log.warn({ err }, 'SCI workflow reconciliation failed; it runs again at the next start'));

// The hourly retention job (F39) runs as a Temporal Schedule; the first replica to start creates it.
void ensureMaintenanceSchedule(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE })
  .then((r) => log.info({ schedule: r }, 'retention schedule in place'))
  .catch((err: unknown) => log.warn({ err }, 'retention schedule could not be created; it is tried again at the next start'));
