// Connection routes over the real stack: grant codes minted by the Zoho simulator and exchanged over HTTP,
// rows in a real PostgreSQL database, workflows signalled on the Temporal dev server.
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZOHO_APP_SCOPES, ZOHO_USER_SCOPES } from '../../clients/zoho';
import { openFrom } from '../../lib/tenant-clients';
import type { Tenant } from '../../prisma/generated/client';
import type { ConnectionSummary } from '../../contracts/connection';
import { createTestApp, type FitFor, type TestApp } from './helper';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const zoho = () => t.zoho!;

async function call(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, body?: unknown, who: FitFor = {}) {
  return t.app.inject({ method, url: `/api/v1${url}`, headers: await t.headers(who), ...(body === undefined ? {} : { payload: body as object }) });
}

async function summary(who: FitFor = {}): Promise<ConnectionSummary> {
  const res = await call('GET', '/connection', undefined, who);
  expect(res.statusCode).toBe(200);
  return res.json<ConnectionSummary>();
}

function connectBody(opts: { scopes?: readonly string[]; dc?: 'us' | 'eu'; codeDc?: 'us' | 'eu'; secret?: string } = {}) {
  const code = zoho().mintGrantCode({ scopes: opts.scopes ?? ZOHO_APP_SCOPES, dc: opts.codeDc ?? opts.dc ?? 'eu' });
  return { clientId: zoho().demoClient.clientId, clientSecret: opts.secret ?? zoho().demoClient.clientSecret, code, dataCenter: opts.dc ?? 'eu' };
}

async function seedSci(tenant: Tenant, name: string) {
  return t.db.prisma.smartConnectedItem.create({
    data: { tenantId: tenant.id, name, syncMode: 'TWO_WAY', jiraProjectId: '10000', jiraProjectKey: 'DEMO', zohoModule: 'Deals' },
  });
}

describe('connection state', () => {
  it('starts NOT_CONFIGURED with the required scopes and every data center listed', async () => {
    const s = await summary({ site: 'fresh' });
    expect(s.state).toBe('NOT_CONFIGURED');
    expect(s.mode).toBeNull();
    expect(s.dataCenter.id).toBe('us');
    expect(s.dataCenters.map((d) => d.id)).toEqual(['us', 'eu', 'in', 'au', 'jp', 'cn', 'uk', 'ca', 'sa']);
    expect(s.scopes.required).toEqual([...ZOHO_APP_SCOPES]);
    expect(s.automation.active).toBe(false);
    expect(s.message).toMatch(/Zoho CRM authentication required/);
  });

  it('sets the data center and refuses unknown ones', async () => {
    const res = await call('PUT', '/connection/data-center', { dataCenter: 'jp' }, { site: 'dc' });
    expect(res.statusCode).toBe(200);
    expect(res.json<ConnectionSummary>().dataCenter).toMatchObject({ id: 'jp', label: 'Japan' });
    const bad = await call('PUT', '/connection/data-center', { dataCenter: 'mars' }, { site: 'dc' });
    expect(bad.statusCode).toBe(400);
  });
});

