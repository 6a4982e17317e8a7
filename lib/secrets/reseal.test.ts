// Key rotation completes, on a real database: values sealed under key A, the keyring rotated to B (A kept
// as previous), re-sealed on read by the token stores and by the walk (`npm run secrets:reseal`); then a
// keyring without A still reads every secret through the product's readers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxZohoEndpoints } from '../../clients/zoho';
import { userTokenStore } from '../../api/services/zoho-access';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { channelTokenColumn, sealChannelToken } from '../channels';
import { connectionTokenStore, TenantClients } from '../tenant-clients';
import { generateSecretsKey, SecretCipher } from './cipher';
import { openFrom, sealTo, signInVerifierColumn, userTokenColumn } from './columns';
import { countSealed, formatResealReport, resealAll, SEALED_TABLES, sealedKeyId } from './reseal';

let db: TestDatabase;
const keyA = generateSecretsKey();
const keyB = generateSecretsKey();
const onlyA = new SecretCipher(keyA);
const rotated = new SecretCipher(keyB, [keyA]);
const onlyB = new SecretCipher(keyB);
const A = onlyA.keyId;
const B = onlyB.keyId;
const zohoEndpoints = sandboxZohoEndpoints('http://127.0.0.1:9');
let tenantId = '';
const users = ['acct-1', 'acct-2'];
const nonce = 'a'.repeat(32);

