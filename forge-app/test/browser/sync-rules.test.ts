// F40 in a real browser against the whole local stack: the admin builds sync rules for a 2 Way item of
// Deals in the editor (Zoho fields and their operators from live metadata, all/any, a JQL filter), sees
// Jira's own JQL message at the filter when it is wrong, saves, and reads the rules back on reopening.
import { describe, expect, it } from 'vitest';
import type { Stack } from './stack';
import { useBrowserSession } from './session';

let s: Stack;
const { press, pick, clickInDialog, connectAppOAuth } = useBrowserSession('sync-rules', async (stack) => {
  s = stack;
});

describe('sync rules (F40)', () => {
  it('the editor saves conditions and a JQL filter, shows Jira’s message for bad JQL, and reads the rules back', async () => {
    const f = await connectAppOAuth();

    await f.getByRole('tab', { name: 'Smart Connected Items' }).click();
    await f.getByRole('button', { name: 'Create Smart Connected Item' }).click();
    await f.getByLabel('Name').fill('Deals in negotiation');
    await pick(f, 'jira-project', 'DEMO');
    await pick(f, 'jira-issue-type', 'Task');
    await pick(f, 'zoho-module', 'Deals');
    await clickInDialog(f, 'Next');

    const editor = f.getByTestId('sync-rules-editor');
    await pick(f, 'sync-rules-match', 'All conditions hold');
    await press(editor.getByRole('button', { name: 'Add condition' }));
    await pick(f, 'rule-0-field', 'Stage');
    await pick(f, 'rule-0-operator', 'is any of');
    await pick(f, 'rule-0-values', 'Negotiation/Review');
    await pick(f, 'rule-0-values', 'Closed Won');
    await press(editor.getByRole('button', { name: 'Add condition' }));
    await pick(f, 'rule-1-field', 'Amount');
    await pick(f, 'rule-1-operator', 'is at least');
    await f.locator('[id="rule-1-value"]').fill('10000');

    // A JQL filter Jira refuses: nothing is saved, Jira's reason shows at the filter.
    await f.locator('[id="sync-rules-jql"]').fill('universe = 42');
    await clickInDialog(f, 'Create');
    await expect.poll(() => editor.getByTestId('sync-rules-jql-error').textContent(), { timeout: 30_000 }).toContain("Field 'universe' does not exist");
    await s.screenshot(s.page, 'f40-01-editor-jql-error');

    await f.locator('[id="sync-rules-jql"]').fill('labels = crm-sync');
    await s.screenshot(s.page, 'f40-02-editor-sync-rules');
    await clickInDialog(f, 'Create');
    const row = f.locator('tr', { hasText: 'Deals in negotiation' });
    await expect.poll(() => row.textContent(), { timeout: 60_000 }).toContain('2 Way');

    // Reopened, the editor shows what was saved.
    await row.getByRole('button', { name: 'Edit' }).click();
    await clickInDialog(f, 'Next');
    const first = f.getByTestId('rule-0');
    await expect.poll(() => first.textContent(), { timeout: 30_000 }).toContain('Stage');
    expect(await first.textContent()).toContain('is any of');
    expect(await first.textContent()).toContain('Negotiation/Review');
    expect(await first.textContent()).toContain('Closed Won');
    expect(await f.getByTestId('rule-1').textContent()).toContain('is at least');
    expect(await f.locator('[id="rule-1-value"]').inputValue()).toBe('10000');
    expect(await f.locator('[id="sync-rules-jql"]').inputValue()).toBe('labels = crm-sync');
    expect(await editor.textContent()).toContain('All conditions hold');
    await clickInDialog(f, 'Cancel');
  }, 240_000);
});
