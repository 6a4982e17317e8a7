// The whole product on loopback for the benchmarks: a Temporal dev server of its own, a private PostgreSQL,
// the Zoho and Jira simulators, the API listening on a real port (Forge deliveries and Zoho callbacks reach
// it over HTTP) and the production worker (`worker/main.ts`) as a child process, so its CPU and memory are
// its own. The shared core (test/support/sci-stack.ts) connects the tenant to Zoho and creates SCIs through
// that API over HTTP, with an admin FIT signed for the installation, as the test stack does through inject.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createJiraClient, type JiraClient } from '../clients/jira';
import { buildServer } from '../api/server';
import { createAppDeps, type AppDeps } from '../api/deps';
import { parseConfig, type Config } from '../lib/config';
import { generateSecretsKey, SecretCipher } from '../lib/secrets/cipher';
import { temporalDataConverter } from '../lib/temporal/data-converter';
import { AesGcmPayloadCodec, generatePayloadKey } from '../lib/temporal/payload-codec';
import { TenantClients } from '../lib/tenant-clients';
import { migrateDatabase, openDatabase, type Database } from '../prisma/database';
import type { Tenant } from '../prisma/generated/client';
import { fitClaimsFor, SANDBOX_HUMAN, signForgeInvocationToken, startJiraSimulator, type InstallationInfo, type JiraSimulator } from '../sandbox/jira';
import { startZohoSimulator, type ZohoSimulator } from '../sandbox/zoho';
import { startDevServer, type DevServer } from '../scripts/temporal/dev-server';
import { provisionTemporalCli } from '../scripts/temporal/provision';
import { startTestPostgres } from '../test/support/postgres';
import { freePort } from '../test/support/ports';
import { httpAdminApi, startApiReplica } from '../test/support/admin-api';
import { connectAppOAuth, sciStack, type SciStack } from '../test/support/sci-stack';
import { startDelayProxy, startEventRelay, type DelayProxy, type EventRelay } from './latency-proxy';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TASK_QUEUE = 'bench-sci-sync';

export interface BenchStack {
  config: Config;
  cipher: SecretCipher;
  deps: AppDeps;
  db: Database;
  temporal: { server: DevServer; client: Client; address: string };
  zoho: ZohoSimulator;
  jira: JiraSimulator;
  /** Delays every Jira call by `jiraProxy.delayMs` on its way to the simulator (realistic run). */
  jiraProxy: DelayProxy;
  /** Re-signs Forge deliveries for the proxied installation (realistic run), then hands them to the API. */
  eventRelay: EventRelay;
  api: FastifyInstance;
  apiUrl: string;
  tenant: Tenant;
  /** A person on the Jira site (Basic auth, straight to the simulator). */
  jiraPerson: JiraClient;
  worker(): ChildProcess | undefined;
  startWorker(): Promise<ChildProcess>;
  stopWorker(): Promise<void>;
  /**
   * A production API process (`api/main.ts`) of its own, on the same database and Temporal, as a replica
   * behind a load balancer would run: P6 measures it without the benchmark's own load in its event loop.
   */
  startApiProcess(env?: Record<string, string>): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }>;
  /**
   * Linked records whose attachment lists the worker's sweep reads per poll of an SCI with attachment sync
   * (`ZOHO_ATTACHMENT_SWEEP_PER_POLL`, given to the worker explicitly so P3's expectation uses the same figure).
   */
  attachmentSweepPerPoll: number;
  /** Vendor latency: Zoho through the simulator's own knob, Jira through the delay proxy. */
  setLatency(l: { zohoMs: number; jiraMs: number }): Promise<void>;
  /** Through the listening API; returns at once (does not wait for the first run). */
  createSci: SciStack['createSci'];
  status: SciStack['status'];
  close(): Promise<void>;
}

