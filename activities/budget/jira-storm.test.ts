// Jira's 429 and Retry-After honoured without a retry storm (F36, R3), on Temporal + both simulators: while
// Jira refuses every issue create, the worker asks again once per Retry-After, not in a loop, and the
// record's issue is created once Jira lets it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';

let s: SyncStack;

beforeAll(async () => {
  s = await startSyncStack();
}, 180_000);

afterAll(async () => {
  await s?.close();
});

describe('Jira 429 storm', () => {
  it('retries at the pace of Retry-After, not in a storm, and creates the issue once Jira lets it', async () => {
    const sci = await s.createSci({
      name: `storm-${randomUUID().slice(0, 6)}`,
      syncMode: 'ONE_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10001',
      zohoModule: 'Deals',
      options: { autoCreate: true },
    });
    const jira = s.t.jira;
    jira.addFault({ method: 'POST', path: '^/rest/api/3/issue$', status: 429, retryAfterSeconds: 2, times: 1000 });
    jira.resetStats();
    const [row] = await s.zoho.records.insert('Deals', [{ Deal_Name: `Storm ${randomUUID().slice(0, 6)}`, Stage: 'Qualification' }]);
    expect(row?.ok).toBe(true);
    const started = Date.now();
    await s.t.deps.workflows.control(sci, 'syncNow');
    await new Promise((r) => setTimeout(r, 9000));
    const creates = jira.stats().byEndpoint['POST /rest/api/3/issue'] ?? 0;
    const elapsedS = (Date.now() - started) / 1000;
    // One attempt per Retry-After (2 s) at most, plus the first: a storm would be hundreds.
    expect(creates).toBeGreaterThanOrEqual(2);
    expect(creates).toBeLessThanOrEqual(Math.ceil(elapsedS / 2) + 1);
    jira.clearFaults();
    const link = await s.eventually(
      () => s.t.db.prisma.recordLink.findFirst({ where: { sciId: sci.id, zohoRecordId: row!.ok ? row!.id : '' } }),
      (l) => l !== null,
      30_000,
    );
    expect(link).not.toBeNull();
    expect(await s.t.db.prisma.recordLink.count({ where: { sciId: sci.id } })).toBe(1);
  }, 120_000);
});
