// R3: Zoho and Jira answer 429 and 5xx for a while (the simulators' own fault controls) while CRM records are
// created and edited. Retries are counted from what the simulators answered: they stay bounded (no storm of
// our own), and after the storm every record lands on exactly one issue with its final values.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncStack, type SyncStack } from '../support/sync-stack';
import { checkLanded, DEAL_SCI, ExchangeTally, report, simEditDeal, simInsertDeals, sleep } from './support';

const RECORDS = 12;

const zohoTally = new ExchangeTally();
const jiraTally = new ExchangeTally();
let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack({ app: { env: { SCI_POLL_INTERVAL: '1s' }, zohoSimulator: { onExchange: zohoTally.hook }, jira: { onExchange: jiraTally.hook } } });
}, 180_000);

afterAll(async () => {
  await s?.close();
});

describe('R3: vendor 429/5xx storms', () => {
  it('retries stay bounded and everything lands after the storm', async () => {
    const sci = await s.createSci({ name: `r3-${randomUUID().slice(0, 6)}`, ...DEAL_SCI });
    const before = { zoho: zohoTally.calls, jira: jiraTally.calls, zohoFailed: zohoTally.failures, jiraFailed: jiraTally.failures };

    // A storm of a known size on both sides, so every injected fault is accounted for: Zoho answers 429 (with
    // Retry-After, which Zoho itself does not document) then 500; Jira rate-limits creates, fails an issue read
    // and an edit with 5xx and drops a connection. (A create searches Jira only when an earlier attempt may
    // have created: activities/sync/intents.ts; so the 5xx read is an issue read, which every edit makes.)
    s.t.zoho!.setFaults({
      rateLimitStorm: { count: 2, retryAfterSeconds: 1 },
      errors: [{ endpoint: '*', rate: 1, status: 500, count: 2 }],
    });
    s.t.jira.addFault({ method: 'POST', path: '/rest/api/3/issue$', status: 429, retryAfterSeconds: 1, times: 2, rateLimitReason: 'jira-burst-based' });
    s.t.jira.addFault({ method: 'GET', path: '/rest/api/3/issue/[^/]+$', status: 503, times: 1 });
    s.t.jira.addFault({ method: 'PUT', path: '/rest/api/3/issue/', status: 502, times: 1 });
    s.t.jira.addFault({ path: '/rest/api/3/', status: 0, times: 1 });
    const planned = { zoho429: 2, zoho500: 2, jira429: 2, jira503: 1, jira502: 1, jiraDropped: 1 };
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
    await s.eventually(async () => checkLanded(s, sci, expected), (c) => c.lost.length === 0 && c.stale.length === 0, 240_000);
    // One more round once every issue exists, so edits of existing issues (PUT) meet the storm too.
    await sleep(1100);
    for (const id of ids) {
      await simEditDeal(s, id, { Amount: 300 });
      expected.set(id, { field: 'customfield_10034', value: 300 });
    }
    const final = await s.eventually(async () => checkLanded(s, sci, expected), (c) => c.lost.length === 0 && c.stale.length === 0, 240_000);
    const seconds = (Date.now() - stormStart) / 1000;
    s.t.zoho!.setFaults({});
    s.t.jira.clearFaults();
    const injected = {
      zoho429: zohoTally.count(429),
      zoho500: zohoTally.count(500),
      jira429: jiraTally.count(429),
      jira503: jiraTally.count(503),
      jira502: jiraTally.count(502),
    };
    const calls = { zoho: zohoTally.calls - before.zoho, jira: jiraTally.calls - before.jira };
    const parked = (await s.status(sci)).parkedEvents;
    report('R3 vendor storms', {
      faultsInjected: Object.values(planned).reduce((a, b) => a + b, 0),
      answeredWithFault: injected,
      retriesOfFailedCalls: zohoTally.failures - before.zohoFailed + (jiraTally.failures - before.jiraFailed) + planned.jiraDropped,
      vendorCallsUntilAllLanded: calls,
      callsPerSecond: Number(((calls.zoho + calls.jira) / seconds).toFixed(1)),
      allLandedAfterSeconds: Math.round(seconds),
      records: expected.size,
      lost: final.lost.length,
      duplicated: final.duplicated.length,
      jiraIssueCreates: jiraTally.issueCreates,
    });
    // Every planned fault was met by a real call and retried (the counts are exact: each rule fires its
    // number of times, then the vendor answers normally again).
    expect(injected).toEqual({ zoho429: planned.zoho429, zoho500: planned.zoho500, jira429: planned.jira429, jira503: planned.jira503, jira502: planned.jira502 });
    // Bounded: a retry loop without backoff would make hundreds of calls per second; one SCI polling every
    // second plus backed-off retries stays within a few.
    expect((calls.zoho + calls.jira) / seconds).toBeLessThan(15);
    expect(final.duplicated).toEqual([]);
    expect(jiraTally.issueCreates).toBe(RECORDS);
    expect(parked).toBe(0);
    await s.t.deps.workflows.stop(sci, 'test done');
  }, 300_000);
});
