// A person's journey through the product in a real browser, against the whole local stack: connect App
// OAuth 2.0 to the Zoho simulator, create a 2 Way Smart Connected Item with mappings and status sync, link
// records in the issue panel by search and by ID, preview, refresh and unlink, see an auto-created issue's
// read-only link, and the Providers-mode "login required" state. Tests run in order and share the stack.
import { describe, expect, it } from 'vitest';
import { ZOHO_APP_SCOPES } from '../../../clients/zoho';
import { connectZohoClient } from '../../../sandbox/zoho/testing';
import { SANDBOX_HUMAN, SEED_USERS } from '../../../sandbox/jira';
import type { Stack } from './stack';
import { useBrowserSession } from './session';

let s: Stack;
const { admin, panel, press, pick, clickInDialog } = useBrowserSession('journey', async (stack) => {
  s = stack;
});

/** Polls until `fn` yields a value; the auto-created issue appears once the workflow has polled Zoho. */
async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the auto-created issue');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('admin page', () => {
  it('connects App OAuth 2.0 to the Zoho simulator', async () => {
    await s.page.goto(`${s.host.url}/admin`);
    const f = admin();
    await expect.poll(() => f.getByRole('heading', { name: 'Zoho CRM Connector' }).isVisible(), { timeout: 60_000 }).toBe(true);
    await f.getByText('App OAuth 2.0: one shared app connection').click();
    await f.getByLabel('Client ID').fill(s.t.zoho!.demoClient.clientId);
    await f.getByLabel('Client Secret').fill(s.t.zoho!.demoClient.clientSecret);
    await f.getByLabel('Code').fill(s.t.zoho!.mintGrantCode({ scopes: ZOHO_APP_SCOPES, dc: 'us' }));
    await f.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => f.getByTestId('card-api-domain').textContent(), { timeout: 45_000 }).toContain('/api/us');
    await expect.poll(() => f.getByTestId('card-mode').textContent()).toContain('Connected');
    await s.screenshot(s.page, '01-admin-connected');
  }, 240_000);
});

describe('Smart Connected Items', () => {
  it('creates a 2 Way item with field mappings and status sync from live pickers', async () => {
    const f = admin();
    await f.getByRole('tab', { name: 'Smart Connected Items' }).click();
    await f.getByRole('button', { name: 'Create Smart Connected Item' }).click();
    await f.getByLabel('Name').fill('Deals to DEMO tasks');
    await f.getByText('2 Way', { exact: true }).click();
    await pick(f, 'jira-project', 'DEMO');
    await pick(f, 'jira-issue-type', 'Task');
    await pick(f, 'zoho-module', 'Deals');
    await s.screenshot(s.page, '02-sci-step-1');
    await clickInDialog(f, 'Next');

    await f.getByRole('dialog').getByRole('button', { name: 'Add mapping' }).click();
    await pick(f, 'mapping-0-zoho', 'Deal Name');
    await pick(f, 'mapping-0-jira', 'Summary');
    await press(f.locator('label[for="opt-status-sync"]'));
    await pick(f, 'status-field', 'Stage');
    await pick(f, 'status-map-Qualification', 'To Do');
    await pick(f, 'status-map-Closed Won', 'Done');
    await press(f.locator('label[for="opt-auto-create"]'));
    // App OAuth 2.0 is active and Deals is polling-ready, so nothing is disabled here.
    expect(await f.locator('#opt-notes-sync').isDisabled()).toBe(false);
    // Attachment sync with its size limit (F19): the default 10 MB, here lowered to 5 MB.
    await press(f.locator('label[for="opt-attachment-sync"]'));
    const limit = f.locator('#opt-attachment-max');
    expect(await limit.inputValue()).toBe('10');
    await limit.fill('25');
    await expect.poll(() => f.getByText('Enter a size above 0 and at most 20 MB').isVisible()).toBe(true);
    await limit.fill('5');
    await expect.poll(() => f.getByText('Files larger than 5 MB are skipped').isVisible()).toBe(true);
    await s.screenshot(s.page, '03-sci-step-2');
    await clickInDialog(f, 'Create');

    const row = f.locator('tr', { hasText: 'Deals to DEMO tasks' });
    await expect.poll(() => row.textContent(), { timeout: 60_000 }).toContain('2 Way');
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Status sync');
    expect(text).toContain('Auto-create');
    expect(text).toContain('Demo'); // the Jira scope, named from metadata
    await s.screenshot(s.page, '04-sci-dashboard');
  }, 240_000);

  it('keeps the attachment size limit through an edit and reads back a changed one', async () => {
    const f = admin();
    const row = f.locator('tr', { hasText: 'Deals to DEMO tasks' });
    const openStep2 = async () => {
      await row.getByRole('button', { name: 'Edit' }).click();
      await clickInDialog(f, 'Next');
      await expect.poll(() => f.locator('#opt-attachment-max').isVisible(), { timeout: 30_000 }).toBe(true);
      return f.locator('#opt-attachment-max');
    };
    const saveAndWait = async () => {
      await clickInDialog(f, 'Save changes');
      await expect.poll(() => f.getByTestId('sci-editor').count(), { timeout: 60_000 }).toBe(0);
    };

    // An edit of something else (notes sync) leaves the limit as it was saved.
    let limit = await openStep2();
    expect(await limit.inputValue()).toBe('5');
    await press(f.locator('label[for="opt-notes-sync"]'));
    await saveAndWait();
    limit = await openStep2();
    expect(await limit.inputValue()).toBe('5');

    // A new limit is saved and shown again when the editor reopens.
    await limit.fill('7.5');
    await saveAndWait();
    limit = await openStep2();
    expect(await limit.inputValue()).toBe('7.5');
    expect(await f.getByText('Files larger than 7.5 MB are skipped').isVisible()).toBe(true);
    await s.screenshot(s.page, '04b-sci-attachment-limit');
    await clickInDialog(f, 'Cancel');
  }, 240_000);
});

