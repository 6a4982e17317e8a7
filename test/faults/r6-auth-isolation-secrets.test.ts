// R6 as one hostile session against the listening API's server (with its real logger at trace level, its
// output captured): forged, tampered, expired, not-yet-valid, wrong-audience and wrong-issuer FITs get 401 on
// every kind of route; another tenant's SCI, run and link ids answer 404 and change nothing; and none of the
// seeded secrets (client secret, grant codes, Zoho tokens, Jira system token, FITs, channel token, the
// secrets key) appears anywhere in the captured log output, including the error paths.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZOHO_APP_SCOPES } from '../../clients/zoho';
import { openFrom } from '../../lib/tenant-clients';
import { buildServer } from '../../api/server';
import { createTestApp, type TestApp } from '../../api/test/helper';
import { sealChannelToken } from '../../api/routes/callbacks';
import type { RecordLink, SmartConnectedItem } from '../../prisma/generated/client';
import { report } from './support';

let t: TestApp;
let server: FastifyInstance;
const lines: string[] = [];
const secrets = new Map<string, string>();
let injected = 0;

beforeAll(async () => {
  t = await createTestApp({ env: { LOG_LEVEL: 'trace' } });
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  server = await buildServer(t.deps, { logStream: stream });
  await server.ready();
}, 120_000);

afterAll(async () => {
  await server?.close();
  await t?.close();
});

const now = () => Math.floor(Date.now() / 1000);

