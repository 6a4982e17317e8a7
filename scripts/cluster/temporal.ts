// The cluster's Temporal: the full server (all four services in one process) on PostgreSQL, its schema set up
// by Temporal's own SQL tool, the namespace and the product's search attributes registered, and the
// standalone Web UI server pointed at it. The server's configuration is derived from the module's own
// `config/development-postgres12.yaml` (ports, database address and roles, log file, dynamic config).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { ensureSearchAttributes } from '../../lib/temporal/search-attributes';
import { SCI_TENANT } from '../../workflows/search-attributes';
import type { ClusterTools } from '../temporal/provision';
import { TEMPORAL_SERVER_VERSION } from '../temporal/version';
import type { ClusterPostgres } from './postgres';

const execFileAsync = promisify(execFile);

export const TEMPORAL_DATABASES = { default: 'temporal', visibility: 'temporal_visibility' } as const;
export const TEMPORAL_DB_ROLE = 'temporal';

export interface TemporalPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  /** Ringpop membership, one per service. */
  membership: { frontend: number; history: number; matching: number; worker: number };
  /** The server's Prometheus metrics (`/metrics`). */
  metrics: number;
}

/** Where the Go toolchain keeps the server module (downloaded if need be): its config/ and schema/ are read. */
export async function temporalServerModuleDir(): Promise<string> {
  const go = process.env.GO ?? 'go';
  const { stdout } = await execFileAsync(go, ['mod', 'download', '-json', `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`], {
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/local/go/bin`, GOFLAGS: '-mod=mod' },
  }).catch((err: unknown) => {
    throw new Error(
      `Could not locate go.temporal.io/server@v${TEMPORAL_SERVER_VERSION} with \`go mod download\` (${String(err)}). ` +
        'Install Go and run `npm run temporal:provision -- --cluster` once.',
    );
  });
  const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go mod download printed no Dir for go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`);
  return dir;
}

/**
 * Creates `temporal` and `temporal_visibility` (owned by the `temporal` role) and brings both schemas to the
 * version this server expects: `setup-schema -v 0.0` the first time, then `update-schema` (a no-op when up to
 * date). The schemas are the ones embedded in the tool (`postgresql/v12/...`, the module's schema/ folder).
 */
export async function setupTemporalSchema(tools: ClusterTools, pg: ClusterPostgres, log: (line: string) => void): Promise<void> {
  const base = ['--plugin', 'postgres12', '--endpoint', '127.0.0.1', '--port', String(pg.port), '--user', TEMPORAL_DB_ROLE];
  for (const [kind, database] of Object.entries(TEMPORAL_DATABASES)) {
    const schemaName = `postgresql/v12/${kind === 'default' ? 'temporal' : 'visibility'}`;
    const exists = await pg.admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1);
    const sql = (...args: string[]) => execFileAsync(tools['temporal-sql-tool'], [...base, '--database', database, ...args]);
    if (!exists) {
      log(`Creating ${database} with temporal-sql-tool`);
      await sql('create-database');
      await sql('setup-schema', '-v', '0.0');
    }
    await sql('update-schema', '--schema-name', schemaName);
  }
}

export interface TemporalServerOptions {
  tools: ClusterTools;
  moduleDir: string;
  /** Holds the rendered config and the server's log. */
  dir: string;
  pg: ClusterPostgres;
  ports: TemporalPorts;
  namespace: string;
}

export interface TemporalServer {
  address: string;
  metricsUrl: string;
  logFile: string;
  start(): Promise<void>;
  /** SIGTERM, then SIGKILL after 20 s. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown at all. */
  kill(): Promise<void>;
}

const sqlStore = z.looseObject({
  sql: z.looseObject({ databaseName: z.string(), connectAddr: z.string(), user: z.string(), password: z.string(), maxConns: z.number(), maxIdleConns: z.number() }),
});
const service = z.looseObject({ rpc: z.looseObject({ grpcPort: z.number(), membershipPort: z.number(), httpPort: z.number().optional() }) });
/** The parts of the server's development-postgres12.yaml that the cluster changes; everything else is kept as it is. */
const serverConfigSchema = z.looseObject({
  log: z.looseObject({}),
  persistence: z.looseObject({ datastores: z.looseObject({ 'postgres-default': sqlStore, 'postgres-visibility': sqlStore }) }),
  global: z.looseObject({
    pprof: z.looseObject({ port: z.number() }),
    metrics: z.looseObject({ prometheus: z.looseObject({ listenAddress: z.string() }) }),
  }),
  services: z.looseObject({ frontend: service, history: service, matching: service, worker: service }),
  clusterMetadata: z.looseObject({ clusterInformation: z.looseObject({ active: z.looseObject({ rpcAddress: z.string() }) }) }),
  archival: z.unknown(),
  namespaceDefaults: z.unknown(),
  dynamicConfigClient: z.looseObject({ filepath: z.string(), pollInterval: z.string() }),
});

/** Renders `<dir>/config/cluster.yaml` from the module's development-postgres12.yaml. */
export async function writeServerConfig(opts: TemporalServerOptions): Promise<string> {
  const source = path.join(opts.moduleDir, 'config', 'development-postgres12.yaml');
  const cfg = serverConfigSchema.parse(parse(await readFile(source, 'utf8')));
  const configDir = path.join(opts.dir, 'config');
  await mkdir(configDir, { recursive: true });

  cfg.log = { stdout: false, level: 'warn', outputFile: path.join(opts.dir, 'temporal-server.log') };
  for (const [store, database] of [['postgres-default', TEMPORAL_DATABASES.default], ['postgres-visibility', TEMPORAL_DATABASES.visibility]] as const) {
    const sql = cfg.persistence.datastores[store].sql;
    sql.databaseName = database;
    sql.connectAddr = `127.0.0.1:${opts.pg.port}`;
    sql.user = TEMPORAL_DB_ROLE;
    sql.password = '';
  }
  cfg.persistence.datastores['postgres-visibility'].sql.maxConns = 10;
  cfg.persistence.datastores['postgres-visibility'].sql.maxIdleConns = 10;
  // pprof stays off (port 0); metrics move to their own port.
  cfg.global.pprof.port = 0;
  cfg.global.metrics.prometheus.listenAddress = `127.0.0.1:${opts.ports.metrics}`;
  const { frontend, history, matching, worker } = cfg.services;
  Object.assign(frontend.rpc, { grpcPort: opts.ports.frontend, httpPort: opts.ports.frontendHttp, membershipPort: opts.ports.membership.frontend });
  Object.assign(history.rpc, { grpcPort: opts.ports.history, membershipPort: opts.ports.membership.history });
  Object.assign(matching.rpc, { grpcPort: opts.ports.matching, membershipPort: opts.ports.membership.matching });
  Object.assign(worker.rpc, { grpcPort: opts.ports.worker, membershipPort: opts.ports.membership.worker });
  cfg.clusterMetadata.clusterInformation.active.rpcAddress = `127.0.0.1:${opts.ports.frontend}`;
  // Archival writes to /tmp in the development file; a topology of one machine does without it.
  cfg.archival = { history: { state: 'disabled' }, visibility: { state: 'disabled' } };
  cfg.namespaceDefaults = { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } };

  // The module's dynamic config for SQL stores (Worker Deployments, multi-operation for update-with-start, …).
  const dynamic = path.join(configDir, 'dynamicconfig.yaml');
  await copyFile(path.join(opts.moduleDir, 'config', 'dynamicconfig', 'development-sql.yaml'), dynamic);
  cfg.dynamicConfigClient = { filepath: dynamic, pollInterval: '10s' };

  const file = path.join(configDir, 'cluster.yaml');
  await writeFile(file, `# Rendered by scripts/cluster/temporal.ts from ${source}\n${stringify(cfg)}`);
  return file;
}