describe('issue panel', () => {
  let recordId = '';

  it('shows the unlinked state and links a record found by name', async () => {
    await s.page.goto(`${s.host.url}/browse/DEMO-1`);
    const p = panel();
    await expect.poll(() => p.getByText('No Zoho CRM record is linked to DEMO-1 yet.').isVisible(), { timeout: 60_000 }).toBe(true);
    await s.screenshot(s.page, '05-panel-unlinked');
    await p.getByRole('button', { name: 'Link a Zoho CRM record' }).click();
    await expect.poll(() => p.getByRole('heading', { name: 'Link a Zoho CRM record' }).isVisible()).toBe(true);
    await p.locator('#link-query').fill('Acme');
    await clickInDialog(p, 'Search');
    const results = p.getByTestId('search-results');
    await expect.poll(() => results.textContent(), { timeout: 45_000 }).toContain('Acme Robotics');
    await s.screenshot(s.page, '06-panel-search-results');
    await press(results.getByRole('button', { name: 'Link' }).first());

    const card = p.getByTestId('linked-card');
    await expect.poll(() => card.textContent(), { timeout: 45_000 }).toContain('Manual link');
    recordId = (await card.getByTestId('record-id').textContent()) ?? '';
    expect(recordId).toMatch(/^\d+$/);
    // The preview shows the record's own fields, read live from Zoho.
    expect(await card.getByTestId('preview-fields').textContent()).toContain('Deal Name');
    for (const name of ['Open in Zoho', 'Refresh', 'Unlink']) expect(await card.getByRole('button', { name }).isVisible()).toBe(true);
    await s.screenshot(s.page, '07-panel-linked-by-search');
  }, 240_000);

  it('refreshes the preview and unlinks the manual link', async () => {
    const p = panel();
    const card = p.getByTestId('linked-card');
    await card.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => card.getByRole('button', { name: 'Refresh' }).isEnabled()).toBe(true);
    expect(await card.getByTestId('record-id').textContent()).toBe(recordId);
    await card.getByRole('button', { name: 'Unlink' }).click();
    await expect.poll(() => p.getByText('No Zoho CRM record is linked to DEMO-1 yet.').isVisible(), { timeout: 45_000 }).toBe(true);
  }, 240_000);

  it('links a record by its ID', async () => {
    const p = panel();
    await p.getByRole('button', { name: 'Link a Zoho CRM record' }).click();
    await p.getByText('Enter a record ID').click();
    await p.locator('#link-query').fill(recordId);
    await clickInDialog(p, 'Find record');
    const results = p.getByTestId('search-results');
    await expect.poll(() => results.textContent(), { timeout: 45_000 }).toContain(recordId);
    await press(results.getByRole('button', { name: 'Link' }).first());
    const card = p.getByTestId('linked-card');
    await expect.poll(() => card.getByTestId('record-id').textContent(), { timeout: 45_000 }).toBe(recordId);
    await s.screenshot(s.page, '08-panel-linked-by-id');
  }, 240_000);

  it('shows an auto-created issue with a read-only link', async () => {
    // A new Deal in Zoho CRM; "Sync now" in the admin page makes the workflow poll and auto-create its issue.
    const { client } = await connectZohoClient(s.t.zoho!);
    const [row] = await client.records.insert('Deals', [{ Deal_Name: 'Zylker Foods - Browser test deal', Stage: 'Qualification' }]);
    expect(row?.ok).toBe(true);
    await s.page.goto(`${s.host.url}/admin`);
    const f = admin();
    await f.getByRole('tab', { name: 'Smart Connected Items' }).click();
    const sciRow = f.locator('tr', { hasText: 'Deals to DEMO tasks' });
    await sciRow.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => f.getByText('A sync of Deals to DEMO tasks has started.').isVisible(), { timeout: 45_000 }).toBe(true);

    const jql = encodeURIComponent('project = DEMO AND summary ~ "Browser test deal"');
    const auth = `Basic ${Buffer.from(`${s.t.jira.basicAuth.email}:${s.t.jira.basicAuth.apiToken}`).toString('base64')}`;
    const key = await waitFor(
      async () => {
        const res = await fetch(`${s.t.jira.url}/rest/api/3/search/jql?jql=${jql}&fields=summary`, { headers: { authorization: auth } });
        const body = (await res.json()) as { issues?: { key: string }[] };
        return body.issues?.[0]?.key;
      },
      90_000,
    );

    await s.page.goto(`${s.host.url}/browse/${key}`);
    const card = panel().getByTestId('linked-card');
    await expect.poll(() => card.textContent(), { timeout: 60_000 }).toContain('Auto-managed');
    expect(await card.textContent()).toContain('this link is read-only');
    expect(await card.getByRole('button', { name: 'Unlink' }).count()).toBe(0);
    expect(await card.getByRole('button', { name: 'Refresh' }).isVisible()).toBe(true);
    expect(await card.getByRole('button', { name: 'Open in Zoho' }).isVisible()).toBe(true);
    await s.screenshot(s.page, '09-panel-auto-managed');
  }, 240_000);
});

