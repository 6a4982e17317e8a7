// What every browser test file does around its tests: one local stack for the file (started before, closed
// after), a screenshot and the stack's logs when a test fails, and the page gestures that work inside the
// host page's Forge iframes.
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { FrameLocator, Locator } from 'playwright-core';
import { ZOHO_APP_SCOPES } from '../../../clients/zoho';
import { startStack, type Stack } from './stack';

export interface BrowserSession {
  /** The file's stack (available from the first test on). */
  readonly s: Stack;
  admin(): FrameLocator;
  panel(): FrameLocator;
  /**
   * Clicks after scrolling the host page so the element is in view: the host grows each iframe to fit its
   * content (as Jira does), so an element below the fold cannot be scrolled into view from inside the frame.
   */
  press(target: Locator): Promise<void>;
  /** Picks an option in an Atlaskit (react-select) picker by typing part of its label. */
  pick(frame: FrameLocator, inputId: string, text: string): Promise<void>;
  /** Clicks a button of the open modal. */
  clickInDialog(frame: FrameLocator, name: string): Promise<void>;
  /** Opens the admin page and connects Zoho CRM with App OAuth 2.0 (a self-client grant code), as an admin does. */
  connectAppOAuth(): Promise<FrameLocator>;
}

/** Registers the file's hooks; `label` names its failure screenshots. `setup` runs once after the stack started. */
export function useBrowserSession(label: string, setup?: (s: Stack) => Promise<void>): BrowserSession {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack();
    await setup?.(stack);
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && stack) {
      await stack.screenshot(stack.page, `failed-${label}-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
      console.error(stack.logs.join('\n'));
    }
    if (stack) stack.logs.length = 0;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const session: BrowserSession = {
    get s() {
      if (!stack) throw new Error('the browser stack has not started');
      return stack;
    },
    admin: () => session.s.page.frameLocator('#forge-admin-page'),
    panel: () => session.s.page.frameLocator('#forge-issue-panel'),
    async press(target) {
      const box = await target.boundingBox();
      if (box) await session.s.page.evaluate((y) => window.scrollBy(0, y - window.innerHeight / 2), box.y);
      await target.click();
    },
    async pick(frame, inputId, text) {
      const input = frame.locator(`[id="${inputId}"]`);
      await session.press(input);
      await input.fill(text);
      await frame.locator('[role="option"]', { hasText: text }).first().click();
    },
    async clickInDialog(frame, name) {
      await session.press(frame.getByRole('dialog').getByRole('button', { name, exact: true }));
    },
    async connectAppOAuth() {
      const s = session.s;
      await s.page.goto(`${s.host.url}/admin`);
      const f = session.admin();
      await expect.poll(() => f.getByRole('heading', { name: 'Zoho CRM Connector' }).isVisible(), { timeout: 60_000 }).toBe(true);
      await f.getByText('App OAuth 2.0: one shared app connection').click();
      await f.getByLabel('Client ID').fill(s.t.zoho!.demoClient.clientId);
      await f.getByLabel('Client Secret').fill(s.t.zoho!.demoClient.clientSecret);
      await f.getByLabel('Code').fill(s.t.zoho!.mintGrantCode({ scopes: ZOHO_APP_SCOPES, dc: 'us' }));
      await f.getByRole('button', { name: 'Connect', exact: true }).click();
      await expect.poll(() => f.getByTestId('card-mode').textContent(), { timeout: 45_000 }).toContain('Connected');
      return f;
    },
  };
  return session;
}