async function reachable(address: string, namespace?: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      if (namespace) await connection.workflowService.describeNamespace({ namespace });
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, child?: () => ChildProcess | undefined, tail?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const c = child?.();
    if (c && c.exitCode !== null) throw new Error(`${what}: the process exited with code ${c.exitCode}\n${tail?.() ?? ''}`);
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms\n${tail?.() ?? ''}`);
}

export async function temporalServer(opts: TemporalServerOptions): Promise<TemporalServer> {
  await writeServerConfig(opts);
  const address = `127.0.0.1:${opts.ports.frontend}`;
  const logFile = path.join(opts.dir, 'temporal-server.log');
  const stdoutFile = path.join(opts.dir, 'temporal-server.out');
  let child: ChildProcess | undefined;
  let tail = '';
  const exited = (c: ChildProcess) => new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) resolve();
    else c.once('exit', () => resolve());
  });
  const server: TemporalServer = {
    address,
    metricsUrl: `http://127.0.0.1:${opts.ports.metrics}/metrics`,
    logFile,
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) return;
      const out = createWriteStream(stdoutFile, { flags: 'a' });
      child = spawn(opts.tools['temporal-server'], ['--root', opts.dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.pipe(out);
      child.stderr!.on('data', (chunk: Buffer) => {
        tail = (tail + chunk.toString()).slice(-4000);
        out.write(chunk);
      });
      // The server logs to its file; the last error lines there say why a start failed.
      const errors = () => {
        const lines = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter((l) => /"level":"(error|fatal)"/.test(l)) : [];
        return `${tail}\n${lines.slice(-3).map((l) => l.slice(0, 600)).join('\n')}\n(log: ${logFile})`;
      };
      await waitFor(`Temporal server at ${address}`, () => reachable(address), 180_000, () => child, errors);
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = exited(c);
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 20_000);
      await gone;
      clearTimeout(timer);
    },
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = exited(c);
      c.kill('SIGKILL');
      await gone;
    },
  };
  return server;
}

