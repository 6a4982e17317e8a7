// F45 in a real browser against the whole local stack: the admin chooses CRM fields to keep searchable on
// the linked issues, the editor shows each one's JQL name, and after a sync a JQL search in the Jira
// simulator (through its REST API) finds the auto-created issue by the CRM values.
import { describe, expect, it } from 'vitest';
import { connectZohoClient } from '../../../sandbox/zoho/testing';
import type { Stack } from './stack';
import { useBrowserSession } from './session';

let s: Stack;
const { admin, press, pick, clickInDialog, connectAppOAuth } = useBrowserSession('jql-fields', async (stack) => {
  s = stack;
});

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** JQL search through the Jira simulator's REST API, as a person with an API token would run it. */
async function searchKeys(jql: string): Promise<{ key: string; summary: string }[]> {
  const auth = `Basic ${Buffer.from(`${s.t.jira.basicAuth.email}:${s.t.jira.basicAuth.apiToken}`).toString('base64')}`;
  const res = await fetch(`${s.t.jira.url}/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}&fields=summary`, {
    headers: { authorization: auth },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { issues: { key: string; fields: { summary: string } }[] };
  return body.issues.map((i) => ({ key: i.key, summary: i.fields.summary }));
}

describe('CRM fields searchable in Jira (F45)', () => {
  it('the editor chooses CRM fields and shows their JQL names', async () => {
    const f = await connectAppOAuth();

    await f.getByRole('tab', { name: 'Smart Connected Items' }).click();
    await f.getByRole('button', { name: 'Create Smart Connected Item' }).click();
    await f.getByLabel('Name').fill('Deals searchable in JQL');
    await pick(f, 'jira-project', 'DEMO');
    await pick(f, 'jira-issue-type', 'Task');
    await pick(f, 'zoho-module', 'Deals');
    await clickInDialog(f, 'Next');
    await press(f.locator('label[for="opt-auto-create"]'));

    const editor = f.getByTestId('jql-fields-editor');
    await press(editor.getByRole('button', { name: 'Add JQL field' }));
    await pick(f, 'jql-field-0-zoho', 'Stage');
    await pick(f, 'jql-field-0-name', 'zohoDealStage');
    await press(editor.getByRole('button', { name: 'Add JQL field' }));
    await pick(f, 'jql-field-1-zoho', 'Amount');
    // A number field is offered number names only, and the row shows how to search it.
    await press(f.locator('[id="jql-field-1-name"]'));
    const offered = await f.locator('[role="option"]').allTextContents();
    expect(offered).toContain('zohoAmount');
    expect(offered).not.toContain('zohoDealStage');
    await f.locator('[role="option"]', { hasText: 'zohoAmount' }).first().click();
    expect(await f.getByTestId('jql-field-1-example').textContent()).toBe('zohoAmount > 50000');
    expect(await f.getByTestId('jql-field-0-example').textContent()).toBe('zohoDealStage = "…"');
    await s.screenshot(s.page, 'f45-01-editor-jql-fields');
    await clickInDialog(f, 'Create');
    const row = f.locator('tr', { hasText: 'Deals searchable in JQL' });
    await expect.poll(() => row.textContent(), { timeout: 60_000 }).toContain('2 Way');

    // Reopened, the editor shows what was saved, with each field's JQL name.
    await row.getByRole('button', { name: 'Edit' }).click();
    await clickInDialog(f, 'Next');
    await expect.poll(() => f.getByTestId('jql-field-0').textContent(), { timeout: 30_000 }).toContain('Stage');
    expect(await f.getByTestId('jql-field-0').textContent()).toContain('zohoDealStage');
    expect(await f.getByTestId('jql-field-1').textContent()).toContain('Amount');
    expect(await f.getByTestId('jql-field-1').textContent()).toContain('zohoAmount');
    await clickInDialog(f, 'Cancel');
  }, 240_000);

  it('after a sync, a JQL search in Jira finds the issue by its CRM values', async () => {
    const { client } = await connectZohoClient(s.t.zoho!);
    const [big] = await client.records.insert('Deals', [
      { Deal_Name: 'Globex - JQL browser deal', Stage: 'Closed Won', Amount: 82000 },
    ]);
    const [small] = await client.records.insert('Deals', [
      { Deal_Name: 'Initech - JQL browser deal', Stage: 'Closed Won', Amount: 900 },
    ]);
    expect(big?.ok && small?.ok).toBe(true);

    const f = admin();
    const sciRow = f.locator('tr', { hasText: 'Deals searchable in JQL' });
    await sciRow.getByRole('button', { name: 'Sync now' }).click();
    await expect
      .poll(() => f.getByText('A sync of Deals searchable in JQL has started.').isVisible(), { timeout: 45_000 })
      .toBe(true);

    const hits = await waitFor(async () => {
      const found = await searchKeys('zohoDealStage = "Closed Won" AND zohoAmount > 50000');
      return found.some((i) => i.summary.includes('JQL browser deal')) ? found : undefined;
    }, 90_000);
    const summaries = hits.map((i) => i.summary);
    expect(summaries).toContain('Globex - JQL browser deal');
    expect(summaries).not.toContain('Initech - JQL browser deal');
    // Each record's issue gets its values after its own create: wait for the second one too.
    const closedWon = await waitFor(async () => {
      const found = (await searchKeys('project = DEMO AND zohoDealStage = "Closed Won"')).map((i) => i.summary);
      return found.includes('Initech - JQL browser deal') ? found : undefined;
    }, 90_000);
    expect(closedWon).toEqual(expect.arrayContaining(['Globex - JQL browser deal', 'Initech - JQL browser deal']));
  }, 240_000);
});
