// R3: Zoho and Jira answer 429 and 5xx for a while (the simulators' own fault controls) while CRM records are
// created and edited. Retries are counted from what the simulators answered: they stay bounded (no storm of
// our own), and after the storm every record lands on exactly one issue with its final values.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncStack, type SyncStack } from '../support/sync-stack';
import { checkLanded, DEAL_SCI, ExchangeTally, report, simEditDeal, simInsertDeals, sleep } from './support';

const STORM_MS = 10_000;
const RECORDS = 12;

const zohoTally = new ExchangeTally();
const jiraTally = new ExchangeTally();
let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack({ app: { zohoSimulator: { onExchange: zohoTally.hook }, jira: { onExchange: jiraTally.hook } } });
}, 180_000);

afterAll(async () => {
  await s?.close();
});

describe('R3: vendor 429/5xx storms', () => {
  it('retries stay bounded and everything lands after the storm', async () => {
    const sci = await s.createSci({ name: `r3-${randomUUID().slice(0, 6)}`, ...DEAL_SCI }, { pollIntervalMs: 1000 });
    const before = { zoho: zohoTally.calls, jira: jiraTally.calls, zohoFailed: zohoTally.failures, jiraFailed: jiraTally.failures };

    // Zoho: a 429 storm for the first seconds (with Retry-After, which Zoho itself does not document), then
    // half of all calls answer 500 or 503 until the storm is over.
    s.t.zoho!.setFaults({
      rateLimitStorm: { durationMs: 3000, retryAfterSeconds: 1 },
      errors: [
        { endpoint: '*', rate: 0.3, status: 500 },
        { endpoint: '*', rate: 0.3, status: 503 },
      ],
    });
    // Jira: creates rate-limited, searches and edits failing with 5xx, a few dropped connections.
    s.t.jira.addFault({ method: 'POST', path: '/rest/api/3/issue$', status: 429, retryAfterSeconds: 1, times: 6, rateLimitReason: 'jira-burst-based' });
    s.t.jira.addFault({ path: '/search/jql$', status: 503, times: 6 });
    s.t.jira.addFault({ method: 'PUT', path: '/rest/api/3/issue/', status: 502, times: 6 });
    s.t.jira.addFault({ path: '/rest/api/3/', status: 0, times: 2 });
    const stormStart = Date.now();

    // The people keep working through the storm (their writes go through the simulator's control surface,
    // which the storm does not touch): new deals, then two rounds of edits a second apart.
    const ids = await simInsertDeals(s, Array.from({ length: RECORDS }, (_, i) => ({ Deal_Name: `R3 deal ${i} ${randomUUID().slice(0, 6)}`, Amount: 1 })));
    const expected = new Map<string, { field: string; value: unknown }>();
    for (let e = 1; e <= 2; e++) {
      await sleep(1100);
      const amount = e * 100;
      for (const id of ids) {
        await simEditDeal(s, id, { Amount: amount });
        expected.set(id, { field: 'customfield_10034', value: amount });
      }
    }
    await sleep(Math.max(0, STORM_MS - (Date.now() - stormStart)));
    s.t.zoho!.setFaults({});
    s.t.jira.clearFaults();
    const stormSeconds = (Date.now() - stormStart) / 1000;
    const during = {
      zohoCalls: zohoTally.calls - before.zoho,
      jiraCalls: jiraTally.calls - before.jira,
      zohoInjected: zohoTally.failures - before.zohoFailed,
      jiraInjected: jiraTally.failures - before.jiraFailed,
    };

    const final = await s.eventually(async () => checkLanded(s, sci, expected), (c) => c.lost.length === 0 && c.stale.length === 0, 180_000);
    const recovered = (Date.now() - stormStart) / 1000;
    const parked = (await s.status(sci)).parkedEvents;
    report('R3 vendor storms', {
      stormSeconds: Math.round(stormSeconds),
      zohoFaultsInjected: during.zohoInjected,
      jiraFaultsInjected: during.jiraInjected,
      zohoCallsDuringStorm: during.zohoCalls,
      jiraCallsDuringStorm: during.jiraCalls,
      callsPerSecondDuringStorm: Number(((during.zohoCalls + during.jiraCalls) / stormSeconds).toFixed(1)),
      allLandedAfterSeconds: Math.round(recovered),
      records: expected.size,
      lost: final.lost.length,
      duplicated: final.duplicated.length,
      jiraIssueCreates: jiraTally.issueCreates,
    });
    // Faults really were injected on both sides, and retried.
    expect(during.zohoInjected).toBeGreaterThan(3);
    expect(during.jiraInjected + zohoTally.count(429)).toBeGreaterThan(3);
    // Bounded: a retry loop without backoff would make hundreds of calls per second. One SCI polling every
    // second plus backed-off retries stays within a few.
    expect((during.zohoCalls + during.jiraCalls) / stormSeconds).toBeLessThan(15);
    expect(final.duplicated).toEqual([]);
    expect(jiraTally.issueCreates).toBe(RECORDS);
    expect(parked).toBe(0);
    await s.t.deps.workflows.stop(sci, 'test done');
  }, 300_000);
});
