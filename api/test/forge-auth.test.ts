// The FIT check on its own: a scope with the plugin and one route that echoes what the plugin decided,
// over the real test database and the Jira simulator's JWKS.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFrom } from '../../lib/tenant-clients';
import { errorHandler } from '../plugins/error-handler';
import { createFitVerifier, FitRejectedError, forgeAuth, systemTokenExpiry } from '../plugins/forge-auth';
import { fitClaimsFor } from '../../sandbox/jira';
import { createTestApp, type TestApp } from './helper';

let t: TestApp;
let probe: FastifyInstance;

beforeAll(async () => {
  t = await createTestApp();
  probe = Fastify({ logger: false });
  probe.setValidatorCompiler(validatorCompiler);
  probe.setSerializerCompiler(serializerCompiler);
  probe.setErrorHandler(errorHandler);
  await probe.register(async (secured) => {
    await secured.register(forgeAuth, { deps: t.deps });
    secured.get('/whoami', async (request) => ({ tenantId: request.forge.tenant.id, cloudId: request.forge.tenant.cloudId, accountId: request.forge.accountId ?? null }));
  });
  probe.get('/open', async () => ({ ok: true }));
  await probe.ready();
}, 60_000);

afterAll(async () => {
  await probe?.close();
  await t?.close();
});

async function whoami(headers: Record<string, string>) {
  return probe.inject({ method: 'GET', url: '/whoami', headers });
}

