// R4: Zoho revokes the connector's authorization (the simulator's token control). The connection is flagged
// "re-authentication required", the SCI workflow is blocked, and it stays quiet: Zoho calls are counted over
// half a minute of a 1-second poll interval and must stay at (almost) nothing. After the admin reconnects
// (a new grant code exchanged, the connection row updated, configChanged signalled) it syncs again and the
// record made while it was blocked lands.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZohoOAuth, ZOHO_APP_SCOPES } from '../../clients/zoho';
import { sealTo } from '../../lib/tenant-clients';
import { startSyncStack, type SyncStack } from '../support/sync-stack';
import { checkLanded, DEAL_SCI, ExchangeTally, report, simInsertDeals, sleep } from './support';

const QUIET_WINDOW_MS = 30_000;

const zohoTally = new ExchangeTally();
let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack({ app: { env: { SCI_POLL_INTERVAL: '1s' }, zohoSimulator: { onExchange: zohoTally.hook } } });
}, 180_000);

afterAll(async () => {
  await s?.close();
});

describe('R4: Zoho token revoked', () => {
  it('flags the connection, blocks without a hot loop, and resumes after reconnect', async () => {
    const sci = await s.createSci({ name: `r4-${randomUUID().slice(0, 6)}`, ...DEAL_SCI });
    const [first] = await simInsertDeals(s, [{ Deal_Name: `R4 before ${randomUUID().slice(0, 6)}`, Amount: 10 }]);
    await s.eventually(async () => checkLanded(s, sci, new Map([[first!, { field: 'customfield_10034', value: 10 }]])), (c) => c.lost.length === 0, 60_000);

    const revoked = await fetch(`${s.t.zoho!.url}/__sandbox/tokens/revoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(revoked.status).toBe(200);
    const [during] = await simInsertDeals(s, [{ Deal_Name: `R4 while blocked ${randomUUID().slice(0, 6)}`, Amount: 20 }]);

    const connection = await s.eventually(
      () => s.t.db.prisma.zohoConnection.findUniqueOrThrow({ where: { tenantId: s.tenant.id } }),
      (c) => c.state === 'REAUTH_REQUIRED',
      60_000,
    );
    expect(connection.lastError ?? '').toMatch(/Reconnect App OAuth 2\.0/);
    const blocked = await s.eventually(() => s.status(sci), (st) => st.state === 'blocked', 60_000);
    expect(blocked.lastError ?? '').toMatch(/reconnect|re-?auth/i);

    // No hot loop: a blocked SCI with a 1 s poll interval makes no Zoho calls at all.
    const callsBefore = zohoTally.calls;
    const runsBefore = blocked.runs;
    await sleep(QUIET_WINDOW_MS);
    const callsWhileBlocked = zohoTally.calls - callsBefore;
    const after = await s.status(sci);
    expect(after.state).toBe('blocked');
    expect(callsWhileBlocked).toBeLessThanOrEqual(2);
    expect(after.runs - runsBefore).toBeLessThanOrEqual(1);

    // The admin reconnects: a fresh grant code exchanged for a new refresh token, stored sealed.
    const zohoSim = s.t.zoho!;
    const tokens = await createZohoOAuth({ credentials: zohoSim.demoClient, endpoints: s.t.zohoEndpoints }).exchangeGrantCode({
      dc: 'us',
      code: zohoSim.mintGrantCode({ scopes: ZOHO_APP_SCOPES }),
    });
    const refresh = sealTo(s.t.deps.cipher, s.tenant.id, 'zoho.refreshToken', tokens.refreshToken);
    await s.t.db.prisma.zohoConnection.update({
      where: { tenantId: s.tenant.id },
      data: {
        state: 'CONNECTED',
        refreshTokenCiphertext: refresh.ciphertext,
        refreshTokenKeyId: refresh.keyId,
        accessTokenCiphertext: null,
        accessTokenKeyId: null,
        accessTokenExpiresAt: null,
        lastError: null,
        lastErrorAt: null,
        connectedAt: new Date(),
      },
    });
    await s.t.deps.workflows.control(sci, 'configChanged');

    const landed = await s.eventually(
      async () => checkLanded(s, sci, new Map([[during!, { field: 'customfield_10034', value: 20 }]])),
      (c) => c.lost.length === 0 && c.stale.length === 0,
      60_000,
    );
    const resumed = await s.eventually(() => s.status(sci), (st) => st.state !== 'blocked' && st.lastRun?.outcome === 'ok', 30_000);
    report('R4 token revoked', {
      faultsInjected: 1,
      connectionState: connection.state,
      workflowState: blocked.state,
      quietWindowSeconds: QUIET_WINDOW_MS / 1000,
      pollIntervalSeconds: 1,
      zohoCallsWhileBlocked: callsWhileBlocked,
      resumedState: resumed.state,
      recordMadeWhileBlockedLanded: landed.lost.length === 0,
      duplicated: landed.duplicated.length,
    });
    expect(landed.duplicated).toEqual([]);
    await s.t.deps.workflows.stop(sci, 'test done');
  }, 240_000);
});
