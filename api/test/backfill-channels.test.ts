// The admin page's view of F34 and F33 through the API on the real stack (Temporal, both simulators, a
// worker with the real activities): creating an SCI that asks for a backfill imports the records that
// already exist, progress is readable while it runs and after, starting it again is safe, and the
// notification channels of the site are listed with what their keeper last did.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';
import { backfillWorkflowId } from '../../workflows/backfill-messages';
import type { BackfillDto } from '../../contracts/scis';

let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack({ app: { env: { ZOHO_NOTIFICATIONS: 'true', PUBLIC_URL: 'http://127.0.0.1:9' } } });
}, 180_000);

afterAll(async () => {
  await s?.close();
});

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
  return s.t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: await s.t.headers({ accountId: 'admin-1' }),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

const body = (name: string, options: Record<string, unknown>) => ({
  name,
  syncMode: 'ONE_WAY',
  jiraProjectId: 'DEMO',
  jiraIssueTypeId: '10001',
  zohoModule: 'Deals',
  fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary' }],
  options,
});

describe('backfill through the API (F34)', () => {
  it('creating an SCI with IMPORT imports the existing records; progress shows it; a second start adds nothing', async () => {
    const tag = randomUUID().slice(0, 6);
    const res = await fetch(`${s.t.zoho!.url}/__sandbox/records/Deals/bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 120, values: { Deal_Name: `API backfill ${tag} {n}`, Stage: 'Qualification' } }),
    });
    expect(res.status).toBe(201);
    await new Promise((r) => setTimeout(r, 1100)); // the SCI is created strictly after these records

    const created = await call('POST', '/scis', body(`api-backfill-${tag}`, { backfill: { mode: 'IMPORT' } }));
    expect(created.statusCode).toBe(201);
    const sci = created.json<{ id: string; enabledOptions: string[] }>();
    expect(sci.enabledOptions).toContain('backfill');

    const done = await s.eventually(
      async () => (await call('GET', `/scis/${sci.id}/backfill`)).json<BackfillDto>(),
      (b) => b.progress?.phase === 'succeeded',
      120_000,
    );
    expect(done.configuredMode).toBe('IMPORT');
    expect(done.progress).toMatchObject({ mode: 'IMPORT', failed: 0 });
    expect(done.progress!.created).toBeGreaterThanOrEqual(120);
    expect(done.temporalUiUrl).toContain(encodeURIComponent(backfillWorkflowId(s.tenant.id, sci.id)));
    const links = await s.t.db.prisma.recordLink.count({ where: { sciId: sci.id } });
    expect(links).toBe(done.progress!.created);

    // Again, by hand: records linked already are skipped, nothing is created twice.
    const again = await call('POST', `/scis/${sci.id}/backfill`);
    expect(again.statusCode).toBe(202);
    const second = await s.eventually(
      async () => (await call('GET', `/scis/${sci.id}/backfill`)).json<BackfillDto>(),
      (b) => b.progress?.phase === 'succeeded' && b.progress.startedAt !== done.progress!.startedAt,
      120_000,
    );
    expect(second.progress!.created).toBe(0);
    expect(await s.t.db.prisma.recordLink.count({ where: { sciId: sci.id } })).toBe(links);

    // Deleting the SCI leaves no backfill behind; cancelling one that is not running is harmless.
    expect((await call('POST', `/scis/${sci.id}/backfill/cancel`)).statusCode).toBe(200);
    expect((await call('DELETE', `/scis/${sci.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/scis/${sci.id}/backfill`)).statusCode).toBe(404);
  }, 240_000);

  it('refuses to start a backfill the item does not ask for, and shows none ran', async () => {
    const created = await call('POST', '/scis', body(`api-no-backfill-${randomUUID().slice(0, 6)}`, {}));
    expect(created.statusCode).toBe(201);
    const sci = created.json<{ id: string }>();
    const view = (await call('GET', `/scis/${sci.id}/backfill`)).json<BackfillDto>();
    expect(view).toMatchObject({ configuredMode: 'NONE', progress: null });
    const refused = await call('POST', `/scis/${sci.id}/backfill`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ message: string }>().message).toMatch(/Choose a backfill mode/);
  });

  it('another site sees none of it (404)', async () => {
    const created = await call('POST', '/scis', body(`api-iso-${randomUUID().slice(0, 6)}`, {}));
    const sci = created.json<{ id: string }>();
    const other = await s.t.app.inject({ method: 'GET', url: `/api/v1/scis/${sci.id}/backfill`, headers: await s.t.headers({ site: 'elsewhere', accountId: 'x' }) });
    expect(other.statusCode).toBe(404);
    const start = await s.t.app.inject({ method: 'POST', url: `/api/v1/scis/${sci.id}/backfill`, headers: await s.t.headers({ site: 'elsewhere', accountId: 'x' }) });
    expect(start.statusCode).toBe(404);
  });
});

describe('notification channels through the API (F33)', () => {
  it('lists the channel of each synced module with its expiry and what the keeper did', async () => {
    const channels = await s.eventually(
      async () =>
        (await call('GET', '/connection/channels')).json<{
          enabled: boolean;
          channels: { module: string; state: string; expiresAt: string }[];
          keeper: { reconciliations: number; lastError: string | null } | null;
          keeperQuery: string;
        }>(),
      (c) => c.keeperQuery === 'ok' && c.channels.some((ch) => ch.module === 'Deals'),
      60_000,
    );
    expect(channels.enabled).toBe(true);
    const deals = channels.channels.find((c) => c.module === 'Deals')!;
    expect(deals.state).toBe('ACTIVE');
    expect(Date.parse(deals.expiresAt)).toBeGreaterThan(Date.now());
    expect(channels.keeper!.reconciliations).toBeGreaterThan(0);

    const other = await s.t.app.inject({ method: 'GET', url: '/api/v1/connection/channels', headers: await s.t.headers({ site: 'elsewhere', accountId: 'x' }) });
    expect(other.json<{ channels: unknown[] }>().channels).toEqual([]);
  });
});
