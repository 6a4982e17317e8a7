// R7 vertical authorization, on the real API with FITs minted by the Jira simulator's own route
// (POST /__sandbox/forge/fit) and permissions answered by its bulk permission check: every admin route in the
// served OpenAPI document refuses an ordinary user (403, saying what is missing) and lets a Jira admin
// through; a call with no user reaches no admin or panel route; the panel refuses an issue the user cannot
// browse; and the issue panel's resolver function defines none of the admin keys.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../api/test/helper';
import { ADMIN_KEYS, PANEL_KEYS } from '../../forge-app/src/resolvers';
import { RESOLVER_KEYS } from '../../forge-app/src/routes';

let t: TestApp;
let app: FastifyInstance;

interface SandboxUser {
  accountId: string;
  displayName: string;
  admin: boolean;
}
let users: SandboxUser[];

beforeAll(async () => {
  t = await createTestApp();
  app = t.app;
  const res = await fetch(`${t.jira.url}/__sandbox/users`);
  users = (await res.json()) as SandboxUser[];
}, 120_000);

afterAll(async () => {
  await t?.close();
});

/** A FIT the way a screen of the app gets one: minted by the sandbox for a user and a module. */
async function fitOf(accountId: string, moduleKey: string): Promise<Record<string, string>> {
  const res = await fetch(`${t.jira.url}/__sandbox/forge/fit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId, moduleKey }),
  });
  expect(res.status).toBe(200);
  const { token } = (await res.json()) as { token: string };
  return { authorization: `Bearer ${token}`, 'x-forge-oauth-system': t.jira.systemToken };
}

const admin = () => users.find((u) => u.admin)!;
const ordinary = (name: string) => users.find((u) => u.displayName === name && !u.admin)!;

interface Operation {
  method: string;
  path: string;
  description: string;
}

/** The FIT-protected operations of the served OpenAPI document. */
async function securedOperations(): Promise<Operation[]> {
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{
    paths: Record<string, Record<string, { security?: unknown[]; description?: string }>>;
  }>();
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!op.security || op.security.length === 0) continue;
      out.push({ method: method.toUpperCase(), path, description: op.description ?? '' });
    }
  }
  return out;
}

/** Routes that are not the admin's, by design: the panel, one's own sign-in, and Forge's own deliveries. */
const NOT_ADMIN = [/^\/api\/v1\/panel\//, /^\/api\/v1\/connection\/providers\/sign-in$/, /^\/api\/v1\/events\//, /^\/api\/v1\/lifecycle\//];

const SAMPLE_PARAMS: Record<string, string> = {
  id: '0190f0aa-0000-7000-8000-000000000000',
  linkId: '0190f0aa-0000-7000-8000-000000000001',
  module: 'Deals',
  projectId: '10000',
  issueIdOrKey: 'DEMO-1',
};

function concrete(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(SAMPLE_PARAMS[name] ?? 'x'));
}

async function call(op: Operation, headers: Record<string, string>) {
  const withBody = op.method === 'POST' || op.method === 'PUT' || op.method === 'PATCH';
  return app.inject({ method: op.method as 'GET', url: concrete(op.path), headers, ...(withBody ? { payload: {} } : {}) });
}

describe('R7: only Jira admins administer; the panel shows only issues the user can browse', () => {
  it('the sandbox lists its people with their role and mints FITs for them', () => {
    expect(users.filter((u) => u.admin).map((u) => u.displayName)).toEqual(['Alana Grant']);
    expect(users.filter((u) => !u.admin).length).toBeGreaterThanOrEqual(2);
  });

  it('every admin route: an ordinary user gets 403 saying an admin is needed, a Jira admin does not', async () => {
    const ops = (await securedOperations()).filter((op) => !NOT_ADMIN.some((re) => re.test(op.path)));
    // The admin page's whole API is here: connection, SCIs, metadata pickers, backfill, channels, run history.
    for (const needle of ['/api/v1/connection', '/api/v1/scis', '/api/v1/metadata/', '/backfill', '/channels', '/runs']) {
      expect(ops.some((op) => op.path.includes(needle)), `no admin route matching ${needle}`).toBe(true);
    }
    expect(ops.length).toBeGreaterThanOrEqual(25);
    const user = await fitOf(ordinary('Marcus Lee').accountId, 'zoho-crm-admin');
    const boss = await fitOf(admin().accountId, 'zoho-crm-admin');
    for (const op of ops) {
      expect(op.description, `${op.method} ${op.path} documents its caller`).toContain('Caller: a Jira administrator');
      const refused = await call(op, user);
      expect(refused.statusCode, `${op.method} ${op.path} as an ordinary user`).toBe(403);
      expect(refused.json(), `${op.method} ${op.path} refusal body`).toMatchObject({ statusCode: 403, code: 'ADMIN_REQUIRED' });
      expect(refused.json<{ message: string }>().message).toMatch(/Administer Jira/);
      const allowed = await call(op, boss);
      expect([401, 403], `${op.method} ${op.path} as a Jira admin answered ${allowed.statusCode}: ${allowed.body}`).not.toContain(allowed.statusCode);
    }
  }, 240_000);

  it('a FIT without a user (events, lifecycle, scheduled triggers) reaches no admin or panel route', async () => {
    const trigger = await t.headers({ accountId: null });
    for (const [method, url] of [
      ['GET', '/api/v1/connection'],
      ['GET', '/api/v1/scis'],
      ['POST', '/api/v1/connection/mode'],
      ['GET', '/api/v1/panel/issues/DEMO-1'],
      ['POST', '/api/v1/connection/providers/sign-in'],
    ] as const) {
      const res = await app.inject({ method, url, headers: trigger, ...(method === 'POST' ? { payload: {} } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json()).toMatchObject({ code: 'USER_REQUIRED' });
    }
    // Its own routes still answer it.
    const refresh = await app.inject({ method: 'POST', url: '/api/v1/lifecycle/token-refresh', headers: trigger, payload: {} });
    expect(refresh.statusCode).toBe(200);
  });

  it('the panel refuses an issue the user cannot browse and serves one they can', async () => {
    const priya = ordinary('Priya Natarajan'); // may browse DEMO only
    const marcus = ordinary('Marcus Lee'); // may browse every project
    const priyaFit = await fitOf(priya.accountId, 'zoho-crm-issue-panel');
    const hidden = await app.inject({ method: 'GET', url: '/api/v1/panel/issues/SUP-1', headers: priyaFit });
    expect(hidden.statusCode).toBe(403);
    expect(hidden.json()).toMatchObject({ code: 'ISSUE_NOT_VISIBLE' });
    const linkHidden = await app.inject({ method: 'POST', url: '/api/v1/panel/issues/SUP-1/links', headers: priyaFit, payload: {} });
    expect(linkHidden.statusCode).toBe(403);
    const own = await app.inject({ method: 'GET', url: '/api/v1/panel/issues/DEMO-1', headers: priyaFit });
    expect(own.statusCode).toBe(200);
    const other = await app.inject({ method: 'GET', url: '/api/v1/panel/issues/SUP-1', headers: await fitOf(marcus.accountId, 'zoho-crm-issue-panel') });
    expect(other.statusCode).toBe(200);
    const missing = await app.inject({ method: 'GET', url: '/api/v1/panel/issues/DEMO-99999', headers: priyaFit });
    expect(missing.statusCode).toBe(404);
  });

  it('an ordinary user may still sign their own account in (Providers mode), and nothing more', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/connection/providers/sign-in', headers: await fitOf(ordinary('Marcus Lee').accountId, 'zoho-crm-issue-panel') });
    // Not configured for Providers mode here: the route itself answers, not the authorization layer.
    expect(res.statusCode).not.toBe(403);
  });

  it('the issue panel function defines only panel keys; no admin key is reachable from an issue', () => {
    expect(PANEL_KEYS.every((k) => k.startsWith('panel/') || k === 'connection/start-sign-in')).toBe(true);
    expect(ADMIN_KEYS.some((k) => k.startsWith('panel/'))).toBe(false);
    expect(new Set([...ADMIN_KEYS, ...PANEL_KEYS])).toEqual(new Set(RESOLVER_KEYS));
    for (const adminOnly of ['sci/delete', 'connection/switch-mode', 'connection/connect-app-oauth', 'sci/start-backfill']) {
      expect(PANEL_KEYS as readonly string[]).not.toContain(adminOnly);
    }
  });
});
