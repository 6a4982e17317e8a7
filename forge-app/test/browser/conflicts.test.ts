// F48 in a real browser against the whole local stack: a held conflict (a 2 Way Amount that differs in
// Jira and Zoho CRM, held as the engine holds it) is shown on the issue panel with both values and who
// changed them, and "Keep the Zoho CRM value" writes Zoho's value to the issue; another is shown in the
// admin page's Conflicts tab, and "Keep the Jira value" writes Jira's value to the record. The engine's
// holding of such a conflict is covered by activities/sync/conflicts.test.ts; here the row is seeded.
import { describe, expect, it } from 'vitest';
import { createZohoOAuth, ZOHO_APP_SCOPES } from '../../../clients/zoho';
import { connectZohoClient } from '../../../sandbox/zoho/testing';
import { seedAppConnection, seedSci } from '../../../api/test/route-suite';
import type { SmartConnectedItem, Tenant } from '../../../prisma/generated/client';
import type { Stack } from './stack';
import { useBrowserSession } from './session';

let s: Stack;
let tenant: Tenant;
let sci: SmartConnectedItem;
const { admin, panel, press } = useBrowserSession('conflicts', async (stack) => {
  s = stack;
  tenant = await s.t.tenant('main');
  const zoho = s.t.zoho!;
  const tokens = await createZohoOAuth({ credentials: zoho.demoClient, endpoints: s.t.zohoEndpoints }).exchangeGrantCode({
    dc: 'us',
    code: zoho.mintGrantCode({ scopes: ZOHO_APP_SCOPES, dc: 'us' }),
  });
  await seedAppConnection(s.t, tenant, { ...zoho.demoClient, refreshToken: tokens.refreshToken, apiDomain: tokens.apiDomain });
  sci = await seedSci(s.t, tenant, {
    name: 'Deals both ways',
    syncMode: 'TWO_WAY',
    fieldMappings: [{ zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'BOTH', conflict: 'ask' }],
  });
});

/** A deal and the issue linked to it, their Amounts apart, and the conflict held on it. */
async function heldConflict(issueKey: string, zohoAmount: number, jiraAmount: number): Promise<{ dealId: string; issueId: string; conflictId: string }> {
  const { client } = await connectZohoClient(s.t.zoho!);
  const [row] = await client.records.insert('Deals', [{ Deal_Name: `Conflict on ${issueKey}`, Stage: 'Qualification', Amount: zohoAmount }]);
  if (!row?.ok) throw new Error('deal not created');
  const jira = await s.t.deps.clients.jira(tenant.id);
  const issue = await jira.issues.get(issueKey, { fields: ['summary'] });
  await jira.issues.edit(issue.id, { fields: { customfield_10034: jiraAmount } });
  const link = await s.t.db.prisma.recordLink.create({
    data: { tenantId: tenant.id, sciId: sci.id, jiraIssueId: issue.id, jiraIssueKey: issue.key, zohoModule: 'Deals', zohoRecordId: row.id, managed: 'MANUAL' },
  });
  const conflict = await s.t.db.prisma.syncConflict.create({
    data: {
      tenantId: tenant.id,
      sciId: sci.id,
      linkId: link.id,
      zohoField: 'Amount',
      jiraField: 'customfield_10034',
      zohoValue: zohoAmount,
      jiraValue: jiraAmount,
      zohoChangedBy: 'Aisha Patel',
      zohoChangedAt: new Date(Date.now() - 60_000),
      jiraChangedBy: 'Patricia Boyle',
      jiraChangedAt: new Date(Date.now() - 30_000),
    },
  });
  return { dealId: row.id, issueId: issue.id, conflictId: conflict.id };
}

describe('conflict inbox (F48)', () => {
  it('the issue panel shows a held conflict with both values and resolves it by keeping the Zoho CRM value', async () => {
    const held = await heldConflict('DEMO-2', 700, 800);
    await s.page.goto(`${s.host.url}/browse/DEMO-2`);
    const box = panel().getByTestId(`conflict-${held.conflictId}`);
    await expect.poll(() => box.textContent().catch(() => ''), { timeout: 60_000 }).toContain('Amount ↔ customfield_10034');
    const text = await box.textContent();
    expect(text).toContain('700');
    expect(text).toContain('800');
    expect(text).toContain('Changed by Aisha Patel');
    expect(text).toContain('Changed by Patricia Boyle');
    await s.screenshot(s.page, 'f48-01-panel-conflict');

    await press(box.getByRole('button', { name: 'Keep the Zoho CRM value' }));
    await expect.poll(() => box.count(), { timeout: 30_000 }).toBe(0);
    const jira = await s.t.deps.clients.jira(tenant.id);
    expect((await jira.issues.get(held.issueId, { fields: ['customfield_10034'] })).fields.customfield_10034).toBe(700);
    expect((await s.t.db.prisma.syncConflict.findUniqueOrThrow({ where: { id: held.conflictId } })).status).toBe('RESOLVED');
  }, 240_000);

  it("the admin page's Conflicts tab lists a held conflict and resolves it by keeping the Jira value", async () => {
    const held = await heldConflict('DEMO-3', 1500, 1800);
    await s.page.goto(`${s.host.url}/admin`);
    const tab = admin().getByRole('tab', { name: 'Conflicts' });
    await expect.poll(() => tab.isVisible(), { timeout: 60_000 }).toBe(true);
    await press(tab);
    const box = admin().getByTestId(`conflict-${held.conflictId}`);
    await expect.poll(() => box.textContent().catch(() => ''), { timeout: 30_000 }).toContain('DEMO-3 · Deals both ways');
    expect(await box.textContent()).toContain('1800');
    await s.screenshot(s.page, 'f48-02-admin-conflicts');

    await press(box.getByRole('button', { name: 'Keep the Jira value' }));
    await expect.poll(() => admin().getByText('No conflicts').isVisible().catch(() => false), { timeout: 30_000 }).toBe(true);
    const { client } = await connectZohoClient(s.t.zoho!);
    expect((await client.records.get('Deals', held.dealId, { fields: ['Amount'] }))?.Amount).toBe(1800);
  }, 240_000);
});
