// F43 in a real browser against the whole local stack: two records linked to one issue through one Display
// item, the first marked "Primary"; "Make primary" on the second moves the mark (and the order); unlinking
// the primary promotes the other link.
import { describe, expect, it } from 'vitest';
import type { FrameLocator } from 'playwright-core';
import { createZohoOAuth, ZOHO_APP_SCOPES } from '../../../clients/zoho';
import { connectZohoClient } from '../../../sandbox/zoho/testing';
import { seedAppConnection, seedSci } from '../../../api/test/route-suite';
import type { Stack } from './stack';
import { useBrowserSession } from './session';

let s: Stack;
const { panel, press } = useBrowserSession('many-links', async (stack) => {
  s = stack;
  const tenant = await s.t.tenant('main');
  const zoho = s.t.zoho!;
  const tokens = await createZohoOAuth({
    credentials: zoho.demoClient,
    endpoints: s.t.zohoEndpoints,
  }).exchangeGrantCode({
    dc: 'us',
    code: zoho.mintGrantCode({ scopes: ZOHO_APP_SCOPES, dc: 'us' }),
  });
  await seedAppConnection(s.t, tenant, {
    ...zoho.demoClient,
    refreshToken: tokens.refreshToken,
    apiDomain: tokens.apiDomain,
  });
  await seedSci(s.t, tenant, {
    name: 'Deals shown on tasks',
    syncMode: 'DISPLAY',
    fieldMappings: [],
    displayFields: ['Deal_Name', 'Stage'],
  });
  const { client } = await connectZohoClient(zoho);
  const page = await client.records.list('Deals', { fields: ['Deal_Name'], perPage: 2 });
  deals = page.records.map((r) => ({ id: r.id, name: String(r.Deal_Name) }));
});

async function linkById(p: FrameLocator, open: string, recordId: string) {
  await press(p.getByRole('button', { name: open }));
  await p.getByText('Enter a record ID').click();
  await p.locator('#link-query').fill(recordId);
  await press(p.getByRole('dialog').getByRole('button', { name: 'Find record', exact: true }));
  const results = p.getByTestId('search-results');
  await expect.poll(() => results.textContent(), { timeout: 45_000 }).toContain(recordId);
  await press(results.getByRole('button', { name: 'Link' }).first());
  await expect.poll(() => p.getByRole('dialog').count(), { timeout: 30_000 }).toBe(0);
}

async function cardIds(p: FrameLocator): Promise<{ id: string; primary: boolean }[]> {
  const cards = p.getByTestId('linked-card');
  const out: { id: string; primary: boolean }[] = [];
  for (let i = 0; i < (await cards.count()); i += 1) {
    const c = cards.nth(i);
    out.push({
      id: (await c.getByTestId('record-id').textContent()) ?? '',
      primary: (await c.getByTestId('primary-lozenge').count()) > 0,
    });
  }
  return out;
}

let deals: { id: string; name: string }[];

describe('many links on one issue (F43)', () => {
  it('links two records, marks the first Primary, makes the second primary, and unlinking it promotes the first', async () => {
    const [a, b] = deals;
    await s.page.goto(`${s.host.url}/browse/DEMO-1`);
    const p = panel();
    await expect
      .poll(() => p.getByRole('button', { name: 'Link a Zoho CRM record' }).isVisible(), { timeout: 60_000 })
      .toBe(true);
    await linkById(p, 'Link a Zoho CRM record', a!.id);
    await expect.poll(() => p.getByTestId('linked-card').count(), { timeout: 30_000 }).toBe(1);
    await linkById(p, 'Link another record', b!.id);
    await expect.poll(() => p.getByTestId('linked-card').count(), { timeout: 30_000 }).toBe(2);
    expect(await cardIds(p)).toEqual([
      { id: a!.id, primary: true },
      { id: b!.id, primary: false },
    ]);
    const second = p.getByTestId('linked-card').nth(1);
    // A Display item syncs nothing, so the secondary card does not speak of field sync.
    expect(await second.textContent()).not.toContain('Fields sync through the primary link');
    expect(await p.getByTestId('linked-card').nth(0).getByRole('button', { name: 'Make primary' }).count()).toBe(0);
    await s.screenshot(s.page, 'f43-01-two-links-primary-first');

    await press(second.getByRole('button', { name: 'Make primary' }));
    await expect
      .poll(() => cardIds(p), { timeout: 30_000 })
      .toEqual([
        { id: b!.id, primary: true },
        { id: a!.id, primary: false },
      ]);
    await s.screenshot(s.page, 'f43-02-made-primary');

    // After a reload the order and mark come from the server.
    await s.page.reload();
    await expect
      .poll(() => cardIds(panel()), { timeout: 60_000 })
      .toEqual([
        { id: b!.id, primary: true },
        { id: a!.id, primary: false },
      ]);

    await press(panel().getByTestId('linked-card').nth(0).getByRole('button', { name: 'Unlink' }));
    await expect.poll(() => cardIds(panel()), { timeout: 30_000 }).toEqual([{ id: a!.id, primary: true }]);
    await s.screenshot(s.page, 'f43-03-unlinked-primary-promoted');
  }, 240_000);
});
