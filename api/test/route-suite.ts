// Test support for the SCI, panel and metadata route suites: the app from api/test/helper.ts plus a worker
// on the app's task queue whose sync activities record what the workflows asked for (the routes' job ends
// at Temporal; the sync engine has suites of its own), and helpers to seed rows.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Worker } from '@temporalio/worker';
import { createActivities, type SciSync } from '../../activities';
import { SciEventStore } from '../../activities/sync/event-store';
import { createZohoOAuth, ZOHO_APP_SCOPES } from '../../clients/zoho';
import { startZohoSimulator, type ZohoSimulator } from '../../sandbox/zoho';
import type { ApplyEventsInput, PollInput } from '../../activities/types';
import { sealTo } from '../../lib/tenant-clients';
import type { Prisma, SmartConnectedItem, Tenant } from '../../prisma/generated/client';
import { createSciWorker } from '../../worker/create-worker';
import { createTestApp, type TestApp, type TestAppOptions } from './helper';

export class RecordingSync implements SciSync {
  polls: PollInput[] = [];
  applied: ApplyEventsInput[] = [];
  pollZohoChanges(input: PollInput) {
    this.polls.push(input);
    return Promise.resolve({ cursor: input.cursor ?? new Date().toISOString(), recordsSeen: 0, changed: 0, created: 0, skipped: 0, errors: [] });
  }
  applyPendingEvents(input: ApplyEventsInput) {
    this.applied.push(input);
    return Promise.resolve({ recordsSeen: input.events.length, changed: 0, created: 0, skipped: 0, errors: [] });
  }
  pollsOf(sciId: string) {
    return this.polls.filter((p) => p.sciId === sciId);
  }
  eventsOf(sciId: string) {
    return this.applied.filter((a) => a.sciId === sciId).flatMap((a) => a.events);
  }
}

export interface RouteSuite {
  t: TestApp;
  app: FastifyInstance;
  sync: RecordingSync;
  /** The Zoho simulator, when the suite was started with `zoho: true`. */
  zoho: ZohoSimulator | undefined;
  /** Connects a tenant with App OAuth 2.0 for real: a grant code minted by the simulator, exchanged for tokens. */
  connectZoho(tenant: Tenant, scopes?: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export async function startRouteSuite(opts: TestAppOptions & { zoho?: boolean } = {}): Promise<RouteSuite> {
  const { zoho: withZoho, ...appOpts } = opts;
  const zoho = withZoho ? await startZohoSimulator({ port: 0 }) : undefined;
  let t: TestApp;
  try {
    t = await createTestApp({ ...appOpts, ...(zoho ? { zohoBaseUrl: zoho.url } : {}) });
  } catch (err) {
    await zoho?.close();
    throw err;
  }
  const sync = new RecordingSync();
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  try {
    worker = await createSciWorker({
      connection: t.temporal.nativeConnection,
      dataConverter: t.temporal.dataConverter,
      namespace: 'default',
      taskQueue: t.temporal.taskQueue,
      activities: createActivities({ sync, queue: new SciEventStore(t.db.prisma) }),
    });
    running = worker.run();
  } catch (err) {
    await t.close();
    await zoho?.close();
    throw err;
  }
  const app = t.app;
  return {
    t,
    app,
    sync,
    zoho,
    async connectZoho(tenant, scopes = ZOHO_APP_SCOPES) {
      if (!zoho) throw new Error('suite started without the Zoho simulator');
      const code = zoho.mintGrantCode({ scopes, dc: 'us' });
      const tokens = await createZohoOAuth({ credentials: zoho.demoClient, endpoints: t.zohoEndpoints }).exchangeGrantCode({ dc: 'us', code });
      await seedAppConnection(t, tenant, { ...zoho.demoClient, refreshToken: tokens.refreshToken, apiDomain: tokens.apiDomain });
    },
    async close() {
      worker?.shutdown();
      await running?.catch(() => undefined);
      await t.close();
      await zoho?.close();
    },
  };
}

export async function eventually<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An SCI row written straight to the database (for tests of everything but validation). */
export async function seedSci(t: TestApp, tenant: Tenant, data: Partial<Prisma.SmartConnectedItemUncheckedCreateInput> = {}): Promise<SmartConnectedItem> {
  return t.db.prisma.smartConnectedItem.create({
    data: {
      tenantId: tenant.id,
      name: `SCI ${randomUUID().slice(0, 8)}`,
      syncMode: 'ONE_WAY',
      jiraProjectId: '10000',
      jiraProjectKey: 'DEMO',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary', owner: 'ZOHO' }],
      ...data,
    },
  });
}

/** An App OAuth 2.0 connection row with sealed credentials (tokens as the Zoho simulator issued them). */
export async function seedAppConnection(
  t: TestApp,
  tenant: Tenant,
  c: { clientId: string; clientSecret: string; refreshToken: string; dc?: string; apiDomain?: string; state?: 'CONNECTED' | 'REAUTH_REQUIRED' },
) {
  const dc = c.dc ?? 'us';
  const secret = sealTo(t.deps.cipher, tenant.id, 'zoho.clientSecret', c.clientSecret);
  const refresh = sealTo(t.deps.cipher, tenant.id, 'zoho.refreshToken', c.refreshToken);
  const data = {
    mode: 'APP_OAUTH' as const,
    state: c.state ?? ('CONNECTED' as const),
    dataCenter: dc,
    apiDomain: c.apiDomain ?? t.zohoEndpoints[dc as 'us'].apiDomain,
    clientId: c.clientId,
    clientSecretCiphertext: secret.ciphertext,
    clientSecretKeyId: secret.keyId,
    refreshTokenCiphertext: refresh.ciphertext,
    refreshTokenKeyId: refresh.keyId,
    accessTokenCiphertext: null,
    accessTokenKeyId: null,
    accessTokenExpiresAt: null,
    connectedAt: new Date(),
  };
  return t.db.prisma.zohoConnection.upsert({ where: { tenantId: tenant.id }, create: { tenantId: tenant.id, ...data }, update: data });
}