describe('App OAuth 2.0 connect', () => {
  it('exchanges the code, stores every secret sealed, shows the API domain and never echoes a secret', async () => {
    const tenant = await t.tenant('app');
    const sci = await seedSci(tenant, 'Deals to DEMO');
    const body = connectBody({ dc: 'eu' });
    const res = await call('POST', '/connection/app-oauth', body, { site: 'app' });
    expect(res.statusCode).toBe(200);
    const s = res.json<ConnectionSummary>();
    expect(s).toMatchObject({ state: 'CONNECTED', mode: 'APP_OAUTH', apiDomain: zoho().endpoints.eu.apiDomain, clientId: body.clientId, clientSecretStored: true });
    expect(s.dataCenter.id).toBe('eu');
    expect(s.automation.active).toBe(true);
    expect(s.scopes.missing).toEqual([]);
    expect(res.body).not.toContain(body.clientSecret);
    expect(res.body).not.toContain(body.code);

    const row = await t.db.prisma.zohoConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    for (const col of [row.clientSecretCiphertext, row.refreshTokenCiphertext, row.accessTokenCiphertext]) {
      expect(col).not.toBeNull();
      expect(Buffer.from(col!).toString('utf8')).toMatch(/^v1\./);
    }
    expect(openFrom(t.deps.cipher, tenant.id, 'zoho.clientSecret', row.clientSecretCiphertext)).toBe(body.clientSecret);
    expect(Buffer.from(row.clientSecretCiphertext!).toString('utf8')).not.toContain(body.clientSecret);

    // The stored grant works: the tenant's client can call Zoho.
    const client = await t.deps.clients.zoho(tenant.id);
    await expect(client.metadata.modules()).resolves.toBeDefined();

    // The SCI's workflow was told (signal-with-start creates it when it was not running).
    const handle = t.temporal.client.workflow.getHandle(t.deps.workflows.workflowId(sci));
    await expect(handle.describe()).resolves.toMatchObject({ status: { name: 'RUNNING' } });
    await handle.terminate('test done');
  });

  it('says in plain words when the code was already used', async () => {
    const body = connectBody({ dc: 'eu' });
    expect((await call('POST', '/connection/app-oauth', body, { site: 'reuse' })).statusCode).toBe(200);
    const again = await call('POST', '/connection/app-oauth', body, { site: 'reuse' });
    expect(again.statusCode).toBe(422);
    expect(again.json<{ message: string }>().message).toMatch(/code.*(invalid|expired|already used)/i);
    expect(again.body).not.toContain(body.code);
  });

  it('refuses a wrong client secret without naming it', async () => {
    const body = connectBody({ secret: 'definitely-wrong-secret' });
    const res = await call('POST', '/connection/app-oauth', body, { site: 'badclient' });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ message: string }>().message).toMatch(/Client ID and Client Secret/);
    expect(res.body).not.toContain('definitely-wrong-secret');
    expect((await summary({ site: 'badclient' })).state).toBe('NOT_CONFIGURED');
  });

  it('refuses a code from another data center', async () => {
    const res = await call('POST', '/connection/app-oauth', connectBody({ dc: 'eu', codeDc: 'us' }), { site: 'wrongdc' });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ message: string }>().message).toMatch(/data center/);
  });

  it('rejects malformed bodies with 400', async () => {
    for (const body of [{}, { clientId: 'x' }, { clientId: 1, clientSecret: 2, code: 3 }, { ...connectBody(), dataCenter: 'xx' }, { ...connectBody(), code: 'a b c' }]) {
      const res = await call('POST', '/connection/app-oauth', body, { site: 'malformed' });
      expect(res.statusCode).toBe(400);
    }
  });

  it('names missing scopes with a reconnect hint (attachment sync)', async () => {
    const scopes = ZOHO_APP_SCOPES.filter((s) => s !== 'WorkDrive.files.READ' && s !== 'ZohoFiles.files.READ');
    const res = await call('POST', '/connection/app-oauth', connectBody({ scopes }), { site: 'scopes' });
    expect(res.statusCode).toBe(200);
    const s = res.json<ConnectionSummary>();
    expect(s.scopes.missing).toEqual(['WorkDrive.files.READ', 'ZohoFiles.files.READ']);
    expect(s.scopes.hint).toMatch(/Attachment sync needs WorkDrive\.files\.READ and ZohoFiles\.files\.READ.*reconnect App OAuth 2\.0/);
  });

  it('refuses to move a connected site to another data center', async () => {
    await call('POST', '/connection/app-oauth', connectBody({ dc: 'eu' }), { site: 'move' });
    const res = await call('PUT', '/connection/data-center', { dataCenter: 'in' }, { site: 'move' });
    expect(res.statusCode).toBe(409);
    expect((await summary({ site: 'move' })).dataCenter.id).toBe('eu');
  });
});

