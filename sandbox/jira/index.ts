// The Jira Cloud simulator: a real HTTP server speaking REST API v3 (under `/rest/api/3` and, as Forge
// Remote calls it, `/ex/jira/{cloudId}/rest/api/3`), playing Forge's part in event delivery, with a
// control surface under `/__sandbox`. See README.md.
import { loadIndexedValues } from './entity-properties';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyError, type FastifyRequest } from 'fastify';
import type { ExchangeHook } from '../shared/exchange';
import { SimContext, type ActiveOutage, type BasicCredential, type FaultSpec, type OutageSpec, type Stats } from './context';
import { controlRoutes } from './control';
import { DEFAULT_APP_ID, fitClaimsFor, ForgeDelivery, sandboxJwks, signForgeInvocationToken, type DeliveryRecord, type FitClaims, type InstallationInfo, type SignFitOptions } from './forge';
import { forgeAppPropertyRoutes } from './forge-app-properties';
import { restRoutes } from './rest';
import { USERS } from './seed';
import { JiraApiError, JiraStore } from './store';

export interface JiraSimulatorOptions {
  /** The installed Forge app's manifest, whose `jira:entityProperty` modules say what JQL indexes (default: forge-app/manifest.yml). */
  appManifestPath?: string;
  port?: number;
  host?: string;
  /** Called with every request/response pair (REST, control and JWKS). */
  onExchange?: ExchangeHook;
  forge?: {
    /** Where events are POSTed (our API's Forge event endpoint). No URL: events are recorded, not sent. */
    eventUrl?: string;
    /** Forge app id (FIT audience); defaults to lib/config.ts's FORGE_APP_ID default. */
    appId?: string;
    /** Delay between delivery attempts; Forge waits 60 s. */
    retryDelayMs?: number;
    /** Attempts in all, first one included; Forge makes up to 4. */
    maxAttempts?: number;
    /** Per-attempt timeout; Forge gives a remote 5 s. */
    timeoutMs?: number;
    moduleKey?: string;
  };
  cloudId?: string;
  installationId?: string;
  /** Upload limit in bytes reported by /attachment/meta and enforced on upload. Default 100 MB. */
  attachmentMaxBytes?: number;
  /** Accepted Basic credentials (e-mail + API token). Default: the demo admin with `sandbox-api-token`. */
  basicAuth?: BasicCredential[];
  /** Start with a token-bucket rate limit (can be changed through the control surface). */
  rateLimit?: { perSecond: number; burst?: number };
  /** Pino logging of the simulator's own server; off by default. */
  logger?: boolean;
  /**
   * JQL search sees creates, edits and issue-property writes only this long after they happened (Jira's
   * search index is eventually consistent); reads by id stay immediate. Default 0 (no lag).
   */
  searchIndexLagMs?: number;
  /** Start in an outage: every REST call fails for `durationMs` (see `setOutage`). */
  outage?: OutageSpec;
}

