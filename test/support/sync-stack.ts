// The sync engine's test stack: the API test app's real dependencies (database, Temporal, simulators) plus a
// worker running the real activities, a tenant connected to Zoho with App OAuth 2.0 through the real
// grant-code exchange, and helpers to create SCIs and wait for their workflows.
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { createJiraClient, type JiraClient } from '../../clients/jira';
import { createZohoClient, createZohoOAuth, memoryTokenStore, ZOHO_APP_SCOPES, type ZohoClient } from '../../clients/zoho';
import { createSyncActivities } from '../../activities';
import { createTestApp, type TestApp } from '../../api/test/helper';
import { createLogger } from '../../lib/logger';
import { sciDefinitionSchema, type SciDefinitionInput } from '../../lib/sci/definition';
import { sealTo } from '../../lib/tenant-clients';
import type { SmartConnectedItem, Tenant } from '../../prisma/generated/client';
import { statusQuery, type SciStatus, type SciWorkflowInput } from '../../workflows/messages';
import { sciWorkflow } from '../../workflows/sci-workflow';
import { createSciWorker } from '../../worker/create-worker';

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

export interface SyncStack {
  t: TestApp;
  tenant: Tenant;
  /** A Jira client acting as a person on the simulator's site (for edits the connector must notice). */
  jira: JiraClient;
  /** A Zoho client acting as a person in the simulator's org. */
  zoho: ZohoClient;
  worker: Worker | undefined;
  /** Creates the SCI row and starts its workflow (with extra workflow input, e.g. a short heartbeat timeout). */
  createSci(def: SciDefinitionInput, workflowInput?: Partial<SciWorkflowInput>, waitForFirstRun?: boolean): Promise<SmartConnectedItem>;
  status(sci: SmartConnectedItem): Promise<SciStatus>;
  /** Polls `fn` until `ok` holds (or fails with the last value after the timeout). */
  eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Signals syncNow and waits until the workflow finished one more run than before. */
  syncNow(sci: SmartConnectedItem): Promise<SciStatus>;
  close(): Promise<void>;
}

export interface SyncStackOptions {
  app?: Parameters<typeof createTestApp>[0];
  /** Run the worker in this process (default); false when the test runs workers as child processes. */
  inProcessWorker?: boolean;
}

export async function startSyncStack(opts: SyncStackOptions = {}): Promise<SyncStack> {
  quietRuntime();
  const t = await createTestApp(opts.app);
  const tenant = await t.tenant();
  const zohoSim = t.zoho!;

  // App OAuth 2.0 as an admin does it: a self-client grant code exchanged for tokens, stored sealed.
  const code = zohoSim.mintGrantCode({ scopes: ZOHO_APP_SCOPES });
  const oauth = createZohoOAuth({ credentials: zohoSim.demoClient, endpoints: t.zohoEndpoints });
  const tokens = await oauth.exchangeGrantCode({ dc: 'us', code });
  const secret = sealTo(t.deps.cipher, tenant.id, 'zoho.clientSecret', zohoSim.demoClient.clientSecret);
  const refresh = sealTo(t.deps.cipher, tenant.id, 'zoho.refreshToken', tokens.refreshToken);
  await t.db.prisma.zohoConnection.create({
    data: {
      tenantId: tenant.id,
      mode: 'APP_OAUTH',
      state: 'CONNECTED',
      dataCenter: 'us',
      apiDomain: tokens.apiDomain,
      clientId: zohoSim.demoClient.clientId,
      clientSecretCiphertext: secret.ciphertext,
      clientSecretKeyId: secret.keyId,
      refreshTokenCiphertext: refresh.ciphertext,
      refreshTokenKeyId: refresh.keyId,
      grantedScopes: tokens.scopes ?? [...ZOHO_APP_SCOPES],
      connectedAt: new Date(),
    },
  });

  const worker =
    opts.inProcessWorker === false
      ? undefined
      : await createSciWorker({
          connection: t.temporal.nativeConnection,
          dataConverter: t.temporal.dataConverter,
          namespace: 'default',
          taskQueue: t.temporal.taskQueue,
          activities: createSyncActivities({ prisma: t.db.prisma, clients: t.deps.clients, cipher: t.deps.cipher, log: createLogger('silent') }),
        });
  const running = worker?.run();

  // People editing by hand on each side.
  const jira = createJiraClient({ baseUrl: t.jira.url, auth: { type: 'basic', ...t.jira.basicAuth } });
  const personTokens = await createZohoOAuth({ credentials: zohoSim.demoClient, endpoints: t.zohoEndpoints }).exchangeGrantCode({
    dc: 'us',
    code: zohoSim.mintGrantCode({ scopes: ZOHO_APP_SCOPES }),
  });
  const zoho = createZohoClient({ credentials: zohoSim.demoClient, tokenStore: memoryTokenStore(personTokens), endpoints: t.zohoEndpoints });

  const eventually = async <T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let last: string;
      try {
        const v = await fn();
        if (ok(v)) return v;
        last = JSON.stringify(v)?.slice(0, 2000) ?? 'undefined';
      } catch (err) {
        // e.g. a query while the worker is still starting: try again until the deadline
        last = `error: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last: ${last}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const status = (sci: SmartConnectedItem) => t.temporal.client.workflow.getHandle(t.deps.workflows.workflowId(sci)).query(statusQuery);

  return {
    t,
    tenant,
    jira,
    zoho,
    worker,
    eventually,
    status,
    async createSci(input, workflowInput = {}, waitForFirstRun = true) {
      const def = sciDefinitionSchema.parse(input);
      const project = await jira.metadata.getProject(def.jiraProjectId);
      const sci = await t.db.prisma.smartConnectedItem.create({
        data: {
          tenantId: tenant.id,
          name: def.name,
          syncMode: def.syncMode,
          jiraProjectId: def.jiraProjectId,
          jiraProjectKey: project.key,
          jiraIssueTypeId: def.jiraIssueTypeId,
          zohoModule: def.zohoModule,
          displayFields: def.displayFields,
          fieldMappings: def.fieldMappings,
          options: def.options,
          // A second ago: records created by the test from now on count as new (auto-create).
          createdAt: new Date(Date.now() - 1000),
        },
      });
      const withId = await t.db.prisma.smartConnectedItem.update({ where: { id: sci.id }, data: { workflowId: t.deps.workflows.workflowId(sci) } });
      await t.temporal.client.workflow.start(sciWorkflow, {
        taskQueue: t.temporal.taskQueue,
        workflowId: withId.workflowId!,
        args: [{ tenantId: tenant.id, sciId: withId.id, pollIntervalMs: 3_600_000, ...workflowInput }],
      });
      if (waitForFirstRun) await eventually(() => status(withId), (s) => s.runs >= 1);
      return withId;
    },
    async syncNow(sci) {
      const before = (await status(sci)).runs;
      await t.deps.workflows.control(sci, 'syncNow');
      return eventually(() => status(sci), (s) => s.runs > before && s.state !== 'syncing');
    },
    async close() {
      worker?.shutdown();
      await running;
      await t.close();
    },
  };
}
