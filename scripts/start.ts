// `npm start`: the whole product on embedded defaults, in one process plus the Temporal dev server:
// Temporal (dev server with a persistent store in DATA_DIR), the Zoho and Jira simulators, the embedded
// database (PGlite, migrated), the worker and the API. Prints where to look; Ctrl-C stops everything.
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { defaultZohoEndpoints, sandboxZohoEndpoints } from '../clients/zoho';
import { parseConfig, type Config } from '../lib/config';
import { createLogger } from '../lib/logger';
import { cipherFromConfig } from '../lib/secrets';
import { connectTemporalClient } from '../lib/temporal/connection';
import { payloadCodecFromConfig, temporalDataConverter } from '../lib/temporal/data-converter';
import { ensureSearchAttributes } from '../lib/temporal/search-attributes';
import { TenantClients } from '../lib/tenant-clients';
import { migrateDatabase, openDatabase, type Database } from '../prisma/database';
import { installTemporalRuntimeMetrics, WorkerMetrics } from '../worker/metrics';
import { runWorker, type RunningWorker } from '../worker/run';
import { startApi, type RunningApi } from '../api/run';
import { startSandbox, startSandboxHostPage, type Sandbox } from './sandbox';
import { startDevServer, type DevServer } from './temporal/dev-server';
import { provisionTemporalCli } from './temporal/provision';

const log = createLogger(process.env.LOG_LEVEL ?? 'info', 'start');
const stops: { name: string; stop: () => Promise<unknown> }[] = [];

