// The listening server's own duties: log lines never carry secrets (headers, bodies, the consent
// redirect's code in the URL), and a database outage answers 503, not 500.
import { Writable } from 'node:stream';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZOHO_APP_SCOPES } from '../../clients/zoho';
import { openFrom } from '../../lib/tenant-clients';
import { PrismaClient } from '../../prisma/generated/client';
import { buildServer, loggableUrl } from '../server';
import { createTestApp, type TestApp } from './helper';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
}, 60_000);

afterAll(async () => {
  await t?.close();
});

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, stream };
}

describe('server', () => {
  it('redacts secret query values from logged URLs', () => {
    expect(loggableUrl('/api/v1/callbacks/zoho/oauth?code=1000.abc.def&location=us&state=v1.x.y')).toBe(
      '/api/v1/callbacks/zoho/oauth?code=[redacted]&location=us&state=[redacted]',
    );
    expect(loggableUrl('/healthz')).toBe('/healthz');
  });

  it('logs requests without the FIT, the system token, the client secret, the grant code or the tokens', async () => {
    const { lines, stream } = capture();
    const server = await buildServer({ ...t.deps, config: { ...t.deps.config, LOG_LEVEL: 'trace' } }, { logStream: stream });
    try {
      const headers = await t.headers({ site: 'logs', accountId: 'u1' });
      const code = t.zoho!.mintGrantCode({ scopes: ZOHO_APP_SCOPES, dc: 'us' });
      const body = { ...t.zoho!.demoClient, code, dataCenter: 'us' };
      const res = await server.inject({ method: 'POST', url: '/api/v1/connection/app-oauth', headers, payload: body });
      expect(res.statusCode).toBe(200);
      const cb = await server.inject({ method: 'GET', url: `/api/v1/callbacks/zoho/oauth?code=${code}&state=whatever` });
      expect(cb.statusCode).toBe(400);
      const all = lines.join('');
      expect(all.length).toBeGreaterThan(0);
      expect(all).toContain('/api/v1/connection/app-oauth');
      for (const secret of [headers.authorization!.slice('Bearer '.length), t.jira.systemToken, body.clientSecret, code]) {
        expect(all).not.toContain(secret);
      }
      const row = await t.db.prisma.zohoConnection.findFirstOrThrow({ where: { clientId: body.clientId, tenant: { siteUrl: 'https://logs.atlassian.net' } } });
      expect(row.state).toBe('CONNECTED');
      for (const column of ['zoho.refreshToken', 'zoho.accessToken'] as const) {
        const token = openFrom(t.deps.cipher, row.tenantId, column, column === 'zoho.refreshToken' ? row.refreshTokenCiphertext : row.accessTokenCiphertext);
        expect(token).toBeTruthy();
        expect(all).not.toContain(token);
      }
    } finally {
      await server.close();
    }
  });

  it('answers 503 (not 500) while the database is unreachable', async () => {
    const down = new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgresql://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 500 }) });
    const { stream } = capture();
    const server = await buildServer({ ...t.deps, prisma: down }, { logStream: stream });
    try {
      const res = await server.inject({ method: 'GET', url: '/api/v1/connection', headers: await t.headers({ site: 'down' }) });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ statusCode: 503, message: expect.stringMatching(/database/i) as unknown });
      const health = await server.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200); // the probes are the real ones (t.deps.health), not the broken client
    } finally {
      await server.close();
      await down.$disconnect();
    }
  });
});