export async function startBenchStack(log: (line: string) => void): Promise<BenchStack> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const dir = await mkdtemp(path.join(tmpdir(), 'bench-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));

    log('starting Temporal dev server and PostgreSQL');
    const cli = await provisionTemporalCli(log);
    const [server, pg] = await Promise.all([
      (async () => startDevServer({ cli, port: await freePort(), dbFile: path.join(dir, 'temporal.db'), startTimeoutMs: 120_000 }))(),
      startTestPostgres(),
    ]);
    closers.push(() => server.stop());
    closers.push(() => pg.stop());
    const dbUrl = new URL(pg.url);
    dbUrl.pathname = '/postgres';
    await migrateDatabase(dbUrl.toString());
    const db = await openDatabase({ databaseUrl: dbUrl.toString(), dataDir: dir });
    closers.push(() => db.close());
    const connection = await Connection.connect({ address: server.address });
    closers.push(() => connection.close());
    const payloadKey = generatePayloadKey();
    const client = new Client({ connection, namespace: 'default', dataConverter: temporalDataConverter(new AesGcmPayloadCodec(payloadKey)) });

    log('starting simulators and the API');
    const apiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const eventRelay = await startEventRelay(`${apiUrl}/api/v1/events/jira`);
    closers.push(() => eventRelay.close());
    const jira = await startJiraSimulator({ port: 0, forge: { eventUrl: `${apiUrl}/api/v1/events/jira`, retryDelayMs: 200 } });
    closers.push(() => jira.close());
    const jiraProxy = await startDelayProxy(jira.url);
    closers.push(() => jiraProxy.close());
    // Zoho's rolling credit allowance is irrelevant here; its concurrency limit (20) stays as in Zoho.
    const zoho = await startZohoSimulator({ port: 0, creditsPerDay: 100_000_000, refreshesPer10Min: 0 });
    closers.push(() => zoho.close());

    const env: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      FORGE_APP_ID: jira.appId,
      FORGE_JWKS_URL: `${jira.url}/.well-known/jwks.json`,
      SECRETS_KEY: generateSecretsKey(),
      TEMPORAL_PAYLOAD_KEY: payloadKey,
      PUBLIC_URL: apiUrl,
      DATABASE_URL: dbUrl.toString(),
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      // SCIs poll only where a benchmark asks them to (CreateSciOptions.settings).
      SCI_POLL_INTERVAL: '1h',
      ZOHO_SANDBOX_URL: zoho.url,
    };
    const config = parseConfig(env);
    const cipher = new SecretCipher(config.SECRETS_KEY!);
    const clients = new TenantClients({ prisma: db.prisma, cipher, zohoEndpoints: zoho.endpoints, zohoTimeoutMs: 30_000 });
    const deps = createAppDeps({ config, prisma: db.prisma, temporal: client, cipher, clients, zohoEndpoints: zoho.endpoints, taskQueue: TASK_QUEUE });
    const api = await buildServer(deps);
    await api.listen({ host: '127.0.0.1', port: apiPort });
    closers.push(() => api.close());

    // The Jira site's admin on the admin page: FITs carry the installation's current apiBaseUrl (see
    // setLatency), as Forge's do. The first call creates the tenant, as on a site's first Forge call.
    let adminApiBase = jira.apiBaseUrl;
    const installation = (apiBaseUrl: string): InstallationInfo => ({ ...jira.installation(), apiBaseUrl });
    const adminHeaders = async () => ({
      authorization: `Bearer ${await signForgeInvocationToken(fitClaimsFor(installation(adminApiBase), { principal: SANDBOX_HUMAN.accountId }))}`,
      'x-forge-oauth-system': jira.systemToken,
    });
    const core = sciStack({
      api: httpAdminApi(apiUrl, adminHeaders),
      replica: (settings) =>
        startApiReplica({ prisma: db.prisma, temporal: client, cipher, clients, zohoEndpoints: zoho.endpoints, taskQueue: TASK_QUEUE }, env, settings, adminHeaders),
      prisma: db.prisma,
      temporal: client,
    });
    closers.push(() => core.closeReplicas());
    await connectAppOAuth(httpAdminApi(apiUrl, adminHeaders), zoho);
    const tenant = await db.prisma.tenant.findFirstOrThrow({ where: { cloudId: jira.cloudId } });

    const attachmentSweepPerPoll = Number(process.env.ZOHO_ATTACHMENT_SWEEP_PER_POLL ?? 3);
    let child: ChildProcess | undefined;
    const stopWorker = async () => {
      const c = child;
      child = undefined;
      if (c) await stopChild(c);
    };
    closers.push(stopWorker);
    const startWorker = async () => {
      await stopWorker();
      const c = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'worker', 'main.ts')], {
        cwd: repoRoot,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          DATABASE_URL: config.DATABASE_URL,
          TEMPORAL_ADDRESS: server.address,
          TEMPORAL_TASK_QUEUE: TASK_QUEUE,
          SECRETS_KEY: config.SECRETS_KEY,
          TEMPORAL_PAYLOAD_KEY: config.TEMPORAL_PAYLOAD_KEY,
          ZOHO_SANDBOX_URL: zoho.url,
          ZOHO_ATTACHMENT_SWEEP_PER_POLL: String(attachmentSweepPerPoll),
          PUBLIC_URL: apiUrl,
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child = c;
      return c;
    };

    const startApiProcess = async (extraEnv: Record<string, string> = {}) => {
      const port = await freePort();
      const c = spawn(process.execPath, [...(process.env.BENCH_API_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_API_PROF] : []), '--import', 'tsx', path.join(repoRoot, 'api', 'main.ts')], {
        cwd: repoRoot,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          PORT: String(port),
          DATABASE_URL: config.DATABASE_URL,
          TEMPORAL_ADDRESS: server.address,
          TEMPORAL_TASK_QUEUE: TASK_QUEUE,
          SECRETS_KEY: config.SECRETS_KEY,
          TEMPORAL_PAYLOAD_KEY: config.TEMPORAL_PAYLOAD_KEY,
          FORGE_APP_ID: config.FORGE_APP_ID,
          FORGE_JWKS_URL: config.FORGE_JWKS_URL,
          ZOHO_SANDBOX_URL: zoho.url,
          PUBLIC_URL: apiUrl,
          LOG_LEVEL: 'warn',
          ...extraEnv,
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const stop = () => stopChild(c);
      closers.push(stop);
      const url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (c.exitCode !== null) throw new Error(`api/main.ts exited (${c.exitCode}) before it answered`);
        const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
        if (ok) break;
        if (Date.now() > deadline) throw new Error('api/main.ts did not answer /healthz within 60 s');
        await new Promise((r) => setTimeout(r, 200));
      }
      return { url, child: c, stop };
    };

    const setLatency = async (l: { zohoMs: number; jiraMs: number }) => {
      zoho.setFaults({ latencyMs: l.zohoMs });
      jiraProxy.delayMs = l.jiraMs;
      // The worker reaches Jira at the tenant's apiBaseUrl: the proxy when Jira calls should be slow.
      const base = l.jiraMs > 0 ? `${jiraProxy.url}/ex/jira/${jira.cloudId}` : jira.apiBaseUrl;
      await db.prisma.tenant.update({ where: { id: tenant.id }, data: { apiBaseUrl: base } });
      adminApiBase = base;
      // Forge deliveries carry the installation's apiBaseUrl (and the API stores it): the relay re-signs
      // them with the proxied one, so the next event does not point the tenant back at the simulator.
      eventRelay.resign = l.jiraMs > 0 ? (exp) => signForgeInvocationToken(fitClaimsFor(installation(base)), { expiresInSeconds: exp }) : undefined;
      jira.setEventUrl(l.jiraMs > 0 ? eventRelay.url : `${apiUrl}/api/v1/events/jira`);
    };

    return {
      config,
      cipher,
      deps,
      db,
      temporal: { server, client, address: server.address },
      zoho,
      jira,
      jiraProxy,
      eventRelay,
      api,
      apiUrl,
      tenant,
      jiraPerson: createJiraClient({ baseUrl: jira.url, auth: { type: 'basic', ...jira.basicAuth } }),
      worker: () => child,
      startWorker,
      stopWorker,
      startApiProcess,
      attachmentSweepPerPoll,
      setLatency,
      status: core.status,
      createSci: (def, opts) => core.createSci(def, { waitForFirstRun: false, ...opts }),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** SIGTERM (graceful shutdown), SIGKILL if it is still there after 15 s; resolves once the process is gone. */
async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
  c.kill('SIGTERM');
  const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(timer);
}

/** A short unique label. */
export const tag = () => randomUUID().slice(0, 8);