describe('backfill and real-time changes (F34, F33)', () => {
  it('imports the records that exist already, with progress on the dashboard, and shows the live channels', async () => {
    await s.page.goto(`${s.host.url}/admin`);
    const f = admin();
    await f.getByRole('tab', { name: 'Smart Connected Items' }).click();
    await f.getByRole('button', { name: 'Create Smart Connected Item' }).click();
    await f.getByLabel('Name').fill('Leads into SUP');
    await f.getByText('1 Way', { exact: true }).click();
    await pick(f, 'jira-project', 'SUP');
    await pick(f, 'jira-issue-type', 'Task');
    await pick(f, 'zoho-module', 'Leads');
    await clickInDialog(f, 'Next');
    await f.getByRole('dialog').getByRole('button', { name: 'Add mapping' }).click();
    await pick(f, 'mapping-0-zoho', 'Last Name');
    await pick(f, 'mapping-0-jira', 'Summary');
    await pick(f, 'opt-backfill', 'Import them');
    expect(await f.getByText('Runs once the item is created, in the background').isVisible()).toBe(true);
    await s.screenshot(s.page, '12-sci-backfill-option');
    await clickInDialog(f, 'Create');

    const row = f.locator('tr', { hasText: 'Leads into SUP' });
    await expect.poll(() => row.textContent(), { timeout: 60_000 }).toContain('Import existing');
    // The dashboard polls the backfill while it runs; it ends with every existing Lead imported.
    await expect.poll(() => row.textContent(), { timeout: 120_000 }).toContain('Backfill done');
    const text = (await row.textContent()) ?? '';
    const created = Number(/looked at · ([\d,]+) created/.exec(text)?.[1]?.replace(/,/g, '') ?? 0);
    expect(created).toBeGreaterThan(0);
    expect(text).toContain('Run backfill again');
    await s.screenshot(s.page, '13-sci-backfill-done');

    // The summary shows the notification channels the synced modules use (F33); it refreshes on its own.
    const card = f.getByTestId('card-realtime');
    await expect.poll(() => card.textContent(), { timeout: 60_000 }).toContain('Leads');
    expect(await card.textContent()).toContain('Live');
    await s.screenshot(s.page, '14-realtime-channels');
  }, 300_000);
});

