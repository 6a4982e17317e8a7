// R7: the app is uninstalled from a connected site with a running SCI, its channel keeper and a backfill.
// The uninstall lifecycle call (a FIT signed by the sandbox's Forge) must leave no secret of the tenant in the
// database, close all its workflows in Temporal, revoke its Zoho refresh tokens at Zoho (the simulator then
// refuses them) and disable its notification channels there; the installation's next FIT gets 401, and a
// reinstall on the same site is a fresh tenant that sees nothing of the old one. Then: tenancy per Forge
// environment, and a deployment that accepts production FITs only.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZohoOAuth, ZOHO_APP_SCOPES } from '../../clients/zoho';
import { ApplicationFailure } from '@temporalio/common';
import { toActivityFailure } from '../../activities/errors';
import { openFrom, sealTo, TenantNotReadyError } from '../../lib/tenant-clients';
import { userTokenColumn } from '../../api/services/zoho-access';
import { createTestApp, type TestApp } from '../../api/test/helper';
import { fitClaimsFor, signForgeInvocationToken, type FitClaims, type InstallationInfo } from '../../sandbox/jira';
import { backfillWorkflowId } from '../../workflows/backfill-messages';
import { channelWorkflowId } from '../../workflows/channel-messages';
import { maintenanceWorkflow } from '../../workflows/maintenance-workflow';
import { ensureMaintenanceSchedule, MAINTENANCE_SCHEDULE_ID } from '../../lib/maintenance/schedule';
import { startSyncStack, type SyncStack } from '../support/sync-stack';
import { DEAL_SCI, report, simInsertDeals } from './support';

let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack();
}, 180_000);

afterAll(async () => {
  await s?.close();
});

/** Every column holding a sealed secret, found in the schema itself (so a new one cannot be forgotten here). */
async function secretsLeft(t: TestApp, tenantId: string): Promise<Record<string, number>> {
  const columns = await t.db.prisma.$queryRawUnsafe<{ table_name: string; column_name: string }[]>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name ILIKE '%ciphertext'`,
  );
  expect(columns.length).toBeGreaterThanOrEqual(8);
  const left: Record<string, number> = {};
  for (const c of columns) {
    const owner = c.table_name === 'Tenant' ? 'id' : 'tenantId';
    const rows = await t.db.prisma.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "${c.table_name}" WHERE "${c.column_name}" IS NOT NULL AND "${owner}" = $1`,
      tenantId,
    );
    left[`${c.table_name}.${c.column_name}`] = Number(rows[0]!.n);
  }
  return left;
}

