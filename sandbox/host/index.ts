// The local host (F37): a small server that hosts the Forge app's two Custom UI screens the way Jira does,
// so anyone can configure an SCI, link a record and watch sync happen without an Atlassian account.
//
//   /admin            the Jira admin page with the Zoho CRM Connector screen in an iframe
//   /issues           the sandbox Jira site's issues (read from the Jira simulator)
//   /browse/DEMO-1    an issue view with the Zoho CRM issue panel beside it
//
// The screens are the real bundles with @forge/bridge swapped for ./bridge.ts; `invoke` posts to
// /__bridge/invoke, which runs the real resolver functions (forge-app/src), whose @forge/api
// `invokeRemote` reaches the real API with FITs signed by the sandbox key (./forge-runtime.ts).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { buildCustomUi, SCREENS, type ScreenName } from '../../forge-app/build';
import { DEFAULT_BASIC_AUTH, SANDBOX_HUMAN, SEED_USERS } from '../jira';
import * as functions from '../../forge-app/src/index';
import { installForgeRuntime, runInInvocation } from './forge-runtime';
import { jiraReader } from './jira-view';
import { adminPage, issueJson, issueList, issueView, type HostUser, type Viewer } from './pages';

const here = dirname(fileURLToPath(import.meta.url));
const manifestPath = join(here, '../../forge-app/manifest.yml');

type Handler = typeof functions.adminHandler;

/**
 * Which function's resolver serves each UI module, read from manifest.yml the way Forge does: the module's
 * `resolver.function` names a function whose `handler` is `index.<export>`. A key the module's function
 * does not define fails here as it fails in Jira.
 */
async function resolversByModule(): Promise<Map<string, Handler>> {
  const manifest = parseYaml(await readFile(manifestPath, 'utf8')) as {
    modules: Record<string, { key: string; resolver?: { function?: string }; handler?: string }[]>;
  };
  const handlers = new Map((manifest.modules.function ?? []).map((f) => [f.key, f.handler?.replace(/^index\./, '')]));
  const out = new Map<string, Handler>();
  for (const [type, modules] of Object.entries(manifest.modules)) {
    if (type === 'function') continue;
    for (const m of modules) {
      const exported = m.resolver?.function ? handlers.get(m.resolver.function) : undefined;
      const handler = exported ? (functions as Record<string, unknown>)[exported] : undefined;
      if (typeof handler === 'function') out.set(m.key, handler as Handler);
    }
  }
  return out;
}

export interface LocalHostOptions {
  /** Default 0 (an ephemeral port). */
  port?: number;
  host?: string;
  /** Base URL of the connector API, e.g. http://127.0.0.1:3000 (the Forge remote's baseUrl). */
  apiUrl: string;
  /** Base URL of the Jira simulator's site, e.g. http://127.0.0.1:4020. */
  jiraSimulatorUrl: string;
  /** Signs a Forge Invocation Token for the sandbox installation (the Jira simulator's `signFit`). */
  signFit: (claims: { principal?: string }) => Promise<string>;
  /** The app system token Forge sends as `x-forge-oauth-system` (the Jira simulator's `systemToken`). */
  systemToken?: () => string | undefined;
  /** Basic credentials to read issues from the simulator. Default: the simulator's demo admin. */
  jiraAuth?: { email: string; apiToken: string };
  /** The Jira user the page acts as by default; `?as=<accountId>` on any page overrides it. Default: the demo admin. */
  user?: HostUser;
  /** Other users a person can switch to (an ordinary user, Providers mode per user). Default: the other seed users. */
  otherUsers?: HostUser[];
  /** Projects listed on /issues. Default: DEMO. */
  projectKeys?: string[];
}

export interface LocalHost {
  readonly url: string;
  close(): Promise<void>;
}

const invokeBody = z.object({
  functionKey: z.string().min(1).max(100),
  payload: z.record(z.string(), z.unknown()).default({}),
  context: z.object({
    moduleKey: z.string().max(100),
    extension: z.record(z.string(), z.unknown()),
    accountId: z.string().max(200).optional(),
  }),
});

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'main.js': 'text/javascript; charset=utf-8',
  'main.css': 'text/css; charset=utf-8',
  'zoho-crm.svg': 'image/svg+xml',
};

