// F41 in a real browser against the whole local stack: on a 1 Way item of Deals, the admin maps the
// Deal's Priority picklist (Critical, Urgent, Normal, Someday) to Jira's priorities in the mapping row's
// "Map values" panel, both sides' values listed from live metadata, with a default for unmapped values;
// the item is saved with that value map, and the editor reopened shows it again. Then Owner → Assignee with
// "Map users": Zoho CRM's users listed with their e-mail matches, an override and a default user saved.
import { describe, expect, it } from 'vitest';
import { definitionOf } from '../../../lib/sci/definition';
import { USERS as JIRA_USERS } from '../../../sandbox/jira/seed';
import { USERS as ZOHO_USERS } from '../../../sandbox/zoho/store';
import type { Stack } from './stack';
import { useBrowserSession } from './session';

let s: Stack;
const { admin, press, pick, clickInDialog, connectAppOAuth } = useBrowserSession('value-mapping', async (stack) => {
  s = stack;
});

describe('value mapping (F41)', () => {
  it('the editor saves a value map for a picklist → priority mapping and reads it back', async () => {
    const f = await connectAppOAuth();

    await f.getByRole('tab', { name: 'Smart Connected Items' }).click();
    await f.getByRole('button', { name: 'Create Smart Connected Item' }).click();
    await f.getByLabel('Name').fill('Deal priorities');
    await f.getByText('1 Way', { exact: true }).click();
    await pick(f, 'jira-project', 'DEMO');
    await pick(f, 'jira-issue-type', 'Task');
    await pick(f, 'zoho-module', 'Deals');
    await clickInDialog(f, 'Next');

    await press(f.getByRole('button', { name: 'Add mapping' }));
    await pick(f, 'mapping-0-zoho', 'Priority');
    await pick(f, 'mapping-0-jira', 'Priority');
    const row = f.getByTestId('mapping-0-map');
    await press(row.getByRole('button', { name: 'Map values' }));
    const panel = f.getByTestId('mapping-0-value-map');
    // Both sides' values from metadata: the Deal picklist's rows, Jira's priorities as choices.
    await expect.poll(() => panel.textContent(), { timeout: 30_000 }).toContain('Someday');
    expect(await panel.textContent()).toContain('Critical');
    await pick(f, 'mapping-0-value-0', 'Highest'); // Critical
    await pick(f, 'mapping-0-value-1', 'Highest'); // Urgent: many to one
    await pick(f, 'mapping-0-value-2', 'Medium'); // Normal
    await pick(f, 'mapping-0-default-jira', 'Low'); // Someday and anything else
    await s.screenshot(s.page, 'f41-01-editor-value-map');
    await clickInDialog(f, 'Create');
    const item = f.locator('tr', { hasText: 'Deal priorities' });
    await expect.poll(() => item.textContent(), { timeout: 60_000 }).toContain('1 Way');

    const saved = await s.t.db.prisma.smartConnectedItem.findFirstOrThrow({ where: { name: 'Deal priorities' } });
    expect(definitionOf(saved).fieldMappings[0]).toMatchObject({
      zohoField: 'Deal_Priority',
      jiraField: 'priority',
      valueMap: {
        entries: [
          { zohoValue: 'Critical', jiraValue: 'Highest' },
          { zohoValue: 'Urgent', jiraValue: 'Highest' },
          { zohoValue: 'Normal', jiraValue: 'Medium' },
        ],
        defaultJiraValue: 'Low',
        unmapped: 'LEAVE',
      },
    });

    // Reopened, the editor shows the saved map.
    await item.getByRole('button', { name: 'Edit' }).click();
    await clickInDialog(f, 'Next');
    const reopened = f.getByTestId('mapping-0-map');
    await expect.poll(() => reopened.textContent(), { timeout: 30_000 }).toContain('Values are mapped.');
    await press(reopened.getByRole('button', { name: 'Map values' }));
    await expect.poll(() => f.getByTestId('mapping-0-value-1').textContent(), { timeout: 30_000 }).toContain('Highest');
    expect(await f.getByTestId('mapping-0-value-2').textContent()).toContain('Medium');
    expect(await f.getByTestId('mapping-0-value-3').textContent()).toContain('Not mapped');
    expect(await f.getByTestId('mapping-0-value-map').textContent()).toContain('Low');
    await s.screenshot(s.page, 'f41-02-editor-value-map-reopened');
    await clickInDialog(f, 'Cancel');
  }, 240_000);

  it('the editor saves a user map (an override for a user with another address, a default user) for Owner → Assignee', async () => {
    const f = admin();
    await f.getByRole('button', { name: 'Create Smart Connected Item' }).click();
    await f.getByLabel('Name').fill('Deal owners');
    await f.getByRole('dialog').getByText('1 Way', { exact: true }).click();
    await pick(f, 'jira-project', 'DEMO');
    await pick(f, 'jira-issue-type', 'Task');
    await pick(f, 'zoho-module', 'Deals');
    await clickInDialog(f, 'Next');

    await press(f.getByRole('button', { name: 'Add mapping' }));
    await pick(f, 'mapping-0-zoho', 'Owner');
    await pick(f, 'mapping-0-jira', 'Assignee');
    await press(f.getByTestId('mapping-0-map').getByRole('button', { name: 'Map users' }));
    const panel = f.getByTestId('mapping-0-user-map');
    // Zoho CRM's users listed, with who the same address already matches in Jira.
    await expect
      .poll(() => panel.textContent(), { timeout: 30_000 })
      .toContain('Patricia Boyle (patricia.boyle@zylker.example)');
    const rows = ['Patricia Boyle', 'Marcus Chen', 'Aisha Patel'].map((name) =>
      panel.locator('[data-testid^="mapping-0-user-"]', { hasText: name }).first(),
    );
    expect(await rows[2]!.textContent()).toContain('Matched by e-mail: Aisha Patel');
    expect(await rows[0]!.textContent()).toContain('No match');
    const patriciaInput = await rows[0]!.locator('input').first().getAttribute('id');
    await pick(f, patriciaInput!, 'pboyle@demo-sandbox.example');
    await pick(f, 'mapping-0-user-fallback', 'Use a default user');
    await pick(f, 'mapping-0-default-jira-user', 'Marcus Lee');
    await s.screenshot(s.page, 'f41-03-editor-user-map');
    await clickInDialog(f, 'Create');
    const item = f.locator('tr', { hasText: 'Deal owners' });
    await expect.poll(() => item.textContent(), { timeout: 60_000 }).toContain('1 Way');

    const saved = await s.t.db.prisma.smartConnectedItem.findFirstOrThrow({ where: { name: 'Deal owners' } });
    expect(definitionOf(saved).fieldMappings[0]).toMatchObject({
      zohoField: 'Owner',
      jiraField: 'assignee',
      userMap: {
        overrides: [
          {
            zohoUserId: ZOHO_USERS.find((u) => u.name === 'Patricia Boyle')!.id,
            jiraAccountId: JIRA_USERS.find((u) => u.displayName === 'Patricia Boyle')!.accountId,
          },
        ],
        fallback: 'DEFAULT_USER',
        defaultJiraAccountId: JIRA_USERS.find((u) => u.displayName === 'Marcus Lee')!.accountId,
      },
    });
  }, 240_000);
});