describe('R6: FIT forgery, tenant isolation and secrets in logs', () => {
  let sci: SmartConnectedItem;
  let link: RecordLink;

  it('connects tenant A with App OAuth (secrets seeded) and records its data', async () => {
    const headers = await t.headers({ accountId: 'admin-a' });
    const code = t.zoho!.mintGrantCode({ scopes: ZOHO_APP_SCOPES, dc: 'us' });
    secrets.set('Zoho client secret', t.zoho!.demoClient.clientSecret);
    secrets.set('Zoho grant code', code);
    secrets.set('FIT of tenant A', headers.authorization!.slice('Bearer '.length));
    secrets.set('Jira system token', t.jira.systemToken);
    secrets.set('secrets key', t.config.SECRETS_KEY!);
    const res = await server.inject({ method: 'POST', url: '/api/v1/connection/app-oauth', headers, payload: { ...t.zoho!.demoClient, code, dataCenter: 'us' } });
    expect(res.statusCode).toBe(200);
    const tenant = await t.tenant();
    const row = await t.db.prisma.zohoConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    secrets.set('Zoho refresh token', openFrom(t.deps.cipher, tenant.id, 'zoho.refreshToken', row.refreshTokenCiphertext)!);
    const access = openFrom(t.deps.cipher, tenant.id, 'zoho.accessToken', row.accessTokenCiphertext);
    if (access) secrets.set('Zoho access token', access);

    // The same grant code again (Zoho refuses a used code) and a wrong client secret: error paths that log.
    const again = await server.inject({ method: 'POST', url: '/api/v1/connection/app-oauth', headers, payload: { ...t.zoho!.demoClient, code, dataCenter: 'us' } });
    expect(again.statusCode).toBeGreaterThanOrEqual(400);
    expect(again.statusCode).toBeLessThan(500);
    const wrongSecret = `wrong-${randomUUID()}`;
    secrets.set('a wrong client secret', wrongSecret);
    const bad = await server.inject({
      method: 'POST',
      url: '/api/v1/connection/app-oauth',
      headers,
      payload: { clientId: t.zoho!.demoClient.clientId, clientSecret: wrongSecret, code: t.zoho!.mintGrantCode({ scopes: ZOHO_APP_SCOPES }), dataCenter: 'us' },
    });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
    expect(bad.statusCode).toBeLessThan(500);
    // Put the connection back as the first exchange left it (the failed attempts must not have changed it).
    expect((await t.db.prisma.zohoConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } })).state).toBe('CONNECTED');

    sci = await t.db.prisma.smartConnectedItem.create({
      data: { tenantId: tenant.id, name: 'Tenant A deals', syncMode: 'ONE_WAY', jiraProjectId: '10000', jiraProjectKey: 'DEMO', jiraIssueTypeId: '10001', zohoModule: 'Deals' },
    });
    link = await t.db.prisma.recordLink.create({
      data: { tenantId: tenant.id, sciId: sci.id, jiraIssueId: '10001', jiraIssueKey: 'DEMO-1', zohoModule: 'Deals', zohoRecordId: '5725767000000423001', managed: 'MANUAL' },
    });
    await t.db.prisma.syncRun.create({ data: { tenantId: tenant.id, sciId: sci.id, kind: 'POLL', outcome: 'SUCCEEDED', startedAt: new Date(), endedAt: new Date() } });
  });

  it('refuses every forged or invalid FIT with 401 on admin, panel and event routes', async () => {
    const bad: [string, () => Promise<string>][] = [
      ['forged signature', () => t.fit({ sign: { untrustedKey: true } })],
      ['tampered payload', async () => tamper(await t.fit())],
      ['expired', () => t.fit({ claims: { exp: now() - 120, iat: now() - 180, nbf: now() - 180 } })],
      ['not yet valid', () => t.fit({ claims: { nbf: now() + 600 } })],
      ['wrong audience', () => t.fit({ claims: { aud: 'ari:cloud:ecosystem::app/someone-else' } })],
      ['wrong issuer', () => t.fit({ claims: { iss: 'https://evil.example' } })],
      ['no token at all', () => Promise.resolve('')],
      ['garbage', () => Promise.resolve('not.a.jwt')],
    ];
    const routes = [
      { method: 'GET' as const, url: '/api/v1/connection' },
      { method: 'GET' as const, url: '/api/v1/scis' },
      { method: 'GET' as const, url: `/api/v1/scis/${sci.id}` },
      { method: 'DELETE' as const, url: `/api/v1/scis/${sci.id}` },
      { method: 'GET' as const, url: '/api/v1/panel/issues/DEMO-1' },
      { method: 'POST' as const, url: '/api/v1/events/jira', payload: { payload: { eventType: 'avi:jira:updated:issue', issue: { id: '10001' } } } },
    ];
    const answers: Record<string, number> = {};
    for (const [name, make] of bad) {
      const token = await make();
      if (token.length > 20) secrets.set(`bad FIT (${name})`, token);
      for (const r of routes) {
        const res = await server.inject({ ...r, headers: token ? { authorization: `Bearer ${token}`, 'x-forge-oauth-system': t.jira.systemToken } : {} });
        injected += 1;
        answers[`${res.statusCode}`] = (answers[`${res.statusCode}`] ?? 0) + 1;
        expect({ name, route: `${r.method} ${r.url}`, status: res.statusCode }).toEqual({ name, route: `${r.method} ${r.url}`, status: 401 });
      }
    }
    // Nothing was written by any refused request: the SCI is still there and no tenant was made for "evil".
    expect(await t.db.prisma.smartConnectedItem.count({ where: { id: sci.id } })).toBe(1);
    expect(answers).toEqual({ '401': bad.length * routes.length });
  });

  it("refuses tenant B every read and write of tenant A's ids with 404, and changes nothing", async () => {
    const b = await t.headers({ site: 'tenant-b', accountId: 'admin-b' });
    secrets.set('FIT of tenant B', b.authorization!.slice('Bearer '.length));
    const attempts = [
      { method: 'GET' as const, url: `/api/v1/scis/${sci.id}` },
      { method: 'PUT' as const, url: `/api/v1/scis/${sci.id}`, payload: { name: 'hijacked', syncMode: 'ONE_WAY', jiraProjectId: '10000', jiraIssueTypeId: '10001', zohoModule: 'Deals' } },
      { method: 'DELETE' as const, url: `/api/v1/scis/${sci.id}` },
      { method: 'POST' as const, url: `/api/v1/scis/${sci.id}/sync`, payload: {} },
      { method: 'POST' as const, url: `/api/v1/scis/${sci.id}/retry-parked`, payload: {} },
      { method: 'GET' as const, url: `/api/v1/scis/${sci.id}/runs` },
      { method: 'GET' as const, url: `/api/v1/scis/${sci.id}/links` },
      { method: 'POST' as const, url: `/api/v1/scis/${sci.id}/links/${link.id}/resync`, payload: {} },
      { method: 'POST' as const, url: `/api/v1/scis/${sci.id}/resync`, payload: {} },
      { method: 'GET' as const, url: `/api/v1/scis/${sci.id}/temporal` },
      { method: 'DELETE' as const, url: `/api/v1/panel/issues/DEMO-1/links/${link.id}` },
      { method: 'POST' as const, url: `/api/v1/panel/issues/DEMO-1/links/${link.id}/refresh`, payload: {} },
    ];
    const statuses: string[] = [];
    for (const a of attempts) {
      const res = await server.inject({ ...a, headers: b });
      injected += 1;
      statuses.push(`${a.method} ${a.url.replace(sci.id, ':sci').replace(link.id, ':link')} → ${res.statusCode}`);
    }
    expect(statuses.filter((x) => !x.endsWith('→ 404'))).toEqual([]);
    // Tenant B's own list is empty; tenant A's data is untouched.
    const list = await server.inject({ method: 'GET', url: '/api/v1/scis', headers: b });
    expect(list.statusCode).toBe(200);
    expect(JSON.stringify(list.json())).not.toContain(sci.id);
    const still = await t.db.prisma.smartConnectedItem.findUniqueOrThrow({ where: { id: sci.id } });
    expect(still.name).toBe('Tenant A deals');
    expect(await t.db.prisma.recordLink.count({ where: { id: link.id } })).toBe(1);
    // Tenant A itself still reads its SCI.
    const own = await server.inject({ method: 'GET', url: `/api/v1/scis/${sci.id}`, headers: await t.headers({ accountId: 'admin-a' }) });
    expect(own.statusCode).toBe(200);
  });

  it('refuses Zoho callbacks with a wrong channel token, and a consent redirect with a forged state', async () => {
    const tenant = await t.tenant();
    const channelToken = `channel-${randomUUID()}`;
    secrets.set('channel token', channelToken);
    const sealed = sealChannelToken(t.deps.cipher, tenant.id, '1000000077001', channelToken);
    await t.db.prisma.zohoNotificationChannel.create({
      data: { tenantId: tenant.id, channelId: '1000000077001', events: ['Deals.all'], notifyUrl: 'http://127.0.0.1/x', tokenCiphertext: sealed.ciphertext, tokenKeyId: sealed.keyId, expiresAt: new Date(Date.now() + 3600_000) },
    });
    const body = (token: string) => ({ server_time: Date.now(), query_params: {}, module: 'Deals', resource_uri: 'https://www.zohoapis.com/crm/v8/Deals', ids: ['1'], affected_fields: [], operation: 'update', channel_id: '1000000077001', token });
    const wrong = await server.inject({ method: 'POST', url: '/api/v1/callbacks/zoho/notifications', payload: body(`${channelToken}x`) });
    injected += 1;
    expect(wrong.statusCode).toBe(401);
    const code = t.zoho!.mintGrantCode({ scopes: ZOHO_APP_SCOPES });
    secrets.set('grant code in a redirect URL', code);
    const redirect = await server.inject({ method: 'GET', url: `/api/v1/callbacks/zoho/oauth?code=${code}&state=v1.forged.state&location=us` });
    injected += 1;
    expect(redirect.statusCode).toBeGreaterThanOrEqual(400);
    expect(redirect.statusCode).toBeLessThan(500);
  });

  it('never logged a seeded secret', () => {
    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(20); // the logger really was captured
    const leaked = [...secrets].filter(([, v]) => v.length >= 8 && all.includes(v)).map(([k]) => k);
    report('R6 auth, isolation, secrets', { hostileRequests: injected, logLines: lines.length, secretsChecked: secrets.size, leaked });
    expect(leaked).toEqual([]);
  });
});

function tamper(jwt: string): string {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  claims.context = { ...(claims.context as object), cloudId: 'someone-else' };
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}