beforeAll(async () => {
  db = await createTestDatabase();
  const p = db.prisma;
  const tenant = await p.tenant.create({
    data: { installationId: 'ari:cloud:ecosystem::installation/reseal', cloudId: 'cloud-reseal', apiBaseUrl: 'http://127.0.0.1:9/jira' },
  });
  tenantId = tenant.id;
  const sys = sealTo(onlyA, tenantId, 'forge.systemToken', 'forge-system-token');
  await p.tenant.update({ where: { id: tenantId }, data: { forgeSystemTokenCiphertext: sys.ciphertext, forgeSystemTokenKeyId: sys.keyId } });
  const secret = sealTo(onlyA, tenantId, 'zoho.clientSecret', 'client-secret');
  const refresh = sealTo(onlyA, tenantId, 'zoho.refreshToken', 'app-refresh');
  const access = sealTo(onlyA, tenantId, 'zoho.accessToken', 'app-access');
  await p.zohoConnection.create({
    data: {
      tenantId,
      mode: 'APP_OAUTH',
      state: 'CONNECTED',
      dataCenter: 'us',
      apiDomain: zohoEndpoints.us.apiDomain,
      clientId: '1000.CLIENT',
      clientSecretCiphertext: secret.ciphertext,
      clientSecretKeyId: secret.keyId,
      refreshTokenCiphertext: refresh.ciphertext,
      refreshTokenKeyId: refresh.keyId,
      accessTokenCiphertext: access.ciphertext,
      accessTokenKeyId: access.keyId,
      accessTokenExpiresAt: new Date(Date.now() + 3600_000),
    },
  });
  for (const u of users) {
    const r = sealTo(onlyA, tenantId, userTokenColumn.refresh(u), `refresh-${u}`);
    const a = sealTo(onlyA, tenantId, userTokenColumn.access(u), `access-${u}`);
    await p.zohoUserToken.create({
      data: { tenantId, jiraAccountId: u, state: 'CONNECTED', refreshTokenCiphertext: r.ciphertext, refreshTokenKeyId: r.keyId, accessTokenCiphertext: a.ciphertext, accessTokenKeyId: a.keyId },
    });
  }
  const ch = sealChannelToken(onlyA, tenantId, '111', 'channel-token-111');
  await p.zohoNotificationChannel.create({
    data: { tenantId, channelId: '111', events: ['Deals.all'], notifyUrl: 'http://x/n', tokenCiphertext: ch.ciphertext, tokenKeyId: ch.keyId, expiresAt: new Date(Date.now() + 3600_000) },
  });
  const v = sealTo(onlyA, tenantId, signInVerifierColumn(nonce), 'verifier-'.padEnd(43, 'v'));
  await p.zohoSignIn.create({ data: { id: nonce, tenantId, jiraAccountId: users[0]!, codeVerifierCiphertext: v.ciphertext, codeVerifierKeyId: v.keyId, expiresAt: new Date(Date.now() + 600_000) } });
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

describe('secrets re-seal after a key rotation', () => {
  it('starts with every value under key A', async () => {
    expect(await countSealed(db.prisma)).toEqual({ [A]: 10 });
  });

  it('re-seals on read where the reader writes: the token stores, with the key id columns', async () => {
    // After the rotation a new channel is sealed under B already.
    const ch = sealChannelToken(rotated, tenantId, '222', 'channel-token-222');
    await db.prisma.zohoNotificationChannel.create({
      data: { tenantId, channelId: '222', events: ['Deals.all'], notifyUrl: 'http://x/n', tokenCiphertext: ch.ciphertext, tokenKeyId: ch.keyId, expiresAt: new Date(Date.now() + 3600_000) },
    });
    const tokens = await connectionTokenStore(db.prisma, rotated, tenantId).load();
    expect(tokens).toMatchObject({ refreshToken: 'app-refresh', accessToken: 'app-access' });
    const connection = await db.prisma.zohoConnection.findUniqueOrThrow({ where: { tenantId } });
    expect([connection.clientSecretKeyId, connection.refreshTokenKeyId, connection.accessTokenKeyId]).toEqual([B, B, B]);
    expect(sealedKeyId(connection.refreshTokenCiphertext!)).toBe(B);

    const clients = new TenantClients({ prisma: db.prisma, cipher: rotated, zohoEndpoints });
    const user = await userTokenStore({ prisma: db.prisma, cipher: rotated, clients, zohoEndpoints }, connection, users[0]!).load();
    expect(user).toMatchObject({ refreshToken: 'refresh-acct-1', accessToken: 'access-acct-1' });
    const row = await db.prisma.zohoUserToken.findFirstOrThrow({ where: { tenantId, jiraAccountId: users[0]! } });
    expect([row.refreshTokenKeyId, row.accessTokenKeyId]).toEqual([B, B]);

    // Left for the walk: the Forge token, the other user's two, channel 111 and the sign-in's verifier.
    expect(await countSealed(db.prisma)).toEqual({ [A]: 5, [B]: 6 });
  });

  it('never overwrites a value a concurrent writer replaced (conditional update)', async () => {
    const field = SEALED_TABLES.ZohoUserToken.fields[0]!;
    const row = await db.prisma.zohoUserToken.findFirstOrThrow({ where: { tenantId, jiraAccountId: users[1]! } });
    const stale = new Uint8Array(Buffer.from('v1.stale.value.not.this'));
    const changed = await field.replace(db.prisma, row, stale, sealTo(rotated, tenantId, userTokenColumn.refresh(users[1]!), 'overwritten'));
    expect(changed).toBe(0);
    const again = await db.prisma.zohoUserToken.findUniqueOrThrow({ where: { id: row.id } });
    expect(openFrom(rotated, tenantId, userTokenColumn.refresh(users[1]!), again.refreshTokenCiphertext)).toBe('refresh-acct-2');
  });

  it('the walk re-seals the rest in batches and says key A can be retired', async () => {
    const report = await resealAll(db.prisma, rotated, { batchSize: 1 });
    expect(report.before).toEqual({ [A]: 5, [B]: 6 });
    expect(report.resealed).toBe(5);
    expect(report.failed).toEqual([]);
    expect(report.after).toEqual({ [B]: 11 });
    const lines = formatResealReport(report, rotated.keyIds);
    expect(lines).toContain(`  key ${A}: 0 values (can be retired)`);
    expect(lines).toContain(`  key ${B}: 11 values (current)`);
    expect(lines).toContain(`  key ${A}: 5 values`);
    // Key id columns follow the values.
    const t = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(t.forgeSystemTokenKeyId).toBe(B);
    const signIn = await db.prisma.zohoSignIn.findUniqueOrThrow({ where: { id: nonce } });
    expect(signIn.codeVerifierKeyId).toBe(B);
    // Running it again finds nothing to do.
    expect((await resealAll(db.prisma, rotated)).resealed).toBe(0);
  });

  it('a keyring without key A reads every secret through the product readers', async () => {
    const clients = new TenantClients({ prisma: db.prisma, cipher: onlyB, zohoEndpoints });
    await expect(clients.zoho(tenantId)).resolves.toBeDefined(); // opens the client secret
    expect(await connectionTokenStore(db.prisma, onlyB, tenantId).load()).toMatchObject({ refreshToken: 'app-refresh', accessToken: 'app-access' });
    const connection = await db.prisma.zohoConnection.findUniqueOrThrow({ where: { tenantId } });
    for (const u of users) {
      expect(await userTokenStore({ prisma: db.prisma, cipher: onlyB, clients, zohoEndpoints }, connection, u).load()).toMatchObject({
        refreshToken: `refresh-${u}`,
        accessToken: `access-${u}`,
      });
    }
    const t = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(openFrom(onlyB, tenantId, 'forge.systemToken', t.forgeSystemTokenCiphertext)).toBe('forge-system-token');
    for (const channelId of ['111', '222']) {
      const ch = await db.prisma.zohoNotificationChannel.findFirstOrThrow({ where: { tenantId, channelId } });
      expect(openFrom(onlyB, tenantId, channelTokenColumn(channelId), ch.tokenCiphertext)).toBe(`channel-token-${channelId}`);
    }
    const signIn = await db.prisma.zohoSignIn.findUniqueOrThrow({ where: { id: nonce } });
    expect(openFrom(onlyB, tenantId, signInVerifierColumn(nonce), signIn.codeVerifierCiphertext)).toBe('verifier-'.padEnd(43, 'v'));
    // And key A alone opens none of them any more.
    expect(() => openFrom(onlyA, tenantId, 'forge.systemToken', t.forgeSystemTokenCiphertext)).toThrow(/unknown key/);
  });
});
