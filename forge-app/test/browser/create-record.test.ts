// F44 in a real browser against the whole local stack: on an issue with no link, the panel's "Create a Zoho
// CRM record" opens the dialog with the fields prefilled from the issue through the SCI's mappings; the
// user edits one, fills the required Stage and saves; the panel shows the new linked record, and the record
// exists in the Zoho simulator with those values.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FrameLocator, Locator } from 'playwright-core';
import { createZohoOAuth, criteria, ZOHO_APP_SCOPES } from '../../../clients/zoho';
import { connectZohoClient } from '../../../sandbox/zoho/testing';
import { seedAppConnection, seedSci } from '../../../api/test/route-suite';
import { startStack, type Stack } from './stack';

let s: Stack;

const panel = () => s.page.frameLocator('#forge-issue-panel');

async function press(button: Locator) {
  const box = await button.boundingBox();
  if (box) await s.page.evaluate((y) => window.scrollBy(0, y - window.innerHeight / 2), box.y);
  await button.click();
}

async function pick(frame: FrameLocator, inputId: string, text: string) {
  const input = frame.locator(`[id="${inputId}"]`);
  await press(input);
  await input.fill(text);
  await frame.locator('[role="option"]', { hasText: text }).first().click();
}

beforeAll(async () => {
  s = await startStack();
  const tenant = await s.t.tenant('main');
  const zoho = s.t.zoho!;
  const tokens = await createZohoOAuth({ credentials: zoho.demoClient, endpoints: s.t.zohoEndpoints }).exchangeGrantCode({
    dc: 'us',
    code: zoho.mintGrantCode({ scopes: ZOHO_APP_SCOPES, dc: 'us' }),
  });
  await seedAppConnection(s.t, tenant, { ...zoho.demoClient, refreshToken: tokens.refreshToken, apiDomain: tokens.apiDomain });
  await seedSci(s.t, tenant, {
    name: 'Deals from tasks',
    syncMode: 'ONE_WAY',
    fieldMappings: [
      { zohoField: 'Deal_Name', jiraField: 'summary', owner: 'ZOHO' },
      { zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'ZOHO' },
      { zohoField: 'Next_Step', jiraField: 'customfield_10036', owner: 'ZOHO' },
    ],
  });
}, 300_000);

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && s) {
    await s.screenshot(s.page, `failed-create-record-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
    console.error(s.logs.join('\n'));
  }
  if (s) s.logs.length = 0;
});

afterAll(async () => {
  await s?.close();
});

describe('create a Zoho CRM record from the issue panel (F44)', () => {
  it('opens the dialog prefilled from the issue, saves the edited values, and shows the new linked record', async () => {
    await s.page.goto(`${s.host.url}/browse/DEMO-1`);
    const p = panel();
    const open = p.getByRole('button', { name: 'Create a Zoho CRM record' });
    await expect.poll(() => open.isVisible(), { timeout: 60_000 }).toBe(true);
    await press(open);

    const dialog = p.getByTestId('create-record-dialog');
    const dealName = dialog.locator('[id="create-Deal_Name"]');
    await expect.poll(() => dealName.inputValue(), { timeout: 45_000 }).toBe('Onboard Acme Corp to the enterprise plan');
    expect(await dialog.locator('[id="create-Amount"]').inputValue()).toBe('48000');
    expect(await dialog.locator('[id="create-Next_Step"]').inputValue()).toBe('Acme Corp');
    expect(await dialog.getByTestId('create-field-Stage').textContent()).toContain('Stage *');
    await s.screenshot(s.page, 'f44-01-create-dialog-prefilled');

    // Stage is required and no mapping fills it: Create is refused in the dialog until it is chosen.
    await press(dialog.getByRole('button', { name: 'Create', exact: true }));
    await expect.poll(() => dialog.textContent(), { timeout: 10_000 }).toContain('Fill in the required field: Stage.');

    const name = 'Acme Corp enterprise onboarding (F44)';
    await dealName.fill(name);
    await pick(p, 'create-Stage', 'Qualification');
    await press(dialog.getByRole('button', { name: 'Create', exact: true }));

    const card = p.getByTestId('linked-card');
    await expect.poll(() => card.textContent().catch(() => ''), { timeout: 45_000 }).toContain(name);
    expect(await p.getByTestId('create-record-dialog').count()).toBe(0);
    await s.screenshot(s.page, 'f44-02-panel-created-record');

    const { client } = await connectZohoClient(s.t.zoho!);
    const page = await client.records.search('Deals', { criteria: criteria.condition('Deal_Name', 'equals', name) }, { fields: ['Deal_Name', 'Amount', 'Next_Step', 'Stage'] });
    expect(page.records).toHaveLength(1);
    expect(page.records[0]).toMatchObject({ Deal_Name: name, Amount: 48000, Next_Step: 'Acme Corp', Stage: 'Qualification' });
    expect(await card.textContent()).toContain(page.records[0]!.id);

    // After a reload the panel still shows it, as a manual link (Unlink offered).
    await s.page.reload();
    await expect.poll(() => panel().getByTestId('linked-card').textContent().catch(() => ''), { timeout: 60_000 }).toContain(name);
    expect(await panel().getByTestId('linked-card').getByRole('button', { name: 'Unlink' }).isVisible()).toBe(true);
  }, 240_000);
});