export interface JiraSimulator {
  /** Base URL of the site, e.g. http://127.0.0.1:4020 */
  readonly url: string;
  /** `${url}/ex/jira/${cloudId}`: the `apiBaseUrl` Forge puts in FITs. */
  readonly apiBaseUrl: string;
  readonly cloudId: string;
  readonly installationId: string;
  readonly appId: string;
  /** The app system token Forge delivers in `x-forge-oauth-system`; Bearer-valid against the REST API. */
  readonly systemToken: string;
  /** Basic credentials of the demo admin. */
  readonly basicAuth: { email: string; apiToken: string };
  readonly store: JiraStore;
  readonly deliveries: readonly DeliveryRecord[];
  installation(): InstallationInfo;
  setEventUrl(url: string | undefined): void;
  /** Resolves when no event delivery is in flight or waiting for a retry. */
  idle(): Promise<void>;
  stats(): Stats;
  resetStats(): void;
  addFault(fault: FaultSpec): string;
  clearFaults(): void;
  setRateLimit(limit: { perSecond: number; burst?: number } | undefined): void;
  revokeSystemTokens(): void;
  /** Adds a person to the site (a Jira admin when `siteAdmin`), or replaces the one with that account id. */
  addUser(user: { accountId: string; displayName?: string; siteAdmin?: boolean; browseProjects?: string[]; viewOnlyProjects?: string[] }): void;
  /** Also answers REST calls under /ex/jira/{cloudId} for this cloud id (the same site data). */
  addSiteAlias(cloudId: string): void;
  /** Signs a FIT for this installation (claims merged over the defaults). */
  signFit(overrides?: Partial<FitClaims>, opts?: SignFitOptions): Promise<string>;
  /** Search-index lag in ms (0: search sees every write at once). Applies to writes already made too. */
  setSearchIndexLag(ms: number): void;
  readonly searchIndexLagMs: number;
  /** Every REST call (`/rest/...`, `/ex/jira/...`) fails with `status` (default 503; 0 drops the connection) for `durationMs`. */
  setOutage(outage: OutageSpec): void;
  clearOutage(): void;
  /** The outage in force, if any. */
  outage(): ActiveOutage | undefined;
  /** Back to seed data; clears faults, outage, stats, rate limit and deliveries (keeps the index lag). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_CLOUD_ID = 'b5d1c2a3-4e5f-4a6b-9c7d-8e9f0a1b2c3d';
export const DEFAULT_INSTALLATION_ID = 'ari:cloud:ecosystem::installation/6f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f';
export const DEFAULT_BASIC_AUTH = { email: USERS[0]!.emailAddress!, apiToken: 'sandbox-api-token' };

export async function startJiraSimulator(opts: JiraSimulatorOptions = {}): Promise<JiraSimulator> {
  const cloudId = opts.cloudId ?? DEFAULT_CLOUD_ID;
  const installationId = opts.installationId ?? DEFAULT_INSTALLATION_ID;
  const appId = opts.forge?.appId ?? DEFAULT_APP_ID;
  const attachmentDir = await mkdtemp(join(tmpdir(), 'jira-sim-'));
  const store = new JiraStore();
  let url = '';
  const installation = (): InstallationInfo => ({
    appId,
    cloudId,
    installationId,
    apiBaseUrl: `${url}/ex/jira/${cloudId}`,
    siteUrl: url,
    environmentId: `ari:cloud:ecosystem::environment/${appId.split('/').pop()}/sandbox`,
    moduleKey: opts.forge?.moduleKey ?? 'sci-jira-events',
  });
  // The context and the delivery queue need each other (tokens, installation); wire through a late ref.
  // eslint-disable-next-line prefer-const -- assigned once below, after the queue that reads it
  let ctx: SimContext | undefined;
  const delivery = new ForgeDelivery({
    eventUrl: opts.forge?.eventUrl,
    retryDelayMs: opts.forge?.retryDelayMs ?? 60_000,
    maxAttempts: opts.forge?.maxAttempts ?? 4,
    timeoutMs: opts.forge?.timeoutMs ?? 5_000,
    installation,
    systemToken: () => ctx!.systemToken,
  });
  const basic = opts.basicAuth ?? [{ ...DEFAULT_BASIC_AUTH, accountId: USERS[0]!.accountId }];
  ctx = new SimContext(store, delivery, basic, installation, attachmentDir, opts.attachmentMaxBytes ?? 100 * 1024 * 1024);
  const context = ctx;
  if (opts.searchIndexLagMs) store.setSearchIndexLag(opts.searchIndexLagMs);
  store.indexedProperties = await loadIndexedValues(opts.appManifestPath);
  if (opts.outage) context.setOutage(opts.outage);
  if (opts.rateLimit) {
    const burst = opts.rateLimit.burst ?? Math.max(1, Math.ceil(opts.rateLimit.perSecond));
    context.rateLimit = { perSecond: opts.rateLimit.perSecond, burst, tokens: burst, last: Date.now() };
  }

  // maxParamLength: Fastify answers 414 for a path parameter over 100 characters by default, yet Jira takes
  // entity property keys of up to 255 characters (issue, comment) and 127 (Forge app properties) in the path.
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 10 * 1024 * 1024, forceCloseConnections: true, routerOptions: { maxParamLength: 1024 } });

  // Jira takes any JSON value (entity properties can be numbers or strings) and an empty body means none.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body: string, done) => {
    if (body.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body));
    } catch {
      done(new JiraApiError(400, ['Unexpected character in the JSON body: the request is not valid JSON.']), undefined);
    }
  });

  if (opts.onExchange) {
    const hook = opts.onExchange;
    const sent = new WeakMap<FastifyRequest, unknown>();
    app.addHook('onSend', async (req, reply, payload) => {
      const type = String(reply.getHeader('content-type') ?? '');
      if (typeof payload === 'string') {
        let body: unknown = payload;
        if (type.includes('json')) {
          try {
            body = JSON.parse(payload);
          } catch {
            // Leave the raw text: a conformance check will say it is not JSON.
          }
        }
        sent.set(req, body);
      }
      return payload;
    });
    app.addHook('onResponse', async (req, reply) => {
      // Multipart bodies are streamed to disk, never parsed into memory: report them as absent.
      const multipartBody = String(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');
      const requestBody = multipartBody ? undefined : (req.body);
      hook({
        method: req.method,
        url: req.url,
        requestHeaders: { ...req.headers },
        requestBody,
        status: reply.statusCode,
        responseHeaders: reply.getHeaders(),
        responseBody: sent.get(req),
      });
    });
  }

  app.setErrorHandler((err: FastifyError | JiraApiError, _req, reply) => {
    if (err instanceof JiraApiError) return reply.code(err.status).headers(err.headers).send(err.body);
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    return reply.code(status).send({ errorMessages: [status === 500 ? 'Internal server error' : err.message], errors: {} });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ errorMessages: [`null for uri: ${url}${req.url.split('?')[0]}`], errors: {} }),
  );

  app.get('/.well-known/jwks.json', async () => sandboxJwks());
  await app.register(restRoutes(context), { prefix: '/rest/api/3' });
  await app.register(restRoutes(context), { prefix: '/ex/jira/:cloudId/rest/api/3' });
  await app.register(forgeAppPropertyRoutes(context), { prefix: '/rest/forge/1' });
  await app.register(forgeAppPropertyRoutes(context), { prefix: '/ex/jira/:cloudId/rest/forge/1' });
  const resetAll = async () => {
    delivery.clear();
    context.faults.length = 0;
    context.clearOutage();
    context.rateLimit = undefined;
    context.resetStats();
    for (const a of store.attachments.values()) await rm(a.path, { force: true });
    store.reset();
  };
  await app.register(controlRoutes(context, resetAll), { prefix: '/__sandbox' });

  await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('Jira simulator did not get a TCP address');
  const host = opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : '127.0.0.1';
  url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  context.url = url;

  return {
    url,
    apiBaseUrl: `${url}/ex/jira/${cloudId}`,
    cloudId,
    installationId,
    appId,
    get systemToken() {
      return context.systemToken;
    },
    basicAuth: { email: basic[0]!.email, apiToken: basic[0]!.apiToken },
    store,
    get deliveries() {
      return delivery.records;
    },
    installation,
    setEventUrl(u) {
      delivery.eventUrl = u;
    },
    idle: () => delivery.idle(),
    stats: () => context.stats,
    resetStats: () => context.resetStats(),
    addFault: (f) => context.addFault(f),
    clearFaults: () => void (context.faults.length = 0),
    setRateLimit(limit) {
      if (!limit) context.rateLimit = undefined;
      else {
        const burst = limit.burst ?? Math.max(1, Math.ceil(limit.perSecond));
        context.rateLimit = { perSecond: limit.perSecond, burst, tokens: burst, last: Date.now() };
      }
    },
    revokeSystemTokens: () => context.revokeSystemTokens(),
    addUser: (u) => store.addUser(u),
    addSiteAlias: (id) => void context.siteAliases.add(id),
    signFit: (overrides, signOpts) => signForgeInvocationToken(fitClaimsFor(installation(), overrides), signOpts),
    setSearchIndexLag: (ms) => store.setSearchIndexLag(ms),
    get searchIndexLagMs() {
      return store.searchIndex.lagMs;
    },
    setOutage: (o) => void context.setOutage(o),
    clearOutage: () => context.clearOutage(),
    outage: () => context.outage,
    reset: resetAll,
    async close() {
      delivery.close();
      await app.close();
      await rm(attachmentDir, { recursive: true, force: true });
    },
  };
}

export { signForgeInvocationToken, sandboxJwks, fitClaimsFor, FIT_ISSUER, DEFAULT_APP_ID } from './forge';
export type { FitClaims, FitApp, SignFitOptions, InstallationInfo, DeliveryRecord, DeliveryAttempt, RetryReason } from './forge';
export type { FaultSpec, Stats, BasicCredential, OutageSpec, ActiveOutage } from './context';
export * from './events';
export { APP_USER, USERS as SEED_USERS, HUMAN as SANDBOX_HUMAN } from './seed';
