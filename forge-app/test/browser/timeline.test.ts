// F46 in a real browser against the whole local stack: the issue panel's "CRM sync" timeline shows a sync
// from Zoho CRM and one from Jira with the fields' old → new values, the health badge in the card header,
// and a write Zoho refuses as a failure with its reason; after the cause is fixed, Retry applies it and the
// badge goes back to "In sync". Tests run in order and share the stack.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createJiraClient, type JiraClient } from '../../../clients/jira';
import type { ZohoClient } from '../../../clients/zoho';
import type { TimelineDto } from '../../../contracts/timeline';
import type { RecordLink, SmartConnectedItem } from '../../../prisma/generated/client';
import { connectZohoClient } from '../../../sandbox/zoho/testing';
import { injectAdminApi } from '../../../test/support/admin-api';
import { connectAppOAuth, createSciThroughApi, eventually } from '../../../test/support/sci-stack';
import type { JiraEventSignal } from '../../../workflows/messages';
import type { Stack } from './stack';
import { useBrowserSession } from './session';

let s: Stack;
let sci: SmartConnectedItem;
let link: RecordLink;
let dealId: string;
let zoho: ZohoClient;
let jira: JiraClient;
const { panel, press } = useBrowserSession('timeline', async (stack) => {
  s = stack;
  await s.t.tenant();
  const api = injectAdminApi(s.t.app, () => s.t.headers());
  await connectAppOAuth(api, s.t.zoho!);
  sci = await createSciThroughApi(api, s.t.db.prisma, {
    name: 'Deals timeline',
    syncMode: 'TWO_WAY',
    jiraProjectId: '10000',
    jiraIssueTypeId: '10001',
    zohoModule: 'Deals',
    fieldMappings: [
      { zohoField: 'Deal_Name', jiraField: 'summary', owner: 'BOTH' },
      { zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'BOTH' },
    ],
  });
  zoho = (await connectZohoClient(s.t.zoho!)).client;
  jira = createJiraClient({ baseUrl: s.t.jira.url, auth: { type: 'basic', ...s.t.jira.basicAuth } });
  const [row] = await zoho.records.insert('Deals', [
    { Deal_Name: `Timeline deal ${randomUUID().slice(0, 6)}`, Stage: 'Qualification', Amount: 1000 },
  ]);
  if (!row?.ok) throw new Error('deal not created');
  dealId = row.id;
  const res = await s.t.app.inject({
    method: 'POST',
    url: '/api/v1/panel/issues/DEMO-1/links',
    headers: await s.t.headers({ accountId: 'user-1' }),
    payload: { sciId: sci.id, recordId: dealId },
  });
  if (res.statusCode !== 201) throw new Error(`link failed: ${res.body}`);
  link = (await s.t.db.prisma.recordLink.findFirst({ where: { sciId: sci.id, zohoRecordId: dealId } }))!;
  // The link's first sync (the panel asked the workflow to apply the record).
  await eventually(
    () => s.t.db.prisma.recordLink.findUniqueOrThrow({ where: { id: link.id } }),
    (l) => l.lastZohoModifiedAt !== null,
    45_000,
  );
});

