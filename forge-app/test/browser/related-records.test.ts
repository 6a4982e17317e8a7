// F42 in a real browser against the whole local stack: the admin adds related records (a Deal's Account,
// Contact and Owner) to a Display item in the editor, and the issue panel shows them with the linked Deal,
// each with its own preview fields, Open in Zoho and Refresh. Tests run in order and share the stack.
import { describe, expect, it } from 'vitest';
import { connectZohoClient } from '../../../sandbox/zoho/testing';
import type { Stack } from './stack';
import { useBrowserSession } from './session';

let s: Stack;
const { panel, press, pick, clickInDialog, connectAppOAuth } = useBrowserSession('related-records', async (stack) => {
  s = stack;
});

describe('related records (F42)', () => {
  it('the editor saves related records for a Display item of Deals', async () => {
    const f = await connectAppOAuth();

    await f.getByRole('tab', { name: 'Smart Connected Items' }).click();
    await f.getByRole('button', { name: 'Create Smart Connected Item' }).click();
    await f.getByLabel('Name').fill('Deals with accounts');
    await f.getByText('Display', { exact: true }).click();
    await pick(f, 'jira-project', 'DEMO');
    await pick(f, 'jira-issue-type', 'Task');
    await pick(f, 'zoho-module', 'Deals');
    await clickInDialog(f, 'Next');
    await pick(f, 'display-fields', 'Deal Name');
    await pick(f, 'display-fields', 'Stage');

    const editor = f.getByTestId('related-records-editor');
    await press(editor.getByRole('button', { name: 'Add related record' }));
    await pick(f, 'related-0-lookup', 'Account Name');
    await pick(f, 'related-0-fields', 'Phone');
    await pick(f, 'related-0-fields', 'Industry');
    await press(editor.getByRole('button', { name: 'Add related record' }));
    await pick(f, 'related-1-lookup', 'Contact Name');
    await pick(f, 'related-1-fields', 'Email');
    await press(editor.getByRole('button', { name: 'Add related record' }));
    await pick(f, 'related-2-lookup', 'Owner');
    await pick(f, 'related-2-fields', 'Email');
    await s.screenshot(s.page, 'f42-01-editor-related-records');
    await clickInDialog(f, 'Create');
    const row = f.locator('tr', { hasText: 'Deals with accounts' });
    await expect.poll(() => row.textContent(), { timeout: 60_000 }).toContain('Display');

    // Reopened, the editor shows what was saved.
    await row.getByRole('button', { name: 'Edit' }).click();
    await clickInDialog(f, 'Next');
    await expect.poll(() => f.getByTestId('related-0').textContent(), { timeout: 30_000 }).toContain('Account Name');
    expect(await f.getByTestId('related-0').textContent()).toContain('Industry');
    expect(await f.getByTestId('related-1').textContent()).toContain('Contact Name');
    await clickInDialog(f, 'Cancel');
  }, 240_000);

  it("the panel shows a linked deal's account, contact and owner, each with Open in Zoho and Refresh", async () => {
    const { client } = await connectZohoClient(s.t.zoho!);
    const page = await client.records.search('Deals', { word: 'Acme' }, { fields: ['Deal_Name', 'Account_Name', 'Contact_Name'] });
    const deal = page.records[0]!;
    const account = deal.Account_Name as { id: string; name: string };
    const contact = deal.Contact_Name as { id: string; name: string };
    const acc = (await client.records.get('Accounts', account.id))!;
    const con = (await client.records.get('Contacts', contact.id))!;

    await s.page.goto(`${s.host.url}/browse/DEMO-1`);
    const p = panel();
    await expect.poll(() => p.getByRole('button', { name: 'Link a Zoho CRM record' }).isVisible(), { timeout: 60_000 }).toBe(true);
    await p.getByRole('button', { name: 'Link a Zoho CRM record' }).click();
    await p.getByText('Enter a record ID').click();
    await p.locator('#link-query').fill(deal.id);
    await clickInDialog(p, 'Find record');
    const results = p.getByTestId('search-results');
    await expect.poll(() => results.textContent(), { timeout: 45_000 }).toContain(deal.id);
    await press(results.getByRole('button', { name: 'Link' }).first());

    const card = p.getByTestId('linked-card');
    const accountCard = card.getByTestId('related-card-Account_Name');
    await expect.poll(() => accountCard.textContent(), { timeout: 45_000 }).toContain(account.name);
    expect(await accountCard.textContent()).toContain(String(acc.Phone));
    expect(await accountCard.textContent()).toContain(String(acc.Industry));
    const contactCard = card.getByTestId('related-card-Contact_Name');
    expect(await contactCard.textContent()).toContain(contact.name);
    expect(await contactCard.textContent()).toContain(String(con.Email));
    const ownerCard = card.getByTestId('related-card-Owner');
    expect(await ownerCard.textContent()).toContain('User');
    for (const c of [accountCard, contactCard]) {
      expect(await c.getByRole('button', { name: 'Open in Zoho' }).isVisible()).toBe(true);
      expect(await c.getByRole('button', { name: 'Refresh' }).isVisible()).toBe(true);
    }
    await s.screenshot(s.page, 'f42-02-panel-related-records');

    // The contact changes in Zoho; its own Refresh shows the new value.
    await client.records.update('Contacts', [{ id: contact.id, Email: 'renewed.contact@example.com' }]);
    await press(contactCard.getByRole('button', { name: 'Refresh' }));
    await expect.poll(() => contactCard.textContent(), { timeout: 30_000 }).toContain('renewed.contact@example.com');

    // Open in Zoho on the account opens the simulator's record page.
    const [popup] = await Promise.all([s.context.waitForEvent('page'), press(accountCard.getByRole('button', { name: 'Open in Zoho' }))]);
    await popup.waitForLoadState();
    expect(popup.url()).toContain(`/tab/Accounts/${account.id}`);
    expect(await popup.locator('h1').textContent()).toBe(account.name);
    await popup.close();
  }, 240_000);
});