describe('Ordinary Jira users (F38)', () => {
  it('sees the panel of an issue they can browse, is refused the admin page, and sees no records of an issue they cannot browse', async () => {
    const marcus = SEED_USERS.find((u) => u.displayName === 'Marcus Lee')!;
    const priya = SEED_USERS.find((u) => u.displayName === 'Priya Natarajan')!;
    // No admin action needed: an ordinary user opens the issue and the panel shows its link as for anyone.
    await s.page.goto(`${s.host.url}/browse/DEMO-1?as=${encodeURIComponent(marcus.accountId)}`);
    expect(await s.page.locator('#acting-as').inputValue()).toBe(marcus.accountId);
    const card = panel().getByTestId('linked-card');
    // DEMO-1 keeps the record linked by ID above.
    await expect.poll(() => card.getByTestId('record-id').textContent(), { timeout: 45_000 }).toMatch(/^\d+$/);
    await s.screenshot(s.page, '15-panel-ordinary-user');

    // The host remembers who is acting; the API refuses the admin page's calls for them.
    await s.page.goto(`${s.host.url}/admin`);
    await expect.poll(() => admin().getByText('Only Jira administrators can change the Zoho CRM Connector').first().isVisible(), { timeout: 45_000 }).toBe(true);
    await s.screenshot(s.page, '16-admin-page-ordinary-user');

    // Priya may browse DEMO only: the panel of a SUP issue shows no records and says why.
    await s.page.goto(`${s.host.url}/browse/SUP-1?as=${encodeURIComponent(priya.accountId)}`);
    await expect.poll(() => panel().getByText('You do not have permission to browse this issue').first().isVisible(), { timeout: 45_000 }).toBe(true);
    await s.screenshot(s.page, '17-panel-issue-not-visible');

    // Back to the site's admin for the journeys that follow.
    await s.page.goto(`${s.host.url}/issues?as=${encodeURIComponent(SANDBOX_HUMAN.accountId)}`);
  }, 240_000);
});

describe('Providers mode', () => {
  it('keeps the SCIs, disables automation options with the reason, and asks users to sign in', async () => {
    await s.page.goto(`${s.host.url}/admin`);
    const f = admin();
    await f.getByText('Providers: each Jira user signs in').click();
    await expect.poll(() => f.getByText('Switching modes clears the stored Zoho CRM authentication only').isVisible()).toBe(true);
    await clickInDialog(f, 'Switch mode');
    await expect.poll(() => f.getByTestId('card-mode').textContent(), { timeout: 45_000 }).toContain('Providers');
    await f.getByLabel('Client ID').fill(s.t.zoho!.demoWebClient.clientId);
    await f.getByLabel('Client Secret').fill(s.t.zoho!.demoWebClient.clientSecret);
    await f.getByRole('button', { name: 'Save client' }).click();
    await expect.poll(() => f.getByRole('button', { name: 'Sign in with your Zoho CRM account' }).isVisible(), { timeout: 45_000 }).toBe(true);

    // F3: the item is still there; F9: its automation options are off, and the editor says why.
    await f.getByRole('tab', { name: 'Smart Connected Items' }).click();
    const sciRow = f.locator('tr', { hasText: 'Deals to DEMO tasks' });
    await expect.poll(() => sciRow.isVisible(), { timeout: 45_000 }).toBe(true);
    await sciRow.getByRole('button', { name: 'Edit' }).click();
    await clickInDialog(f, 'Next');
    const reason = 'Requires App OAuth 2.0: Providers mode runs no background automation.';
    await expect.poll(() => f.getByText(reason).count()).toBe(5);
    for (const id of ['opt-auto-create', 'opt-status-sync', 'opt-notes-sync', 'opt-attachment-sync', 'opt-backfill']) {
      expect(await f.locator(`#${id}`).isDisabled()).toBe(true);
    }
    await s.screenshot(s.page, '10-providers-options-disabled');
    await clickInDialog(f, 'Cancel');

    await s.page.goto(`${s.host.url}/browse/DEMO-4`);
    const p = panel();
    await expect.poll(() => p.getByRole('heading', { name: 'Zoho CRM login required' }).isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await p.getByRole('button', { name: 'Sign in to Zoho CRM' }).isVisible()).toBe(true);
    await s.screenshot(s.page, '11-panel-login-required');
  }, 240_000);
});
