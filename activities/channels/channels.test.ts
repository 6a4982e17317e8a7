// F33 on the real stack: the channel keeper registers a Zoho notification channel for the SCI's module, the
// Zoho simulator posts real callbacks to the API (listening on loopback), the API verifies the channel token
// and signals the SCI workflow, which syncs the record at once — with a one-hour poll interval, so nothing
// but the notification can explain it. Renewal happens before expiry; a lost callback is caught by a poll.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmartConnectedItem } from '../../prisma/generated/client';
import { freePort } from '../../test/support/ports';
import { startSyncStack, type SyncStack } from '../../test/support/sync-stack';
import { channelStatusQuery, channelWorkflowId } from '../../workflows/channel-messages';

let s: SyncStack;
let sci: SmartConnectedItem;

beforeAll(async () => {
  // The API listens where PUBLIC_URL says, and the create starts the tenant's channel keeper itself with
  // that callback URL and a short channel lifetime (renewed at three quarters), as a deployment would.
  const port = await freePort();
  s = await startSyncStack({ app: { env: { PUBLIC_URL: `http://127.0.0.1:${port}`, ZOHO_NOTIFICATIONS: 'true', ZOHO_CHANNEL_TTL: '8s' } } });
  await s.t.app.listen({ host: '127.0.0.1', port });
  sci = await s.createSci({
    name: `realtime-${randomUUID().slice(0, 6)}`,
    syncMode: 'ONE_WAY',
    jiraProjectId: '10000',
    jiraIssueTypeId: '10001',
    zohoModule: 'Deals',
    fieldMappings: [{ zohoField: 'Description', jiraField: 'summary' }],
  });
}, 180_000);

afterAll(async () => {
  await s?.t.temporal.client.workflow.getHandle(channelWorkflowId(s.tenant.id)).terminate('test done').catch(() => undefined);
  await s?.close();
});

const channelStatus = () => s.t.temporal.client.workflow.getHandle(channelWorkflowId(s.tenant.id)).query(channelStatusQuery);

async function linkedDeal(): Promise<{ dealId: string; issueKey: string }> {
  const [row] = await s.zoho.records.insert('Deals', [{ Deal_Name: `RT ${randomUUID().slice(0, 6)}`, Stage: 'Qualification', Description: 'Before' }]);
  const dealId = row?.ok ? row.id : '';
  const issue = await s.jira.issues.create({ project: { key: 'DEMO' }, issueType: { id: '10001' }, summary: 'Before' });
  await s.t.db.prisma.recordLink.create({
    data: { tenantId: s.tenant.id, sciId: sci.id, jiraIssueId: issue.id, jiraIssueKey: issue.key, zohoModule: 'Deals', zohoRecordId: dealId, managed: 'MANUAL' },
  });
  return { dealId, issueKey: issue.key };
}

const summaryOf = async (key: string) => ((await s.jira.issues.get(key, { fields: ['summary'] })).fields as { summary: string }).summary;

describe('Zoho notification channels (F33)', () => {
  it('registers one channel for the module with a sealed token', async () => {
    const st = await s.eventually(channelStatus, (c) => (c.lastResult?.active.length ?? 0) === 1);
    expect(st.lastResult!.active[0]!.module).toBe('Deals');
    const row = await s.t.db.prisma.zohoNotificationChannel.findFirstOrThrow({ where: { tenantId: s.tenant.id, state: 'ACTIVE' } });
    expect(row.events).toEqual(['Deals.all']);
    expect(row.tokenCiphertext).not.toBeNull();
  });

  it('a CRM edit reaches Jira without waiting for a poll', async () => {
    const { dealId, issueKey } = await linkedDeal();
    const started = Date.now();
    await s.zoho.records.update('Deals', [{ id: dealId, Description: 'Changed in Zoho, pushed by a notification' }]);
    await s.eventually(() => summaryOf(issueKey), (v) => v === 'Changed in Zoho, pushed by a notification', 15_000);
    // The SCI polls hourly: only the notification can have brought this change within seconds.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('renews the channel before it expires', async () => {
    const first = await s.t.db.prisma.zohoNotificationChannel.findFirstOrThrow({ where: { tenantId: s.tenant.id, state: 'ACTIVE' } });
    const renewed = await s.eventually(
      () => s.t.db.prisma.zohoNotificationChannel.findFirstOrThrow({ where: { id: first.id } }),
      (r) => r.expiresAt.getTime() > first.expiresAt.getTime(),
      20_000,
    );
    expect(renewed.state).toBe('ACTIVE');
    expect(renewed.channelId).toBe(first.channelId);
    // Still alive at Zoho after the original expiry would have passed.
    await new Promise((r) => setTimeout(r, Math.max(0, first.expiresAt.getTime() - Date.now() + 500)));
    const live = await s.zoho.notifications.list();
    expect(live.map((c) => String(c.channel_id))).toContain(first.channelId);
  }, 60_000);

  it('a callback that never arrives is caught by the next poll', async () => {
    const { dealId, issueKey } = await linkedDeal();
    // Lose the callbacks: the API no longer recognises the channel's token, so it refuses them (401).
    await s.t.db.prisma.zohoNotificationChannel.updateMany({ where: { tenantId: s.tenant.id }, data: { tokenCiphertext: Buffer.from('lost') } });
    await s.zoho.records.update('Deals', [{ id: dealId, Description: 'Changed while callbacks were lost' }]);
    await s.t.zoho!.settleNotifications();
    expect(await summaryOf(issueKey)).toBe('Before');
    await s.syncNow(sci); // the poll that runs every interval
    expect(await summaryOf(issueKey)).toBe('Changed while callbacks were lost');
  });
});
