// The sync engine's test stack: the API test app's real dependencies (database, Temporal, simulators) plus a
// worker running the real activities. The shared core (./sci-stack.ts) connects the tenant to Zoho and
// creates SCIs through the API; this adapter calls that API through `app.inject()` with an admin FIT and
// runs the worker in this process (or leaves it to the test, which then runs workers as child processes).
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { createJiraClient, type JiraClient } from '../../clients/jira';
import { createZohoClient, createZohoOAuth, memoryTokenStore, ZOHO_APP_SCOPES, type ZohoClient } from '../../clients/zoho';
import { createSyncActivities } from '../../activities';
import { createTestApp, type TestApp } from '../../api/test/helper';
import { createLogger } from '../../lib/logger';
import type { Tenant } from '../../prisma/generated/client';
import { createSciWorker } from '../../worker/create-worker';
import { injectAdminApi, startApiReplica } from './admin-api';
import { connectAppOAuth, sciStack, type SciStack } from './sci-stack';

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed by another module of this process
  }
}

/** A worker in this process running the real activities on the test app's task queue. */
export async function startInProcessWorker(t: TestApp): Promise<{ worker: Worker; stop(): Promise<void> }> {
  const worker = await createSciWorker({
    connection: t.temporal.nativeConnection,
    dataConverter: t.temporal.dataConverter,
    namespace: 'default',
    taskQueue: t.temporal.taskQueue,
    activities: createSyncActivities({ prisma: t.db.prisma, clients: t.deps.clients, cipher: t.deps.cipher, log: createLogger('silent', 'worker') }),
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

export interface SyncStack extends SciStack {
  t: TestApp;
  tenant: Tenant;
  /** A Jira client acting as a person on the simulator's site (for edits the connector must notice). */
  jira: JiraClient;
  /** A Zoho client acting as a person in the simulator's org. */
  zoho: ZohoClient;
  worker: Worker | undefined;
  close(): Promise<void>;
}

export interface SyncStackOptions {
  /** The API test app; its `env` holds the deployment settings (e.g. SCI_HEARTBEAT_TIMEOUT) every SCI's workflow gets. */
  app?: Parameters<typeof createTestApp>[0];
  /** Run the worker in this process (default); false when the test runs workers as child processes. */
  inProcessWorker?: boolean;
}

export async function startSyncStack(opts: SyncStackOptions = {}): Promise<SyncStack> {
  quietRuntime();
  const t = await createTestApp(opts.app);
  const tenant = await t.tenant();
  const zohoSim = t.zoho!;
  const headers = () => t.headers();
  const core = sciStack({
    api: injectAdminApi(t.app, headers),
    replica: (settings) =>
      startApiReplica(
        { prisma: t.db.prisma, temporal: t.temporal.client, cipher: t.deps.cipher, clients: t.deps.clients, zohoEndpoints: t.zohoEndpoints, taskQueue: t.temporal.taskQueue },
        t.env,
        settings,
        headers,
      ),
    prisma: t.db.prisma,
    temporal: t.temporal.client,
  });
  await connectAppOAuth(injectAdminApi(t.app, headers), zohoSim);

  const inProcess = opts.inProcessWorker === false ? undefined : await startInProcessWorker(t);
  const worker = inProcess?.worker;

  // People editing by hand on each side.
  const jira = createJiraClient({ baseUrl: t.jira.url, auth: { type: 'basic', ...t.jira.basicAuth } });
  const personTokens = await createZohoOAuth({ credentials: zohoSim.demoClient, endpoints: t.zohoEndpoints }).exchangeGrantCode({
    dc: 'us',
    code: zohoSim.mintGrantCode({ scopes: ZOHO_APP_SCOPES }),
  });
  const zoho = createZohoClient({ credentials: zohoSim.demoClient, tokenStore: memoryTokenStore(personTokens), endpoints: t.zohoEndpoints });

  return {
    t,
    tenant,
    jira,
    zoho,
    worker,
    createSci: core.createSci,
    status: core.status,
    eventually: core.eventually,
    syncNow: core.syncNow,
    async close() {
      await inProcess?.stop();
      await core.closeReplicas();
      await t.close();
    },
  };
}