/**
 * Registers the namespace (3 days' retention) unless it exists, then the SCI search attributes, and waits
 * until the frontend accepts a visibility query on them (its namespace and search-attribute caches refresh
 * on their own schedule after a registration).
 */
export async function registerNamespace(address: string, namespace: string, log: (line: string) => void): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    try {
      await connection.workflowService.describeNamespace({ namespace });
    } catch {
      log(`Registering namespace ${namespace}`);
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') }).catch((err: { code?: number }) => {
        if (err.code !== 6) throw err; // ALREADY_EXISTS: another start registered it first
      });
    }
    const client = new Client({ connection, namespace });
    await waitFor(
      `search attributes on ${namespace}`,
      async () => {
        try {
          await ensureSearchAttributes(client, namespace);
          await connection.workflowService.countWorkflowExecutions({ namespace, query: `${SCI_TENANT.name} = 'ready-check'` });
          return true;
        } catch {
          return false;
        }
      },
      120_000,
    );
  } finally {
    await connection.close();
  }
}

export interface UiServerOptions {
  tools: ClusterTools;
  dir: string;
  port: number;
  temporalAddress: string;
  namespace: string;
  /** A payload codec endpoint for the UI (the API's, once it serves one). */
  codecEndpoint?: string;
}

export interface UiServer {
  url: string;
  stop(): Promise<void>;
}

/** The Temporal Web UI server (temporalio/ui-server, built like the CLI), with its config in `<dir>/config`. */
export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const configDir = path.join(opts.dir, 'config');
  await mkdir(configDir, { recursive: true });
  const cfg = {
    temporalGrpcAddress: opts.temporalAddress,
    host: '127.0.0.1',
    port: opts.port,
    enableUi: true,
    defaultNamespace: opts.namespace,
    notifyOnNewVersion: false,
    refreshInterval: '0s',
    cors: { cookieInsecure: true, allowOrigins: [`http://127.0.0.1:${opts.port}`, `http://localhost:${opts.port}`] },
    codec: { endpoint: opts.codecEndpoint ?? '' },
  };
  await writeFile(path.join(configDir, 'cluster.yaml'), `# Rendered by scripts/cluster/temporal.ts\n${stringify(cfg)}`);
  const out = createWriteStream(path.join(opts.dir, 'ui-server.log'), { flags: 'a' });
  const child = spawn(opts.tools['temporal-ui-server'], ['--root', opts.dir, '--config', 'config', '--env', 'cluster', 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const url = `http://127.0.0.1:${opts.port}`;
  await waitFor(
    `Temporal UI at ${url}`,
    async () => {
      try {
        return (await fetch(`${url}/api/v1/settings`)).ok;
      } catch {
        return false;
      }
    },
    60_000,
    () => child,
  );
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

export { reachable as temporalReachable };
