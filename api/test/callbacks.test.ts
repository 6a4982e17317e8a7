// Zoho notification callbacks (a real watch channel on the Zoho simulator calling the listening API) and
// the lifecycle routes (token refresh, installed).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ZOHO_APP_SCOPES } from '../../clients/zoho';
import { openFrom } from '../../lib/tenant-clients';
import type { SmartConnectedItem, Tenant } from '../../prisma/generated/client';
import { sealChannelToken } from '../routes/callbacks';
import { createTestApp, type TestApp } from './helper';

let t: TestApp;
let apiUrl: string;
let tenant: Tenant;
let sci: SmartConnectedItem;
const CHANNEL_ID = '1000000068001';
const CHANNEL_TOKEN = 'channel-token-for-tests-0001';

beforeAll(async () => {
  t = await createTestApp();
  apiUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  tenant = await t.tenant();
  const zoho = t.zoho!;
  const code = zoho.mintGrantCode({ scopes: ZOHO_APP_SCOPES, dc: 'us' });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/connection/app-oauth',
    headers: await t.headers(),
    payload: { ...zoho.demoClient, code, dataCenter: 'us' },
  });
  expect(res.statusCode).toBe(200);
  sci = await t.db.prisma.smartConnectedItem.create({
    data: { tenantId: tenant.id, name: 'Deals', syncMode: 'TWO_WAY', jiraProjectId: '10000', jiraProjectKey: 'DEMO', zohoModule: 'Deals' },
  });
  const sealed = sealChannelToken(t.deps.cipher, tenant.id, CHANNEL_ID, CHANNEL_TOKEN);
  await t.db.prisma.zohoNotificationChannel.create({
    data: {
      tenantId: tenant.id,
      channelId: CHANNEL_ID,
      events: ['Deals.all'],
      notifyUrl: `${apiUrl}/api/v1/callbacks/zoho/notifications`,
      tokenCiphertext: sealed.ciphertext,
      tokenKeyId: sealed.keyId,
      expiresAt: new Date(Date.now() + 3600_000),
    },
  });
}, 90_000);

afterAll(async () => {
  await t?.deps.workflows.stop(sci, 'test done').catch(() => undefined);
  await t?.close();
});

function callback(overrides: Record<string, unknown> = {}) {
  return {
    server_time: Date.now(),
    query_params: {},
    module: 'Deals',
    resource_uri: 'https://www.zohoapis.com/crm/v8/Deals',
    ids: ['4150868000000624001'],
    affected_fields: [],
    operation: 'update',
    channel_id: CHANNEL_ID,
    token: CHANNEL_TOKEN,
    ...overrides,
  };
}

const post = (payload: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/callbacks/zoho/notifications', payload: payload as object });

describe('Zoho notification callback', () => {
  it('is called by a real watch channel and signals the SCI workflow of the module', async () => {
    const client = await t.deps.clients.zoho(tenant.id);
    const [outcome] = await client.notifications.enable([
      { channelId: CHANNEL_ID, events: ['Deals.all'], notifyUrl: `${apiUrl}/api/v1/callbacks/zoho/notifications`, token: CHANNEL_TOKEN },
    ]);
    expect(outcome?.ok).toBe(true);
    const before = await t.db.prisma.processedEvent.count({ where: { tenantId: tenant.id, source: 'ZOHO' } });
    const [row] = await client.records.insert('Deals', [{ Deal_Name: 'Callback deal', Stage: 'Qualification' }]);
    expect(row?.ok).toBe(true);
    await t.zoho!.settleNotifications();
    expect(await t.db.prisma.processedEvent.count({ where: { tenantId: tenant.id, source: 'ZOHO' } })).toBe(before + 1);
    // The notification is recorded, then the intake dispatcher signals (and so starts) the SCI's workflow.
    const handle = t.temporal.client.workflow.getHandle(t.deps.workflows.workflowId(sci));
    await vi.waitFor(() => expect(handle.describe()).resolves.toMatchObject({ status: { name: 'RUNNING' } }), { timeout: 15_000, interval: 100 });
  });

  it('verifies the channel token: wrong, missing or for an unknown channel → 401', async () => {
    for (const body of [callback({ token: 'wrong-token' }), callback({ token: null }), callback({ channel_id: '999' })]) {
      const res = await post(body);
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain(CHANNEL_TOKEN);
    }
  });

  it('is idempotent and ignores modules no SCI syncs', async () => {
    const body = callback({ ids: ['4150868000000624777'] });
    expect((await post(body)).json()).toMatchObject({ accepted: true, duplicate: false, queued: 1 });
    expect((await post(body)).json()).toMatchObject({ accepted: true, duplicate: true, queued: 0 });
    expect((await post(callback({ module: 'Leads' }))).json()).toMatchObject({ accepted: false });
  });

  it('signals only SCIs of the modules its channel watches', async () => {
    // A Leads SCI of the same tenant; the channel watches Deals only.
    const leads = await t.db.prisma.smartConnectedItem.create({
      data: { tenantId: tenant.id, name: 'Leads', syncMode: 'TWO_WAY', jiraProjectId: '10000', jiraProjectKey: 'DEMO', zohoModule: 'Leads' },
    });
    try {
      const before = await t.db.prisma.processedEvent.count({ where: { tenantId: tenant.id, source: 'ZOHO' } });
      const res = await post(callback({ module: 'Leads', ids: ['4150868000000624888'] }));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ accepted: false, duplicate: false, queued: 0 });
      expect(await t.db.prisma.processedEvent.count({ where: { tenantId: tenant.id, source: 'ZOHO' } })).toBe(before);
      const handle = t.temporal.client.workflow.getHandle(t.deps.workflows.workflowId(leads));
      await expect(handle.describe()).rejects.toThrow();
      // The watched module still reaches its SCI through the same channel.
      expect((await post(callback({ ids: ['4150868000000624889'] }))).json()).toMatchObject({ accepted: true, queued: 1 });
    } finally {
      await t.db.prisma.smartConnectedItem.delete({ where: { id: leads.id } });
    }
  });

  it('refuses malformed bodies with 400', async () => {
    for (const body of [{}, callback({ operation: 'explode' }), callback({ ids: 'x' }), callback({ server_time: 'now' })]) {
      expect((await post(body)).statusCode).toBe(400);
    }
  });
});

describe('lifecycle', () => {
  it('stores a fresh system token on the scheduled token refresh', async () => {
    const now = Math.floor(Date.now() / 1000);
    const fresh = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp: now + 4 * 3600 })).toString('base64url')}.x`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/lifecycle/token-refresh',
      headers: await t.headers({ systemToken: fresh }),
      payload: { context: { cloudId: t.jira.cloudId, moduleKey: 'token-refresh' }, contextToken: 'opaque' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ systemTokenStored: true, systemTokenExpiresAt: new Date((now + 4 * 3600) * 1000).toISOString() });
    expect(res.body).not.toContain(fresh);
    const row = await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(openFrom(t.deps.cipher, tenant.id, 'forge.systemToken', row.forgeSystemTokenCiphertext)).toBe(fresh);
  });

  it('registers an installation and brings its workflows in line', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/lifecycle/installed', headers: await t.headers({ site: 'newsite' }), payload: {} });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ workflows: { running: 0, stopped: 0, failed: 0 }, systemTokenStored: true });
    const again = await t.app.inject({ method: 'POST', url: '/api/v1/lifecycle/installed', headers: await t.headers() });
    expect(again.json()).toMatchObject({ workflows: { running: 1, failed: 0 } });
  });
});