async function workflowStatus(t: TestApp, workflowId: string): Promise<string> {
  try {
    return (await t.temporal.client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'NOT_FOUND';
    throw err;
  }
}

function claimsOf(inst: InstallationInfo, app: Partial<FitClaims['app']> = {}): Partial<FitClaims> {
  const base = fitClaimsFor(inst);
  return { app: { ...base.app, ...app } };
}

describe('R7: uninstall', () => {
  it('deletes every secret before answering, ends the workflows, revokes at Zoho, refuses the installation and starts a reinstall afresh', async () => {
    const t = s.t;
    const tenantId = s.tenant.id;
    const zohoSim = t.zoho!;

    // A running SCI with its channel keeper and a backfill.
    const sci = await s.createSci({ name: `r7-${randomUUID().slice(0, 6)}`, ...DEAL_SCI });
    await simInsertDeals(s, [{ Deal_Name: `R7 ${randomUUID().slice(0, 6)}`, Amount: 7 }]);
    const sciRef = { id: sci.id, tenantId, name: sci.name, zohoModule: sci.zohoModule, syncMode: sci.syncMode };
    await t.deps.workflows.reconcileChannels(tenantId);
    await t.deps.workflows.startBackfill(sciRef);
    const channels = await s.eventually(
      () => t.db.prisma.zohoNotificationChannel.findMany({ where: { tenantId, state: 'ACTIVE' } }),
      (rows) => rows.length > 0,
      60_000,
    );
    expect(await workflowStatus(t, t.deps.workflows.workflowId(sci))).toBe('RUNNING');
    expect(await workflowStatus(t, channelWorkflowId(tenantId))).toBe('RUNNING');

    // Secrets of every kind: the App OAuth grant (from the stack), a user's own Zoho sign-in, a pending sign-in.
    const connection = await t.db.prisma.zohoConnection.findUniqueOrThrow({ where: { tenantId } });
    const appRefreshToken = openFrom(t.deps.cipher, tenantId, 'zoho.refreshToken', connection.refreshTokenCiphertext)!;
    const oauth = createZohoOAuth({ credentials: zohoSim.demoClient, endpoints: t.zohoEndpoints });
    const userGrant = await oauth.exchangeGrantCode({ dc: 'us', code: zohoSim.mintGrantCode({ scopes: ZOHO_APP_SCOPES }) });
    const userRefresh = sealTo(t.deps.cipher, tenantId, userTokenColumn.refresh('user-7'), userGrant.refreshToken);
    await t.db.prisma.zohoUserToken.create({ data: { tenantId, jiraAccountId: 'user-7', refreshTokenCiphertext: userRefresh.ciphertext, refreshTokenKeyId: userRefresh.keyId } });
    const verifier = sealTo(t.deps.cipher, tenantId, 'zoho.signIn.verifier', 'verifier-secret');
    await t.db.prisma.zohoSignIn.create({
      data: { id: randomUUID(), tenantId, jiraAccountId: 'user-7', codeVerifierCiphertext: verifier.ciphertext, codeVerifierKeyId: verifier.keyId, expiresAt: new Date(Date.now() + 600_000) },
    });
    const before = await secretsLeft(t, tenantId);
    expect(Object.values(before).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(5);
    // Both refresh tokens work before the uninstall.
    await oauth.refresh({ dc: 'us', refreshToken: appRefreshToken });
    await oauth.refresh({ dc: 'us', refreshToken: userGrant.refreshToken });

    // Forge delivers avi:forge:uninstalled:app to the remote endpoint.
    const fit = await t.jira.signFit();
    const started = Date.now();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/lifecycle/uninstalled',
      headers: { authorization: `Bearer ${fit}`, 'x-forge-oauth-system': t.jira.systemToken },
      payload: { payload: { eventType: 'avi:forge:uninstalled:app' }, context: { cloudId: t.jira.cloudId } },
    });
    const answeredMs = Date.now() - started;
    expect(res.statusCode).toBe(200);
    const body = res.json<{ tenantId: string; secretsDeleted: boolean; cleanup: { refreshTokensRevoked: number; channelsDisabled: number } | null }>();
    expect(body).toMatchObject({ tenantId, secretsDeleted: true });
    expect(answeredMs).toBeLessThan(5000);

    // No secret of the tenant is left, at the moment of the answer.
    const after = await secretsLeft(t, tenantId);
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
    expect(await t.db.prisma.zohoUserToken.count({ where: { tenantId } })).toBe(0);
    expect(await t.db.prisma.zohoSignIn.count({ where: { tenantId } })).toBe(0);
    const row = await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(row.status).toBe('UNINSTALLED');
    expect(row.uninstalledAt).not.toBeNull();

    // The worker's view: any activity of this tenant fails for good (non-retryable), with the reason.
    for (const client of [() => t.deps.clients.zoho(tenantId), () => t.deps.clients.jira(tenantId)]) {
      const err = await client().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TenantNotReadyError);
      expect((err as TenantNotReadyError).reason).toBe('uninstalled');
      const failure = toActivityFailure(err) as ApplicationFailure;
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'AutomationUnavailable', nonRetryable: true });
    }

    // Every workflow of the tenant is closed.
    const ids = [t.deps.workflows.workflowId(sci), channelWorkflowId(tenantId), backfillWorkflowId(tenantId, sci.id)];
    const statuses = await s.eventually(
      () => Promise.all(ids.map((id) => workflowStatus(t, id))),
      (st) => st.every((x) => x !== 'RUNNING'),
      10_000,
    );
    expect(statuses[0]).toBe('TERMINATED');
    expect(statuses[1]).toBe('TERMINATED');

    // Zoho: both refresh tokens are revoked (they mint no access token any more), the channels are gone.
    await s.eventually(
      async () => {
        const results = await Promise.allSettled([oauth.refresh({ dc: 'us', refreshToken: appRefreshToken }), oauth.refresh({ dc: 'us', refreshToken: userGrant.refreshToken })]);
        return results.map((r) => r.status);
      },
      (st) => st.every((x) => x === 'rejected'),
      10_000,
    );
    const live = await s.eventually(
      async () => ((await (await fetch(`${zohoSim.url}/__sandbox/notifications`)).json()) as { channels: { channel_id: string | number }[] }).channels.map((c) => String(c.channel_id)),
      (list) => channels.every((c) => !list.includes(c.channelId)),
      10_000,
    );
    expect(live.filter((id) => channels.some((c) => c.channelId === id))).toEqual([]);

    // The installation is refused from now on, with a message that says why.
    const later = await t.app.inject({ method: 'POST', url: '/api/v1/lifecycle/token-refresh', headers: { authorization: `Bearer ${await t.jira.signFit()}` }, payload: {} });
    expect(later.statusCode).toBe(401);
    expect(later.json<{ message: string }>().message).toMatch(/uninstalled/i);
    // Forge retrying the uninstall event is still answered (and changes nothing).
    const retried = await t.app.inject({ method: 'POST', url: '/api/v1/lifecycle/uninstalled', headers: { authorization: `Bearer ${await t.jira.signFit()}` }, payload: {} });
    expect(retried.statusCode).toBe(200);

    // A reinstall on the same site: a new installation id, a new tenant, no SCIs, no connection, no secrets.
    const inst = t.jira.installation();
    const freshId = `ari:cloud:ecosystem::installation/${randomUUID()}`;
    const reinstallFit = await signForgeInvocationToken(fitClaimsFor({ ...inst, installationId: freshId }));
    const installed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/lifecycle/installed',
      headers: { authorization: `Bearer ${reinstallFit}`, 'x-forge-oauth-system': t.jira.systemToken },
      payload: {},
    });
    expect(installed.statusCode).toBe(200);
    const fresh = installed.json<{ tenantId: string }>().tenantId;
    expect(fresh).not.toBe(tenantId);
    const freshRow = await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: fresh } });
    expect(freshRow).toMatchObject({ cloudId: inst.cloudId, installationId: freshId, status: 'ACTIVE' });
    expect(await t.db.prisma.smartConnectedItem.count({ where: { tenantId: fresh } })).toBe(0);
    expect(await t.db.prisma.zohoConnection.count({ where: { tenantId: fresh } })).toBe(0);
    // The old tenant's rows are still there (until the retention job), untouched by the reinstall.
    expect(await t.db.prisma.smartConnectedItem.count({ where: { tenantId } })).toBe(1);
    expect((await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).status).toBe('UNINSTALLED');

    report('R7 uninstall', {
      answeredMs,
      secretColumnsChecked: Object.keys(after).length,
      secretsBefore: Object.values(before).reduce((a, b) => a + b, 0),
      secretsAfter: Object.values(after).reduce((a, b) => a + b, 0),
      workflows: Object.fromEntries(ids.map((id, i) => [id.split(':')[0], statuses[i]])),
      cleanupInAnswer: body.cleanup,
      channelsBefore: channels.length,
      reinstallTenant: fresh !== tenantId ? 'new' : 'reused',
    });
  }, 180_000);

  it('deletes the uninstalled tenant once past TENANT_RETENTION_DAYS, through the maintenance workflow the Schedule runs', async () => {
    const t = s.t;
    const gone = await t.db.prisma.tenant.findMany({ where: { status: 'UNINSTALLED' } });
    expect(gone).toHaveLength(1);
    const tenantId = gone[0]!.id;
    // Within retention (uninstalled moments ago): kept.
    const first = await t.temporal.client.workflow.execute(maintenanceWorkflow, { taskQueue: t.temporal.taskQueue, workflowId: `maintenance-${randomUUID()}`, args: [{}] });
    expect(first.tenantsDeleted).toBe(0);
    expect(await t.db.prisma.tenant.count({ where: { id: tenantId } })).toBe(1);
    // 31 days later (the worker runs with the default 30 days): the tenant and all its data are gone.
    await t.db.prisma.tenant.update({ where: { id: tenantId }, data: { uninstalledAt: new Date(Date.now() - 31 * 86_400_000) } });
    const second = await t.temporal.client.workflow.execute(maintenanceWorkflow, { taskQueue: t.temporal.taskQueue, workflowId: `maintenance-${randomUUID()}`, args: [{}] });
    expect(second.tenantsDeleted).toBe(1);
    expect(await t.db.prisma.tenant.count({ where: { id: tenantId } })).toBe(0);
    expect(await t.db.prisma.smartConnectedItem.count({ where: { tenantId } })).toBe(0);
    expect(await t.db.prisma.syncRun.count({ where: { tenantId } })).toBe(0);

    // The Schedule that runs it hourly: created once, found by every later start.
    expect(await ensureMaintenanceSchedule(t.temporal.client, { taskQueue: t.temporal.taskQueue })).toBe('created');
    expect(await ensureMaintenanceSchedule(t.temporal.client, { taskQueue: t.temporal.taskQueue })).toBe('exists');
    const described = await t.temporal.client.schedule.getHandle(MAINTENANCE_SCHEDULE_ID).describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'maintenanceWorkflow', taskQueue: t.temporal.taskQueue });
    await t.temporal.client.schedule.getHandle(MAINTENANCE_SCHEDULE_ID).delete();
  }, 120_000);

  it('keeps Forge environments apart: a development and a production install of one site are two tenants', async () => {
    const inst = { ...s.t.installation('envs'), installationId: `ari:cloud:ecosystem::installation/${randomUUID()}` };
    const prodInst = { ...inst, installationId: `ari:cloud:ecosystem::installation/${randomUUID()}`, environmentId: 'ari:cloud:ecosystem::environment/x/production' };
    const dev = await s.t.app.inject({ method: 'POST', url: '/api/v1/lifecycle/installed', headers: { authorization: `Bearer ${await signForgeInvocationToken(fitClaimsFor(inst))}` }, payload: {} });
    const prod = await s.t.app.inject({
      method: 'POST',
      url: '/api/v1/lifecycle/installed',
      headers: { authorization: `Bearer ${await signForgeInvocationToken({ ...fitClaimsFor(prodInst), ...claimsOf(prodInst, { environment: { type: 'PRODUCTION', id: prodInst.environmentId } }) })}` },
      payload: {},
    });
    expect([dev.statusCode, prod.statusCode]).toEqual([200, 200]);
    const devTenant = await s.t.db.prisma.tenant.findUniqueOrThrow({ where: { id: dev.json<{ tenantId: string }>().tenantId } });
    const prodTenant = await s.t.db.prisma.tenant.findUniqueOrThrow({ where: { id: prod.json<{ tenantId: string }>().tenantId } });
    expect(devTenant.id).not.toBe(prodTenant.id);
    expect(devTenant.cloudId).toBe(prodTenant.cloudId);
    expect([devTenant.environmentType, prodTenant.environmentType]).toEqual(['DEVELOPMENT', 'PRODUCTION']);
    expect(prodTenant.environmentId).toBe(prodInst.environmentId);
  });
});

describe('FORGE_ALLOWED_ENVIRONMENTS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { FORGE_ALLOWED_ENVIRONMENTS: 'PRODUCTION' } });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a development FIT with 401 naming the environment, and accepts the production one of the same site', async () => {
    const inst = t.installation();
    const dev = await t.app.inject({ method: 'POST', url: '/api/v1/lifecycle/installed', headers: { authorization: `Bearer ${await t.fit()}` }, payload: {} });
    expect(dev.statusCode).toBe(401);
    expect(dev.json<{ message: string }>().message).toMatch(/DEVELOPMENT/);
    expect(await t.db.prisma.tenant.count()).toBe(0);
    const prodClaims = claimsOf(inst, { environment: { type: 'PRODUCTION', id: 'ari:cloud:ecosystem::environment/x/production' } });
    const prod = await t.app.inject({ method: 'POST', url: '/api/v1/lifecycle/installed', headers: { authorization: `Bearer ${await t.fit({ claims: prodClaims })}` }, payload: {} });
    expect(prod.statusCode).toBe(200);
    expect(await t.db.prisma.tenant.count({ where: { environmentType: 'PRODUCTION' } })).toBe(1);
  });
});
