// The production topology on one machine (`npm run cluster`, and the cluster fault tests): PostgreSQL, the
// full Temporal server on it (namespace and search attributes registered) with its Web UI, the product's
// database (migrated), the Zoho and Jira simulators, two worker processes, two API processes and haproxy as
// the one endpoint in front of the APIs. Every process except the simulators is a separate OS process with
// its own log file under `<dir>/logs`; the state lives under `<dir>` and survives a restart.
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { generateSecretsKey } from '../../lib/secrets/cipher';
import { migrateDatabase } from '../../prisma/database';
import type { ExchangeHook } from '../../sandbox/shared/exchange';
import { startSandbox, startSandboxHostPage, type Sandbox } from '../sandbox';
import { provisionClusterTools, type ClusterTools } from '../temporal/provision';
import { clusterPostgres, ensureRoleAndDatabase, type ClusterPostgres } from './postgres';
import { balancerProcess, httpReady, nodeEntry, pollingTaskQueue, serviceProcess, type ServiceProcess } from './processes';
import { registerNamespace, setupTemporalSchema, startUiServer, temporalServer, temporalServerModuleDir, TEMPORAL_DB_ROLE, type TemporalPorts, type TemporalServer, type UiServer } from './temporal';

/** Every port of the topology, as offsets from one base (`CLUSTER_PORT_BASE`, default 17000). */
export interface ClusterPorts {
  balancer: number;
  apis: number[];
  zoho: number;
  jira: number;
  hostPage: number;
  ui: number;
  balancerStats: number;
  /** haproxy's front of the codec endpoint for the Temporal UI (adds the codec token; 127.0.0.1 only). */
  codec: number;
  /** Per worker: its own metrics and the Temporal SDK's (Prometheus). */
  workerMetrics: { worker: number; sdk: number }[];
  postgres: number;
  temporal: TemporalPorts;
}

export const MAX_APIS = 4;
export const MAX_WORKERS = 4;
const PORT_SPAN = 40;
/**
 * Temporal keeps each service's membership port in a smallint column (`cluster_membership.rpc_port` on
 * PostgreSQL), so every port of the topology stays at or below 32767.
 */
export const MAX_PORT_BASE = 32_767 - PORT_SPAN;

export function clusterPorts(base: number, apis = 2, workers = 2): ClusterPorts {
  if (apis > MAX_APIS) throw new Error(`at most ${MAX_APIS} API processes`);
  if (workers > MAX_WORKERS) throw new Error(`at most ${MAX_WORKERS} worker processes`);
  if (base < 1024 || base > MAX_PORT_BASE) {
    throw new Error(`the cluster's port base must be between 1024 and ${MAX_PORT_BASE} (Temporal stores membership ports as smallint); got ${base}`);
  }
  return {
    balancer: base,
    apis: Array.from({ length: apis }, (_, i) => base + 1 + i),
    zoho: base + 10,
    jira: base + 11,
    hostPage: base + 12,
    ui: base + 13,
    balancerStats: base + 14,
    codec: base + 15,
    workerMetrics: Array.from({ length: workers }, (_, i) => ({ worker: base + 16 + i, sdk: base + 21 + i })),
    postgres: base + 20,
    temporal: {
      frontend: base + 30,
      frontendHttp: base + 31,
      history: base + 32,
      matching: base + 33,
      worker: base + 34,
      membership: { frontend: base + 35, history: base + 36, matching: base + 37, worker: base + 38 },
      metrics: base + 39,
    },
  };
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A base port whose whole span of ports is free on 127.0.0.1 (for tests: clusters side by side). */
export async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = randomInt(200, Math.floor(MAX_PORT_BASE / 50)) * 50;
    let free = true;
    for (let p = base; p < base + PORT_SPAN && free; p++) free = await portFree(p);
    if (free) return base;
  }
  throw new Error('no free block of ports found on 127.0.0.1');
}