describe('reconnect', () => {
  it('replaces the grant and revokes the old refresh token at Zoho', async () => {
    const tenant = await t.tenant('rotate');
    await call('POST', '/connection/app-oauth', connectBody({ dc: 'eu' }), { site: 'rotate' });
    const first = await t.db.prisma.zohoConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    const oldToken = openFrom(t.deps.cipher, tenant.id, 'zoho.refreshToken', first.refreshTokenCiphertext)!;
    expect((await call('POST', '/connection/app-oauth', connectBody({ dc: 'eu' }), { site: 'rotate' })).statusCode).toBe(200);
    const second = await t.db.prisma.zohoConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    expect(openFrom(t.deps.cipher, tenant.id, 'zoho.refreshToken', second.refreshTokenCiphertext)).not.toBe(oldToken);
    const deadline = Date.now() + 10_000;
    while (!zoho().sim.accounts.refreshTokens.get(oldToken)?.revoked && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(zoho().sim.accounts.refreshTokens.get(oldToken)?.revoked).toBe(true);
  });
});

describe('tenant isolation', () => {
  it('never shows or changes another site\'s connection', async () => {
    await call('POST', '/connection/app-oauth', connectBody({ dc: 'eu' }), { site: 'owner' });
    const other = await summary({ site: 'intruder' });
    expect(other.state).toBe('NOT_CONFIGURED');
    expect(other.apiDomain).toBeNull();
    // A tenant id smuggled into the body or query is ignored: the FIT decides.
    const owner = await t.tenant('owner');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/connection/mode?tenantId=${owner.id}`,
      headers: await t.headers({ site: 'intruder' }),
      payload: { mode: 'PROVIDERS', tenantId: owner.id },
    });
    expect(res.statusCode).toBe(200);
    expect((await summary({ site: 'owner' })).state).toBe('CONNECTED');
  });
});

describe('mode switch (F3)', () => {
  it('clears stored authentication only: SCIs and links stay', async () => {
    const tenant = await t.tenant('switch');
    await call('POST', '/connection/app-oauth', connectBody({ dc: 'eu' }), { site: 'switch' });
    const sci = await seedSci(tenant, 'Kept');
    await t.db.prisma.recordLink.create({
      data: { tenantId: tenant.id, sciId: sci.id, jiraIssueId: '10001', jiraIssueKey: 'DEMO-1', zohoModule: 'Deals', zohoRecordId: '123' },
    });
    const res = await call('POST', '/connection/mode', { mode: 'PROVIDERS' }, { site: 'switch' });
    expect(res.statusCode).toBe(200);
    expect(res.json<ConnectionSummary>()).toMatchObject({ mode: 'PROVIDERS', state: 'NOT_CONFIGURED', clientSecretStored: false, apiDomain: null });
    const row = await t.db.prisma.zohoConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    expect(row).toMatchObject({ refreshTokenCiphertext: null, accessTokenCiphertext: null, clientSecretCiphertext: null, dataCenter: 'eu' });
    expect(await t.db.prisma.smartConnectedItem.count({ where: { tenantId: tenant.id } })).toBe(1);
    expect(await t.db.prisma.recordLink.count({ where: { tenantId: tenant.id } })).toBe(1);
    // Switching to the current mode is a no-op.
    expect((await call('POST', '/connection/mode', { mode: 'PROVIDERS' }, { site: 'switch' })).statusCode).toBe(200);
    await t.deps.workflows.stop(sci, 'test done').catch((e: unknown) => {
      if (!(e instanceof WorkflowNotFoundError)) throw e;
    });
  });
});

describe('Providers mode per-user sign-in', () => {
  const site = 'providers';
  const user = { site, accountId: 'jira-user-1' };

  it('registers the client, signs a user in through the consent redirect, and keeps the grant sealed per user', async () => {
    expect((await call('POST', '/connection/mode', { mode: 'PROVIDERS' }, { site })).statusCode).toBe(200);
    // No client yet: the sign-in cannot start.
    expect((await call('POST', '/connection/providers/sign-in', undefined, user)).statusCode).toBe(409);
    const web = zoho().demoWebClient;
    const reg = await call('PUT', '/connection/providers/client', { clientId: web.clientId, clientSecret: web.clientSecret }, { site });
    expect(reg.statusCode).toBe(200);
    expect(reg.json<ConnectionSummary>().state).toBe('CONNECTED');
    expect(reg.body).not.toContain(web.clientSecret);

    // A trigger-style FIT (no user) cannot sign in: refused before the route, saying a user is needed.
    const noUser = await call('POST', '/connection/providers/sign-in', undefined, { site, accountId: null });
    expect(noUser.statusCode).toBe(403);
    expect(noUser.json()).toMatchObject({ code: 'USER_REQUIRED' });

    const start = await call('POST', '/connection/providers/sign-in', undefined, user);
    expect(start.statusCode).toBe(200);
    const { authorizationUrl } = start.json<{ authorizationUrl: string }>();
    // The panel opens our begin route, which binds the sign-in to this browser and goes on to Zoho.
    const beginUrl = new URL(authorizationUrl);
    expect(`${beginUrl.origin}${beginUrl.pathname}`).toBe('http://127.0.0.1:3000/api/v1/callbacks/zoho/oauth/begin');
    const begun = await t.app.inject({ method: 'GET', url: `${beginUrl.pathname}${beginUrl.search}` });
    expect(begun.statusCode).toBe(302);
    const browserCookie = begun.cookies.find((c) => c.name.startsWith('zoho_signin_'))!;
    expect(browserCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/v1/callbacks/zoho/oauth' });
    const consent = new URL(begun.headers.location!);
    expect(consent.searchParams.get('scope')).toBe(ZOHO_USER_SCOPES.join(','));
    expect(consent.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:3000/api/v1/callbacks/zoho/oauth');
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
    expect(consent.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);

    // The browser at Zoho: the simulator answers the consent with a redirect back to us.
    const atZoho = await fetch(consent, { redirect: 'manual' });
    expect(atZoho.status).toBe(302);
    const back = new URL(atZoho.headers.get('location')!);
    expect(back.pathname).toBe('/api/v1/callbacks/zoho/oauth');

    // Tampering with the state fails closed.
    const tampered = new URL(back);
    tampered.searchParams.set('state', `${back.searchParams.get('state')!.slice(0, -4)}AAAA`);
    const bad = await t.app.inject({ method: 'GET', url: `${tampered.pathname}${tampered.search}`, cookies: { [browserCookie.name]: browserCookie.value } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/text\/html/);

    const done = await t.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, cookies: { [browserCookie.name]: browserCookie.value } });
    expect(done.statusCode).toBe(200);
    expect(done.body).toMatch(/Signed in to Zoho CRM/);
    expect(done.body).not.toContain(back.searchParams.get('code')!);

    const tenant = await t.tenant(site);
    const row = await t.db.prisma.zohoUserToken.findUniqueOrThrow({ where: { tenantId_jiraAccountId: { tenantId: tenant.id, jiraAccountId: 'jira-user-1' } } });
    expect(row.state).toBe('CONNECTED');
    expect(Buffer.from(row.refreshTokenCiphertext!).toString('utf8')).toMatch(/^v1\./);
    expect(row.zohoEmail).toBeTruthy();

    const me = await summary(user);
    expect(me.currentUser).toMatchObject({ accountId: 'jira-user-1', signedIn: true });
    const someoneElse = await summary({ site, accountId: 'jira-user-2' });
    expect(someoneElse.currentUser).toMatchObject({ signedIn: false });

    // Signing out removes only this user's grant.
    const out = await call('DELETE', '/connection/providers/sign-in', undefined, user);
    expect(out.json<{ signedOut: boolean }>().signedOut).toBe(true);
    expect((await summary(user)).currentUser?.signedIn).toBe(false);
  });

  it('refuses a redirect without a state or with an expired-looking one', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/callbacks/zoho/oauth?code=1000.abc.def' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/callbacks/zoho/oauth?code=1000.abc.def&state=v1.x.y.z.w' })).statusCode).toBe(400);
  });
});
