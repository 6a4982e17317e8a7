// The manifest is validated offline with Atlassian's own validator (@forge/manifest, the library behind
// `forge lint`), so a broken manifest fails CI without a Forge login. Mutated copies prove the check bites.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- the parsed YAML is untyped on purpose: the Forge validator is what judges it. */
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate } from '@forge/manifest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildCustomUi } from '../build';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = join(appDir, 'manifest.yml');

type Manifest = Record<string, any>;

let source = '';
let scratch = '';

async function validateManifest(text: string, env: Record<string, string | undefined> = { CONNECTOR_API_URL: 'https://connector.example.com' }) {
  const dir = await mkdtemp(join(scratch, 'm-'));
  // Resource and handler paths are resolved next to the manifest: point them at the real ones.
  await symlink(join(appDir, 'static'), join(dir, 'static'));
  await symlink(join(appDir, 'src'), join(dir, 'src'));
  await writeFile(join(dir, 'manifest.yml'), text);
  const saved = process.env.CONNECTOR_API_URL;
  if (env.CONNECTOR_API_URL === undefined) delete process.env.CONNECTOR_API_URL;
  else process.env.CONNECTOR_API_URL = env.CONNECTOR_API_URL;
  try {
    const result = await validate(false, join(dir, 'manifest.yml'));
    const all = result.errors ?? [];
    return {
      success: result.success,
      errors: all.filter((e) => e.level === 'error').map((e) => e.message),
      warnings: all.filter((e) => e.level !== 'error').map((e) => e.message),
    };
  } finally {
    if (saved === undefined) delete process.env.CONNECTOR_API_URL;
    else process.env.CONNECTOR_API_URL = saved;
  }
}

function mutate(fn: (m: Manifest) => void): string {
  const m = parse(source) as Manifest;
  fn(m);
  return stringify(m);
}

beforeAll(async () => {
  source = await readFile(manifestPath, 'utf8');
  scratch = await mkdtemp(join(tmpdir(), 'forge-manifest-'));
  // The Custom UI resources must exist for the validator (it checks each resource has index.html).
  await buildCustomUi();
}, 120_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('forge-app/manifest.yml', () => {
  it('passes the full Forge validation with no errors or warnings', async () => {
    const result = await validateManifest(source);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.success).toBe(true);
  });

  it('declares the modules, triggers, remote and runtime the product needs', () => {
    const m = parse(source) as Manifest;
    expect(m.app.runtime.name).toBe('nodejs22.x');
    expect(m.modules['jira:adminPage']).toHaveLength(1);
    expect(m.modules['jira:issuePanel']).toHaveLength(1);
    const events = (m.modules.trigger as Manifest[]).flatMap((t) => t.events as string[]);
    expect(events).toEqual(
      expect.arrayContaining(['avi:jira:created:issue', 'avi:jira:updated:issue', 'avi:jira:commented:issue', 'avi:jira:created:attachment']),
    );
    expect(m.modules.scheduledTrigger).toEqual([expect.objectContaining({ interval: 'hour', endpoint: 'token-refresh' })]);
    const endpoints = Object.fromEntries((m.modules.endpoint as Manifest[]).map((e) => [e.key, e]));
    expect(endpoints['jira-events'].route.path).toBe('/api/v1/events/jira');
    expect(endpoints['token-refresh'].route.path).toBe('/api/v1/lifecycle/token-refresh');
    // Uninstall: its own endpoint (the backend deletes the site's secrets there).
    expect(m.modules.trigger).toEqual(expect.arrayContaining([expect.objectContaining({ endpoint: 'app-uninstalled', events: ['avi:forge:uninstalled:app'] })]));
    expect(endpoints['app-uninstalled'].route.path).toBe('/api/v1/lifecycle/uninstalled');
    // The backend's address is a deploy-time variable, never a literal.
    expect(m.remotes).toEqual([expect.objectContaining({ key: 'connector-api', baseUrl: '${CONNECTOR_API_URL}' })]);
    expect(m.remotes[0].operations).toContain('compute');
    expect(m.remotes[0].auth.appSystemToken.enabled).toBe(true);
    expect(m.permissions.scopes).toEqual(expect.arrayContaining(['read:jira-work', 'write:jira-work', 'read:app-system-token']));
    expect(m.permissions.external.fetch.backend).toEqual([{ remote: 'connector-api' }]);
  });

  it('fails when the backend URL is not given at deploy time', async () => {
    const result = await validateManifest(source, { CONNECTOR_API_URL: undefined });
    expect(result.success).toBe(false);
    expect(result.errors.join('\n')).toMatch(/CONNECTOR_API_URL/);
  });

  const broken: [string, (m: Manifest) => void][] = [
    ['a retired runtime', (m) => void (m.app.runtime.name = 'nodejs18.x')],
    ['an issue panel without a title', (m) => void delete m.modules['jira:issuePanel'][0].title],
    ['a resource whose build folder does not exist', (m) => void (m.resources[0].path = 'static/missing/build')],
    ['a trigger pointing at an undeclared endpoint', (m) => void (m.modules.trigger[0].endpoint = 'nowhere')],
    ['a module resolver naming an unknown function', (m) => void (m.modules['jira:adminPage'][0].resolver.function = 'nope')],
    ['an unknown top-level key', (m) => void (m.surprise = true)],
    ['a remote key that is too long', (m) => void (m.remotes[0].key = 'a-remote-key-that-is-far-too-long')],
  ];
  it.each(broken)('fails for %s', async (_name, fn) => {
    const result = await validateManifest(mutate(fn));
    expect(result.success).toBe(false);
    expect(result.errors.length).toBeGreaterThan(0);
  });
});