export interface ClusterOptions {
  /** Where everything lives: postgres/, temporal/, ui/, logs/, secrets.key. */
  dir: string;
  ports: ClusterPorts;
  workers?: number;
  namespace?: string;
  taskQueue?: string;
  /** Start the Temporal Web UI server (default true). */
  ui?: boolean;
  /** Start the local page that hosts the admin page and the issue panel (default true). */
  hostPage?: boolean;
  /** Extra settings for the worker and API processes (e.g. a short SCI_POLL_INTERVAL in tests). */
  env?: Record<string, string>;
  /** Forge's wait between redeliveries of a failed event (the real Forge: 60 s). */
  forgeRetryDelayMs?: number;
  /** Every request/response pair the Jira simulator serves. */
  jiraOnExchange?: ExchangeHook;
  log?: (line: string) => void;
  /** Build the Temporal binaries gently (nice, one package at a time) when they are missing. */
  gentleBuild?: boolean;
}

export interface Cluster {
  dir: string;
  ports: ClusterPorts;
  namespace: string;
  taskQueue: string;
  /** The one endpoint in front of the API processes. */
  apiUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  /** The environment every worker and API process gets (secrets included: never print it). */
  processEnv: NodeJS.ProcessEnv;
  tools: ClusterTools;
  postgres: ClusterPostgres;
  temporal: TemporalServer;
  ui: UiServer | undefined;
  sandbox: Sandbox;
  hostPageUrl: string | undefined;
  workers: ServiceProcess[];
  apis: ServiceProcess[];
  balancer: ServiceProcess;
  /** Stops everything, in the reverse order of starting. */
  close(): Promise<void>;
}

export const PRODUCT_DB = { role: 'connector', database: 'connector' } as const;

/**
 * A secret made once and kept in `<dir>/<name>` (mode 600): the secrets key (sealed rows stay readable), the
 * Temporal payload key (histories stay readable) and the codec token survive a restart of the cluster.
 */
