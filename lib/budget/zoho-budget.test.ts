// The Zoho budget's accounting against a real database with a controlled clock: what a call costs, the
// rolling 24 h window over hourly rows, when a pause lifts, Zoho's own remaining count, and overlap.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZohoCallInfo } from '../../clients/zoho';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { budgetPauseMessage, creditCost, ZohoBudget } from './zoho-budget';

const HOUR = 3_600_000;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

async function tenant(): Promise<string> {
  const id = randomUUID();
  await db.prisma.tenant.create({ data: { id, installationId: `inst-${id}`, cloudId: `cloud-${id}`, apiBaseUrl: 'https://example.invalid' } });
  return id;
}

const call = (over: Partial<ZohoCallInfo> = {}): ZohoCallInfo => ({
  operation: 'records.list',
  method: 'GET',
  target: 'https://www.zohoapis.com/crm/v8/Deals',
  status: 200,
  durationMs: 0,
  ...over,
});

describe('creditCost', () => {
  it('charges API calls, not token calls or refused ones', () => {
    expect(creditCost(call())).toBe(1);
    expect(creditCost(call({ operation: 'records.deleted' }))).toBe(2);
    expect(creditCost(call({ target: 'https://accounts.zoho.com/oauth/v2/token', operation: 'oauth.refresh' }))).toBe(0);
    expect(creditCost(call({ status: 429 }))).toBe(0);
    expect(creditCost(call({ status: 304 }))).toBe(1);
  });
});

describe('ZohoBudget', () => {
  it('pauses at its share over the rolling window and lifts when the oldest hours have rolled out', async () => {
    const t = await tenant();
    let now = Date.UTC(2026, 0, 10, 9, 30);
    const budget = new ZohoBudget({ prisma: db.prisma, dailyCredits: 10, pauseShare: 0.8, now: () => now, flushIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) budget.record(t, call()); // 09:xx: 5 credits
    now += 2 * HOUR;
    for (let i = 0; i < 3; i++) budget.record(t, call()); // 11:xx: 3 credits
    let s = await budget.status(t);
    expect(s).toMatchObject({ used: 8, limit: 10, pauseAt: 8, paused: true, reportedRemaining: null });
    // The 09:00 hour leaves the window at 10:00 the next day; then 3 < 8.
    expect(s.resumesAt).toBe(new Date(Date.UTC(2026, 0, 11, 10, 0)).toISOString());
    expect(budgetPauseMessage(s)).toBe(`Paused: Zoho API budget — 8 of 10 credits used in the last 24 h (automation pauses at 80%); resumes around ${s.resumesAt}.`);
    now = Date.UTC(2026, 0, 11, 10, 1);
    s = await budget.status(t);
    expect(s).toMatchObject({ used: 3, paused: false, resumesAt: null });
    await budget.close();
  });

  it("takes Zoho's X-API-CREDITS-REMAINING when it says more is used, and forgets it once stale", async () => {
    const t = await tenant();
    let now = Date.UTC(2026, 0, 12, 9, 0);
    const budget = new ZohoBudget({ prisma: db.prisma, dailyCredits: 100, pauseShare: 0.9, now: () => now, flushIntervalMs: 60_000 });
    budget.record(t, call({ creditsRemaining: 5 })); // other integrations of the org used the rest
    let s = await budget.status(t);
    expect(s).toMatchObject({ used: 95, reportedRemaining: 5, paused: true });
    expect(s.resumesAt).toBe(new Date(now + 10 * 60_000).toISOString());
    now += 11 * 60_000;
    s = await budget.status(t);
    expect(s).toMatchObject({ used: 1, reportedRemaining: null, paused: false });
    await budget.close();
  });

  it('counts each tenant on its own, and the most calls seen in flight at once', async () => {
    const [a, b] = [await tenant(), await tenant()];
    let now = Date.UTC(2026, 0, 13, 9, 0);
    const budget = new ZohoBudget({ prisma: db.prisma, dailyCredits: 100, pauseShare: 0.9, now: () => now, flushIntervalMs: 60_000 });
    // Three calls of 100 ms ending at +50, +60, +70 overlap; a fourth after them does not.
    for (const end of [50, 60, 70, 500]) {
      now = Date.UTC(2026, 0, 13, 9, 0) + end;
      budget.record(a, call({ durationMs: 100 }));
    }
    budget.record(b, call());
    await budget.flush();
    // Counted twice through flushes, still one row per tenant and hour.
    budget.record(a, call());
    const sa = await budget.status(a);
    expect(sa.used).toBe(5);
    expect(sa.peakConcurrency).toBe(3);
    expect((await budget.status(b)).used).toBe(1);
    expect(await db.prisma.apiBudgetCounter.count({ where: { tenantId: a } })).toBe(1);
    await budget.close();
  });
});