describe('forge-auth', () => {
  it('accepts a valid FIT, creates the tenant from its installation claims and stores the system token sealed', async () => {
    const res = await whoami(await t.headers({ accountId: 'user-1' }));
    expect(res.statusCode).toBe(200);
    const body = res.json<{ tenantId: string; cloudId: string; accountId: string | null }>();
    expect(body.cloudId).toBe(t.jira.cloudId);
    expect(body.accountId).toBe('user-1');
    const row = await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: body.tenantId } });
    expect(row.installationId).toBe(t.jira.installationId);
    expect(row.apiBaseUrl).toBe(t.jira.apiBaseUrl);
    expect(row.forgeSystemTokenCiphertext).not.toBeNull();
    // Sealed, not stored in clear, and bound to this tenant.
    expect(Buffer.from(row.forgeSystemTokenCiphertext!).toString('utf8')).not.toContain(t.jira.systemToken);
    expect(openFrom(t.deps.cipher, row.id, 'forge.systemToken', row.forgeSystemTokenCiphertext)).toBe(t.jira.systemToken);

    // A second call reuses the same tenant.
    const again = await whoami(await t.headers({ accountId: null }));
    expect(again.json<{ tenantId: string }>().tenantId).toBe(body.tenantId);
    expect(again.json<{ accountId: string | null }>().accountId).toBeNull();
  });

  it('keeps two sites apart', async () => {
    const a = (await whoami(await t.headers({ site: 'alpha' }))).json<{ tenantId: string }>();
    const b = (await whoami(await t.headers({ site: 'beta' }))).json<{ tenantId: string }>();
    expect(a.tenantId).not.toBe(b.tenantId);
  });

  it('keeps the tenant (and its data) when the app is reinstalled on the same site', async () => {
    const first = (await whoami(await t.headers({ site: 'reinstall' }))).json<{ tenantId: string }>();
    const inst = t.installation('reinstall');
    const fresh = `${inst.installationId}-again`;
    const res = await whoami({
      authorization: `Bearer ${await t.fit({ site: 'reinstall', claims: { app: { ...claimsApp('reinstall'), installationId: fresh } } })}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ tenantId: string }>().tenantId).toBe(first.tenantId);
    expect((await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: first.tenantId } })).installationId).toBe(fresh);
  });

  it('replaces the stored system token only with a newer one', async () => {
    const tenant = await t.tenant('tokens');
    const now = Math.floor(Date.now() / 1000);
    const jwtLike = (exp: number) => `${b64({ alg: 'none' })}.${b64({ exp })}.sig`;
    const later = jwtLike(now + 3 * 3600);
    const earlier = jwtLike(now + 3600);
    expect(systemTokenExpiry(later).getTime()).toBe((now + 3 * 3600) * 1000);

    await whoami(await t.headers({ site: 'tokens', systemToken: later }));
    await whoami(await t.headers({ site: 'tokens', systemToken: earlier }));
    const row = await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(openFrom(t.deps.cipher, row.id, 'forge.systemToken', row.forgeSystemTokenCiphertext)).toBe(later);
    expect(row.forgeSystemTokenExpiresAt?.getTime()).toBe((now + 3 * 3600) * 1000);

    // Already expired tokens are never stored.
    await whoami(await t.headers({ site: 'tokens', systemToken: jwtLike(now - 10) }));
    const same = await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(openFrom(t.deps.cipher, same.id, 'forge.systemToken', same.forgeSystemTokenCiphertext)).toBe(later);
  });

  it('leaves public routes alone', async () => {
    expect((await probe.inject({ method: 'GET', url: '/open' })).statusCode).toBe(200);
  });

  describe('refuses with 401 and a JSON body, and writes nothing', () => {
    const cases: [string, () => Promise<Record<string, string>>][] = [
      ['no Authorization header', async () => ({})],
      ['a non-Bearer scheme', async () => ({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })],
      ['garbage instead of a JWT', async () => ({ authorization: 'Bearer not.a.jwt' })],
      ['a forged signature (key not in the JWKS)', async () => ({ authorization: `Bearer ${await t.fit({ site: 'evil', sign: { untrustedKey: true } })}` })],
      ['a tampered payload', async () => ({ authorization: `Bearer ${tamper(await t.fit({ site: 'evil' }))}` })],
      ['an expired token', async () => ({ authorization: `Bearer ${await t.fit({ site: 'evil', claims: { exp: Math.floor(Date.now() / 1000) - 120, iat: Math.floor(Date.now() / 1000) - 180, nbf: Math.floor(Date.now() / 1000) - 180 } })}` })],
      ['a token not valid yet', async () => ({ authorization: `Bearer ${await t.fit({ site: 'evil', claims: { nbf: Math.floor(Date.now() / 1000) + 600 } })}` })],
      ['the wrong audience', async () => ({ authorization: `Bearer ${await t.fit({ site: 'evil', claims: { aud: 'ari:cloud:ecosystem::app/someone-else' } })}` })],
      ['the wrong issuer', async () => ({ authorization: `Bearer ${await t.fit({ site: 'evil', claims: { iss: 'https://evil.example' } })}` })],
      ['no installation claims', async () => ({ authorization: `Bearer ${await t.fit({ site: 'evil', claims: { app: { id: t.jira.appId } as never } })}` })],
    ];
    for (const [name, headers] of cases) {
      it(name, async () => {
        const before = await t.db.prisma.tenant.count();
        const res = await whoami({ ...(await headers()), 'x-forge-oauth-system': 'should-not-be-stored' });
        expect(res.statusCode).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        const body = res.json<{ statusCode: number; error: string; message: string }>();
        expect(body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
        expect(body.message.length).toBeGreaterThan(0);
        expect(res.body).not.toContain('eyJ');
        expect(await t.db.prisma.tenant.count()).toBe(before);
      });
    }
  });
});

describe('JWKS key rotation', () => {
  it('accepts tokens signed with a key published after the first fetch (unknown kid → refetch)', async () => {
    const keys: JWK[] = [];
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const appId = t.jira.appId;
      const verifier = createFitVerifier({ appId, jwksUrl: `http://127.0.0.1:${port}/jwks.json`, cooldownMs: 0 });
      const makeKey = async (kid: string) => {
        const { privateKey, publicKey } = await generateKeyPair('RS256');
        keys.push({ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' });
        return async () =>
          new SignJWT({ app: fitClaimsFor(t.installation()).app })
            .setProtectedHeader({ alg: 'RS256', kid })
            .setIssuer('forge/invocation-token')
            .setAudience(appId)
            .setIssuedAt()
            .setExpirationTime('1m')
            .sign(privateKey);
      };
      const signOld = await makeKey('old');
      await expect(verifier.verify(await signOld())).resolves.toMatchObject({ app: { id: appId } });
      const signNew = await makeKey('new');
      keys.splice(0, 1); // Forge retires the old key
      await expect(verifier.verify(await signNew())).resolves.toMatchObject({ app: { id: appId } });
      await expect(verifier.verify(await signOld())).rejects.toBeInstanceOf(FitRejectedError);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

function b64(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

function tamper(jwt: string): string {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { app: { installationId: string } };
  payload.app.installationId = 'ari:cloud:ecosystem::installation/stolen';
  return `${h}.${b64(payload)}.${s}`;
}

function claimsApp(site: string) {
  return fitClaimsFor(t.installation(site)).app;
}