async function timeline(): Promise<TimelineDto> {
  const res = await s.t.app.inject({
    method: 'GET',
    url: `/api/v1/panel/issues/DEMO-1/timeline`,
    headers: await s.t.headers({ accountId: 'user-1' }),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<TimelineDto>();
}

async function jiraEdit(fields: Record<string, unknown>): Promise<void> {
  await jira.issues.edit(link.jiraIssueId, { fields });
  const event: JiraEventSignal = {
    eventId: randomUUID(),
    kind: 'issue_updated',
    issueId: link.jiraIssueId,
    occurredAt: new Date().toISOString(),
    changedFields: Object.keys(fields),
  };
  await s.t.deps.workflows.deliverJiraEvents(sci, [event]);
}

async function openPanel() {
  await s.page.goto(`${s.host.url}/browse/DEMO-1`);
  const p = panel();
  await expect.poll(() => p.getByTestId('sync-timeline').isVisible(), { timeout: 60_000 }).toBe(true);
  return p;
}

describe('CRM sync timeline (F46)', () => {
  it('shows a sync from Zoho CRM and one from Jira with old → new values, and the badge says In sync', async () => {
    // Zoho's times have one-second resolution: an edit in the same second as the link's first sync would
    // lose to that sync's Jira edit (latest change wins), so the CRM edit comes a second later.
    await new Promise((r) => setTimeout(r, 1100));
    const [row] = await zoho.records.update('Deals', [{ id: dealId, Amount: 2000 }]);
    expect(row?.ok).toBe(true);
    // The panel's Refresh hands the record to the workflow to apply now.
    const refresh = await s.t.app.inject({
      method: 'POST',
      url: `/api/v1/panel/issues/DEMO-1/links/${link.id}/refresh`,
      headers: await s.t.headers({ accountId: 'user-1' }),
    });
    expect(refresh.statusCode, refresh.body).toBe(200);
    expect(refresh.json()).toMatchObject({ syncQueued: true });
    await eventually(
      timeline,
      (t) => t.entries.some((e) => e.direction === 'ZOHO_TO_JIRA' && e.changes.some((c) => c.to === '2000')),
      45_000,
    );

    await jiraEdit({ customfield_10034: 3000 });
    await eventually(
      timeline,
      (t) =>
        t.entries.some(
          (e) => e.direction === 'JIRA_TO_ZOHO' && e.outcome === 'APPLIED' && e.changes.some((c) => c.to === '3000'),
        ),
      45_000,
    );

    const p = await openPanel();
    const entries = p.getByTestId('timeline-entry');
    await expect.poll(() => entries.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const fromJira = entries.filter({ hasText: 'Jira → Zoho CRM' }).first();
    expect(await fromJira.textContent()).toContain('Amount: 2000 → 3000');
    const fromZoho = entries.filter({ hasText: 'Zoho CRM → Jira' }).filter({ hasText: '1000 → 2000' }).first();
    expect(await fromZoho.isVisible()).toBe(true);
    expect(await p.getByTestId('sync-health').textContent()).toContain('In sync');
    await s.screenshot(s.page, 'f46-01-timeline-both-directions');
  }, 180_000);

  it('shows a failure with its reason and a working Retry', async () => {
    await jiraEdit({ summary: `Far too long ${'x'.repeat(150)}` });
    await eventually(timeline, (t) => t.health[0]?.state === 'failed', 45_000);

    const p = await openPanel();
    expect(await p.getByTestId('sync-health').textContent()).toContain('Sync failed');
    const failure = p.getByTestId('timeline-entry').filter({ hasText: 'Failed' }).first();
    expect(await failure.getByTestId('timeline-reason').textContent()).toMatch(/record/);
    await s.screenshot(s.page, 'f46-02-timeline-failure');

    // The cause fixed in Jira (without a new event), then Retry from the panel.
    const fixed = `Fixed deal ${randomUUID().slice(0, 6)}`;
    await jira.issues.edit(link.jiraIssueId, { fields: { summary: fixed } });
    await press(failure.getByRole('button', { name: 'Retry' }));
    await eventually(
      () => zoho.records.get('Deals', dealId, { fields: ['Deal_Name'] }),
      (r) => r?.Deal_Name === fixed,
      45_000,
    );
    await expect.poll(() => p.getByTestId('sync-health').textContent(), { timeout: 45_000 }).toContain('In sync');
    await expect
      .poll(() => p.getByTestId('timeline-entry').first().textContent(), { timeout: 30_000 })
      .toContain(fixed);
    expect(await p.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await s.screenshot(s.page, 'f46-03-timeline-retried');
  }, 180_000);
});