export async function startLocalHost(opts: LocalHostOptions): Promise<LocalHost> {
  installForgeRuntime();
  const outRoot = await mkdtemp(join(tmpdir(), 'forge-host-ui-'));
  const dirs = await buildCustomUi({ outRoot, bridgeModule: join(here, 'bridge.ts') });
  const resolvers = await resolversByModule();
  const reader = jiraReader(opts.jiraSimulatorUrl.replace(/\/+$/, ''), opts.jiraAuth ?? DEFAULT_BASIC_AUTH);
  const person = (u: (typeof SEED_USERS)[number]): HostUser => ({ accountId: u.accountId, displayName: u.displayName, admin: u.siteAdmin === true });
  const me = opts.user ?? person(SANDBOX_HUMAN);
  const users = [me, ...(opts.otherUsers ?? SEED_USERS.filter((u) => u.accountId !== me.accountId).map(person))];
  const userFor = (as: unknown) => users.find((u) => u.accountId === as) ?? me;
  // The person chosen with ?as= stays chosen (a cookie of the host's own) until another is picked.
  const viewerFor = (req: FastifyRequest, reply: FastifyReply): Viewer => {
    const asked = (req.query as Record<string, unknown>).as;
    const remembered = /(?:^|;\s*)sandbox_as=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const current = userFor(typeof asked === 'string' ? asked : remembered ? decodeURIComponent(remembered) : undefined);
    if (typeof asked === 'string') void reply.header('set-cookie', `sandbox_as=${encodeURIComponent(current.accountId)}; Path=/; HttpOnly; SameSite=Lax`);
    return { current, users };
  };

  const app = Fastify({ logger: false, bodyLimit: 600 * 1024, forceCloseConnections: true });

  app.get('/', async (_req, reply) => reply.redirect('/issues'));
  app.get('/admin', async (req, reply) => {
    return reply.type('text/html; charset=utf-8').send(adminPage(viewerFor(req, reply)));
  });
  app.get('/issues', async (req, reply) => {
    const viewer = viewerFor(req, reply);
    const keys = opts.projectKeys ?? ['DEMO'];
    const issues = await reader.issues(`project in (${keys.join(', ')}) ORDER BY key ASC`);
    return reply.type('text/html; charset=utf-8').send(issueList(viewer, issues));
  });
  app.get<{ Params: { key: string } }>('/browse/:key', async (req, reply) => {
    const viewer = viewerFor(req, reply);
    const issue = await reader.issue(req.params.key);
    if (!issue) return reply.code(404).type('text/plain').send(`Issue ${req.params.key} does not exist in the sandbox Jira site.`);
    return reply.type('text/html; charset=utf-8').send(issueView(viewer, issue));
  });
  app.get<{ Params: { key: string } }>('/__host/issue/:key', async (req, reply) => {
    const issue = await reader.issue(req.params.key);
    if (!issue) return reply.code(404).send({ message: 'not found' });
    return issueJson(issue);
  });
  app.get<{ Params: { screen: string; file: string } }>('/ui/:screen/:file', async (req, reply) => {
    const { screen, file } = req.params;
    const type = FILES[file];
    if (!(screen in SCREENS) || !type) return reply.code(404).send('not found');
    return reply.type(type).header('cache-control', 'no-store').send(await readFile(join(dirs[screen as ScreenName], file)));
  });

  app.post('/__bridge/invoke', async (req, reply) => {
    const parsed = invokeBody.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ message: 'Malformed invoke request.' });
    const { functionKey, payload, context } = parsed.data;
    // What Forge would put in the invocation: the user from the session (here: the page's ?as=), the
    // module's extension context from the page that framed the screen.
    const accountId = userFor(context.accountId).accountId;
    const handler = resolvers.get(context.moduleKey);
    if (!handler) return reply.code(404).send({ message: `No resolver function serves the module ${context.moduleKey}.` });
    const result = await runInInvocation(
      { apiUrl: opts.apiUrl, accountId, signFit: opts.signFit, systemToken: opts.systemToken ?? (() => undefined) },
      () =>
        handler(
          { call: { functionKey, payload }, context: { moduleKey: context.moduleKey, extension: context.extension, localId: 'local-host' } },
          { principal: { accountId } },
        ),
    ).catch(() => undefined);
    if (result === undefined) return reply.code(500).send({ message: `The resolver ${functionKey} failed.` });
    return reply.send(result);
  });

  await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('The local host did not get a TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    async close() {
      await app.close();
      await rm(outRoot, { recursive: true, force: true });
    },
  };
}