async function main(): Promise<void> {
  let config: Config = parseConfig();
  const dataDir = path.resolve(config.DATA_DIR);

  // 1. Temporal: an existing cluster, or our own dev server with its store in DATA_DIR.
  let temporalAddress = config.TEMPORAL_ADDRESS;
  let temporalUi = config.TEMPORAL_UI_URL;
  // The dev server's Web UI decodes payloads through the API's codec endpoint; that UI (on this machine, started
  // here) may call it without the codec token, which it has no way to send.
  const browserHost = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  let localTemporalUiOrigins: string[] | undefined;
  if (!temporalAddress) {
    const cli = await provisionTemporalCli((line) => log.info(line));
    const server: DevServer = await startDevServer({
      cli,
      port: config.TEMPORAL_DEV_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      dbFile: path.join(dataDir, 'temporal', 'dev.db'),
      uiCodecEndpoint: `http://${browserHost}:${config.PORT}/codec`,
      startTimeoutMs: 120_000,
    });
    stops.push({ name: 'Temporal dev server', stop: () => server.stop() });
    temporalAddress = server.address;
    temporalUi ??= server.uiUrl;
    if (server.uiUrl) {
      const ui = new URL(server.uiUrl);
      localTemporalUiOrigins = [...new Set([ui.origin, `http://localhost:${ui.port}`, `http://127.0.0.1:${ui.port}`])];
    }
  }

  // 2. The sandbox: simulators of Zoho CRM and Jira Cloud (F37).
  let zohoEndpoints = config.ZOHO_SANDBOX_URL ? sandboxZohoEndpoints(config.ZOHO_SANDBOX_URL) : defaultZohoEndpoints;
  let sandbox: Sandbox | undefined;
  if (config.SANDBOX) {
    const started = await startSandbox({
      host: config.HOST,
      zohoPort: config.SANDBOX_ZOHO_PORT,
      jiraPort: config.SANDBOX_JIRA_PORT,
      apiUrl: `http://${config.HOST}:${config.PORT}`,
      forgeAppId: config.FORGE_APP_ID,
    });
    stops.push({ name: 'simulators', stop: () => started.close() });
    sandbox = started;
    zohoEndpoints = started.zohoEndpoints;
    // The sandbox's Forge signs FITs with its own key: trust its JWKS, here and only here.
    if (!process.env.FORGE_JWKS_URL) config = { ...config, FORGE_JWKS_URL: started.jwksUrl };
  }

  // 3. Database: embedded PGlite unless DATABASE_URL is set; migrations applied before anything uses it.
  const db: Database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir, logger: { info: (m) => log.info(m), error: (m) => log.error(m) } });
  stops.push({ name: 'database', stop: () => db.close() });
  await migrateDatabase(db, { logger: { info: (m) => log.info(m), error: (m) => log.error(m) } });

  // 4. Shared dependencies of the worker and the API.
  const cipher = await cipherFromConfig(config, { allowLocalKey: true });
  const clients = new TenantClients({ prisma: db.prisma, cipher, zohoEndpoints });
  const settings = { ...config, address: temporalAddress };
  const dataConverter = temporalDataConverter(await payloadCodecFromConfig(config, { allowLocalKey: true }));
  const temporal = await connectTemporalClient(settings, dataConverter);
  stops.push({ name: 'Temporal client', stop: () => temporal.connection.close() });
  await ensureSearchAttributes(temporal, config.TEMPORAL_NAMESPACE);

  // 5. Worker and API in this one process (PGlite allows one owner).
  // Metrics listeners only when their ports are set (README, Operations); the SDK's before any native connection.
  if (config.TEMPORAL_SDK_METRICS_PORT) installTemporalRuntimeMetrics(config.WORKER_METRICS_HOST, config.TEMPORAL_SDK_METRICS_PORT);
  const metrics = config.WORKER_METRICS_PORT ? new WorkerMetrics() : undefined;
  if (metrics && config.WORKER_METRICS_PORT) {
    const served = await metrics.serve(config.WORKER_METRICS_HOST, config.WORKER_METRICS_PORT);
    stops.push({ name: 'worker metrics', stop: () => served.close() });
  }
  const workerConnection = await NativeConnection.connect({ address: temporalAddress });
  const worker: RunningWorker = await runWorker({
    config,
    connection: workerConnection,
    prisma: db.prisma,
    clients,
    cipher,
    dataConverter,
    metrics,
    log: createLogger(config.LOG_LEVEL, 'worker'),
  });
  stops.push({ name: 'worker', stop: async () => { await worker.stop(); await workerConnection.close(); } });
  const api: RunningApi = await startApi({ config, prisma: db.prisma, temporal, cipher, clients, zohoEndpoints, temporalUiUrl: temporalUi, localTemporalUiOrigins });
  stops.push({ name: 'API', stop: () => api.close() });

  // 6. The local host page (F37): the admin page and a sandbox issue with the panel, as Jira shows them.
  let hostUrl: string | undefined;
  if (sandbox) {
    const host = await startSandboxHostPage(sandbox, { port: config.SANDBOX_HOST_PORT, host: config.HOST, apiUrl: api.url });
    stops.push({ name: 'local host page', stop: () => host.close() });
    hostUrl = host.url;
  }

  const lines = [
    '',
    'Zoho CRM Connector for Jira is running.',
    ...(hostUrl ? [`  Try it          ${hostUrl}   (admin page and a Jira issue with the panel)`] : []),
    `  API             ${api.url}`,
    `  API docs        ${api.url}/docs`,
    `  Health          ${api.url}/healthz`,
    ...(temporalUi ? [`  Temporal UI     ${temporalUi}`] : []),
    `  Temporal        ${temporalAddress}`,
    ...(sandbox ? [`  Zoho simulator  ${sandbox.zohoUrl}`, `  Jira simulator  ${sandbox.jiraUrl}`] : []),
    `  Data            ${dataDir}`,
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

let stopping = false;
async function shutdown(signal: string, code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  for (const s of stops.reverse()) {
    try {
      await s.stop();
    } catch (err) {
      log.error({ err, component: s.name }, 'stop failed');
    }
  }
  process.exit(code);
}

process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

main().catch(async (err: unknown) => {
  log.fatal({ err }, 'start failed');
  await shutdown('error', 1);
});