async function keptSecret(dir: string, name: string, make: () => string): Promise<string> {
  const file = path.join(dir, name);
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const value = make();
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  return value;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const namespace = opts.namespace ?? 'default';
  const taskQueue = opts.taskQueue ?? 'sci-sync';
  const ports = opts.ports;
  const dir = path.resolve(opts.dir);
  const logs = path.join(dir, 'logs');
  await mkdir(logs, { recursive: true });
  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  const close = async () => {
    for (const s of stops.splice(0).reverse()) {
      try {
        await s.stop();
      } catch (err) {
        log(`stopping ${s.name} failed: ${String(err)}`);
      }
    }
  };

  try {
    const tools = await provisionClusterTools(log, { gentle: opts.gentleBuild === true });

    log(`PostgreSQL on 127.0.0.1:${ports.postgres} (data in ${path.join(dir, 'postgres')})`);
    const postgres = clusterPostgres({ dir: path.join(dir, 'postgres'), port: ports.postgres });
    postgres.start();
    stops.push({ name: 'PostgreSQL', stop: async () => postgres.stop('fast') });
    await ensureRoleAndDatabase(postgres, TEMPORAL_DB_ROLE, TEMPORAL_DB_ROLE, { createdb: true, createDatabase: false });
    await ensureRoleAndDatabase(postgres, PRODUCT_DB.role, PRODUCT_DB.database);

    log('Temporal schema (temporal, temporal_visibility) with temporal-sql-tool');
    await setupTemporalSchema(tools, postgres, log);
    const temporal = await temporalServer({
      tools,
      moduleDir: await temporalServerModuleDir(),
      dir: path.join(dir, 'temporal'),
      pg: postgres,
      ports: ports.temporal,
      namespace,
    });
    log(`Temporal server on ${temporal.address}`);
    await temporal.start();
    stops.push({ name: 'Temporal server', stop: () => temporal.stop() });
    await registerNamespace(temporal.address, namespace, log);

    const databaseUrl = postgres.url(PRODUCT_DB.database, PRODUCT_DB.role);
    const applied = await migrateDatabase(databaseUrl);
    if (applied.length) log(`Applied database migrations: ${applied.join(', ')}`);

    const apiUrl = `http://127.0.0.1:${ports.balancer}`;
    const sandbox = await startSandbox({
      host: '127.0.0.1',
      zohoPort: ports.zoho,
      jiraPort: ports.jira,
      apiUrl,
      forgeAppId: process.env.FORGE_APP_ID ?? 'ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000000',
      ...(opts.forgeRetryDelayMs !== undefined ? { forgeRetryDelayMs: opts.forgeRetryDelayMs } : {}),
      ...(opts.jiraOnExchange ? { jiraOnExchange: opts.jiraOnExchange } : {}),
    });
    stops.push({ name: 'simulators', stop: () => sandbox.close() });

    // The UI decodes payloads in the browser through haproxy's codec front, which adds the token it cannot send.
    const codecToken = await keptSecret(dir, 'codec.token', () => randomBytes(32).toString('hex'));
    let ui: UiServer | undefined;
    if (opts.ui !== false) {
      ui = await startUiServer({
        tools,
        dir: path.join(dir, 'ui'),
        port: ports.ui,
        temporalAddress: temporal.address,
        namespace,
        codecEndpoint: `http://127.0.0.1:${ports.codec}/codec`,
      });
      stops.push({ name: 'Temporal UI', stop: () => ui!.stop() });
    }

    const processEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      DATA_DIR: dir,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      ...(ui ? { TEMPORAL_UI_URL: ui.url } : {}),
      SECRETS_KEY: await keptSecret(dir, 'secrets.key', generateSecretsKey),
      TEMPORAL_PAYLOAD_KEY: await keptSecret(dir, 'payload.key', () => randomBytes(32).toString('base64')),
      TEMPORAL_CODEC_TOKEN: codecToken,
      PUBLIC_URL: apiUrl,
      FORGE_APP_ID: sandbox.jira.appId,
      FORGE_JWKS_URL: sandbox.jwksUrl,
      ZOHO_SANDBOX_URL: sandbox.zohoUrl,
      SANDBOX: 'false',
      ...opts.env,
    };

    // Connects again by itself after a restart of the server (the fault tests restart it).
    const temporalConnection = await Connection.connect({ address: temporal.address });
    stops.push({ name: 'Temporal connection', stop: () => temporalConnection.close() });
    const workers = Array.from({ length: opts.workers ?? 2 }, (_, i) =>
      serviceProcess({
        name: `worker-${i + 1}`,
        ...nodeEntry('worker/main.ts'),
        env: {
          ...processEnv,
          ...(ports.workerMetrics[i] ? { WORKER_METRICS_PORT: String(ports.workerMetrics[i].worker), TEMPORAL_SDK_METRICS_PORT: String(ports.workerMetrics[i].sdk) } : {}),
        },
        logFile: path.join(logs, `worker-${i + 1}.log`),
        ready: pollingTaskQueue(temporalConnection, namespace, taskQueue),
      }),
    );
    const apis = ports.apis.map((port, i) =>
      serviceProcess({
        name: `api-${i + 1}`,
        ...nodeEntry('api/main.ts'),
        env: { ...processEnv, HOST: '127.0.0.1', PORT: String(port) },
        logFile: path.join(logs, `api-${i + 1}.log`),
        ready: httpReady(`http://127.0.0.1:${port}/healthz`),
      }),
    );
    for (const p of [...workers, ...apis]) stops.push({ name: p.name, stop: () => p.stop() });
    log(`Starting ${workers.length} workers and ${apis.length} API processes (logs in ${logs})`);
    // Started one after another: each bundles or loads the product's code, which takes a core for seconds.
    for (const p of [...workers, ...apis]) await p.start();

    const balancer = await balancerProcess({
      dir: logs,
      port: ports.balancer,
      upstreams: ports.apis.map((p) => `127.0.0.1:${p}`),
      statsPort: ports.balancerStats,
      codec: { port: ports.codec, token: codecToken },
    });
    await balancer.start();
    stops.push({ name: 'haproxy', stop: () => balancer.stop() });

    let hostPageUrl: string | undefined;
    if (opts.hostPage !== false) {
      const host = await startSandboxHostPage(sandbox, { host: '127.0.0.1', port: ports.hostPage, apiUrl });
      stops.push({ name: 'local host page', stop: () => host.close() });
      hostPageUrl = host.url;
    }

    return {
      dir,
      ports,
      namespace,
      taskQueue,
      apiUrl,
      databaseUrl,
      temporalAddress: temporal.address,
      processEnv,
      tools,
      postgres,
      temporal,
      ui,
      sandbox,
      hostPageUrl,
      workers,
      apis,
      balancer,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
