// Builds the whole API for a test file over real dependencies: a fresh migrated PostgreSQL database, the
// suite's Temporal dev server (a task queue of this file's own), the Jira simulator (which also serves the
// sandbox FIT signing keys as the JWKS) and the Zoho simulator (every data center on one port). Requests go through
// `app.inject()`; FITs are signed with the sandbox key for any number of made-up Jira sites.
//
//   const t = await createTestApp();
//   const res = await t.app.inject({ method: 'GET', url: '/api/v1/connection', headers: await t.headers() });
//   const other = await t.headers({ site: 'other' });   // a second tenant
//   afterAll(() => t.close());
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { sandboxZohoEndpoints, type ZohoEndpoints } from '../../clients/zoho';
import { parseConfig, type Config } from '../../lib/config';
import { generateSecretsKey, SecretCipher } from '../../lib/secrets/cipher';
import { TenantClients } from '../../lib/tenant-clients';
import type { Tenant } from '../../prisma/generated/client';
import {
  fitClaimsFor,
  SANDBOX_HUMAN,
  signForgeInvocationToken,
  startJiraSimulator,
  type FitClaims,
  type InstallationInfo,
  type JiraSimulator,
  type SignFitOptions,
} from '../../sandbox/jira';
import { startZohoSimulator, type ZohoSimulator, type ZohoSimulatorOptions } from '../../sandbox/zoho';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { connectTestTemporal, type TestTemporal } from '../../test/support/temporal';
import { app as appPlugin } from '../app';
import { createAppDeps, type AppDeps } from '../deps';
import { fitClaimsSchema, rememberSystemToken, upsertTenant } from '../plugins/forge-auth';

export interface TestAppOptions {
  /** Extra environment settings (strings, as in process.env) merged over the test defaults. */
  env?: Record<string, string>;
  /** Play Zoho with a simulator the caller started at this URL (then `zoho` is undefined). */
  zohoBaseUrl?: string;
  /** Options for the Zoho simulator the helper starts when no zohoBaseUrl is given (e.g. homeDc). */
  zohoSimulator?: ZohoSimulatorOptions;
  /** Options for the Jira simulator (e.g. forge.eventUrl). */
  jira?: Parameters<typeof startJiraSimulator>[0];
}

export interface FitFor {
  /** A short name for a Jira site; each name is its own tenant. Default 'main' = the Jira simulator's own site. */
  site?: string;
  /**
   * The Jira user (FIT `principal`). Default: the sandbox site's Jira admin; `null` for a trigger-style
   * call with no user. An account id the Jira simulator does not know is added to its site with `role`.
   */
  accountId?: string | null;
  /** For an account id new to the simulator: a Jira admin (default) or an ordinary user. */
  role?: 'admin' | 'user';
  /** Claims merged over the defaults (e.g. `{ aud: 'x' }`, `{ exp: 1 }`). */
  claims?: Partial<FitClaims>;
  sign?: SignFitOptions;
}

export interface TestApp {
  app: FastifyInstance;
  deps: AppDeps;
  config: Config;
  /** The environment `config` was parsed from (test defaults with `env` merged over them). */
  env: Record<string, string>;
  db: TestDatabase;
  temporal: TestTemporal;
  jira: JiraSimulator;
  /** The helper's own Zoho simulator (undefined when the caller passed zohoBaseUrl). */
  zoho: ZohoSimulator | undefined;
  zohoEndpoints: ZohoEndpoints;
  /** The installation (Forge view) of a named site. */
  installation(site?: string): InstallationInfo;
  /** A signed FIT for a site/user. */
  fit(opts?: FitFor): Promise<string>;
  /** `authorization` (FIT) and `x-forge-oauth-system` headers for a site/user. */
  headers(opts?: FitFor & { systemToken?: string | null }): Promise<Record<string, string>>;
  /** The tenant row of a site (created as on its first Forge call, with the simulator's system token). */
  tenant(site?: string): Promise<Tenant>;
  close(): Promise<void>;
}

/** Deterministic UUID-shaped id from a name, so a site's ids are stable within a test. */
function uuidFrom(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    const jira = await startJiraSimulator({ port: 0, ...opts.jira });
    closers.push(() => jira.close());
    const zoho = opts.zohoBaseUrl ? undefined : await startZohoSimulator({ port: 0, ...opts.zohoSimulator });
    if (zoho) closers.push(() => zoho.close());
    const zohoEndpoints = zoho ? zoho.endpoints : sandboxZohoEndpoints(opts.zohoBaseUrl!);

    const db = await createTestDatabase();
    closers.push(() => db.drop());
    const temporal = await connectTestTemporal('api');
    closers.push(() => temporal.close());

    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      FORGE_APP_ID: jira.appId,
      FORGE_JWKS_URL: `${jira.url}/.well-known/jwks.json`,
      SECRETS_KEY: generateSecretsKey(),
      PUBLIC_URL: 'http://127.0.0.1:3000',
      TEMPORAL_UI_URL: 'http://127.0.0.1:8233',
      SCI_POLL_INTERVAL: '1h',
      ...opts.env,
    };
    const config = parseConfig(env);
    const cipher = new SecretCipher(config.SECRETS_KEY!);
    const clients = new TenantClients({ prisma: db.prisma, cipher, zohoEndpoints, zohoTimeoutMs: 5000 });
    const deps = createAppDeps({
      config,
      prisma: db.prisma,
      temporal: temporal.client,
      cipher,
      clients,
      zohoEndpoints,
      taskQueue: temporal.taskQueue,
    });

    const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
    await app.register(appPlugin, deps);
    await app.ready();
    closers.push(() => app.close());

    const installation = (site = 'main'): InstallationInfo => {
      if (site === 'main') return jira.installation();
      const cloudId = uuidFrom(`cloud:${site}`);
      // Every named site is served by the one simulator (its data is shared; tenants are not).
      jira.addSiteAlias(cloudId);
      return {
        ...jira.installation(),
        cloudId,
        installationId: `ari:cloud:ecosystem::installation/${uuidFrom(`installation:${site}`)}`,
        apiBaseUrl: `${jira.url}/ex/jira/${cloudId}`,
        siteUrl: `https://${site}.atlassian.net`,
      };
    };
    const fit = (f: FitFor = {}) => {
      const accountId = f.accountId === null ? undefined : (f.accountId ?? SANDBOX_HUMAN.accountId);
      if (accountId && !jira.store.user(accountId)) jira.addUser({ accountId, siteAdmin: f.role !== 'user' });
      return signForgeInvocationToken(fitClaimsFor(installation(f.site), { ...(accountId ? { principal: accountId } : {}), ...f.claims }), f.sign);
    };
    const headers = async (f: FitFor & { systemToken?: string | null } = {}) => {
      const h: Record<string, string> = { authorization: `Bearer ${await fit(f)}` };
      const systemToken = f.systemToken === undefined ? jira.systemToken : f.systemToken;
      if (systemToken !== null) h['x-forge-oauth-system'] = systemToken;
      return h;
    };
    const tenant = async (site = 'main') => {
      // The same code the auth plugin runs on a tenant's first Forge call.
      const claims = fitClaimsSchema.parse(fitClaimsFor(installation(site)));
      const row = await upsertTenant(deps, claims, installation(site).cloudId);
      return rememberSystemToken(deps, row, jira.systemToken);
    };

    return { app, deps, config, env, db, temporal, jira, zoho, zohoEndpoints, installation, fit, headers, tenant, close };
  } catch (err) {
    await close();
    throw err;
  }
}
