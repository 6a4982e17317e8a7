// The full local stack for browser tests: the real API listening on a port (over a fresh database and the
// suite's Temporal dev server), a worker running the real sync engine on the app's task queue, the Jira and
// Zoho simulators (Jira events delivered to the API), the local host, and headless Debian Chromium driven by
// playwright-core. Screenshots go to test-results/ (kept as CI artifacts, never committed).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../../../api/test/helper';
import { startLocalHost, type LocalHost } from '../../../sandbox/host';
import { startInProcessWorker } from '../../../test/support/sync-stack';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = join(process.cwd(), 'test-results', 'browser');

/** The flags environment.md asks for: no background networking toward the closed network. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Stack {
  t: TestApp;
  apiUrl: string;
  host: LocalHost;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors of every frame, to explain a failure. */
  logs: string[];
  /** Saves a full-page PNG under test-results/browser/<name>.png. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startStack(opts: { pollInterval?: string } = {}): Promise<Stack> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const t = await createTestApp({ env: { SCI_POLL_INTERVAL: opts.pollInterval ?? '1h', TEMPORAL_UI_URL: 'http://127.0.0.1:8233' } });
    closers.push(() => t.close());
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('API did not listen');
    const apiUrl = `http://127.0.0.1:${address.port}`;
    t.jira.setEventUrl(`${apiUrl}/api/v1/events/jira`);

    const worker = await startInProcessWorker(t);
    closers.push(() => worker.stop());

    const host = await startLocalHost({
      apiUrl,
      jiraSimulatorUrl: t.jira.url,
      signFit: (claims) => t.jira.signFit(claims),
      systemToken: () => t.jira.systemToken,
      jiraAuth: t.jira.basicAuth,
    });
    closers.push(() => host.close());

    const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
    closers.push(() => rm(profile, { recursive: true, force: true }));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 1000 },
    });
    closers.push(() => context.close());
    const browser = context.browser() as Browser;
    const page = await context.newPage();
    const logs: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') logs.push(`[${m.type()}] ${m.text()}`);
    });
    page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
    await mkdir(RESULTS_DIR, { recursive: true });

    return {
      t,
      apiUrl,
      host,
      browser,
      context,
      page,
      logs,
      async screenshot(p, name) {
        const path = join(RESULTS_DIR, `${name}.png`);
        await p.screenshot({ path, fullPage: true });
        return path;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
