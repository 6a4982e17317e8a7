// The Zoho CRM simulator: one Fastify server serving all nine data centers (path prefixes, see README),
// Zoho Accounts, the CRM v8 API, a web view of records and the /__sandbox control surface.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import multipart from '@fastify/multipart';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ZOHO_DC_IDS, sandboxZohoEndpoints, type ZohoDc, type ZohoEndpoints } from '../../clients/zoho/datacenters';
import type { ExchangeHook } from '../shared/exchange';
import { AccountsState, DEMO_SELF_CLIENT, DEMO_WEB_CLIENT, type SimClient } from './auth';
import type { PageTokenState, Sim } from './context';
import { SimZohoError, zerr } from './errors';
import { accountsRoutes } from './routes/accounts';
import { attachmentRoutes } from './routes/attachments';
import { controlRoutes } from './routes/control';
import { metaRoutes } from './routes/meta';
import { noteRoutes } from './routes/notes';
import { coqlRoutes } from './routes/coql';
import { recordRoutes } from './routes/records';
import { relatedRoutes } from './routes/related';
import { watchRoutes } from './routes/watch';
import { webRoutes } from './routes/web';
import { requireScopes } from './scopes';
import { seedDemoOrg } from './seed';
import { OrgStore } from './store';
import { Traffic, type ActiveOutage, type FaultsInput, type EndpointStats, type OutageInput } from './traffic';
import { WatchHub, type NotificationDelivery, type NotificationDeliveryInput } from './watch';

export interface ZohoSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Every Accounts and CRM API request/response pair (not /__sandbox or /web). */
  onExchange?: ExchangeHook;
  /** Seed the demo org (default true). */
  seed?: boolean;
  /** Rolling 24 h API credits per org (default 100,000, an Enterprise org with 50 users). */
  creditsPerDay?: number;
  /** Concurrent API calls per org before 429 (default 20, Enterprise). */
  concurrencyLimit?: number;
  accessTokenTtlSeconds?: number;
  /** Attachment size limit (default 20 MB; Zoho's own v8 limit is not documented). */
  attachmentMaxBytes?: number;
  /** Longest accepted watch-channel expiry (default one week). */
  channelMaxExpiryMs?: number;
  /** Search index lag after writes (default 0). */
  searchIndexDelayMs?: number;
  /** Access tokens per refresh token per 10 minutes (Zoho: 10; 0 disables). */
  refreshesPer10Min?: number;
  /** Where the consent flow says the user's account lives (default us). */
  homeDc?: ZohoDc;
  logger?: Logger;
  now?: () => number;
  /** Start in an outage: every /crm/... call fails for `durationMs` (see `setOutage`). */
  outage?: OutageInput;
  /** Watch callbacks late, reordered, lost or silenced (see `setNotificationDelivery`); default prompt and complete. */
  notificationDelivery?: NotificationDeliveryInput;
  /** Dice for notification dropRate and jitter (default Math.random); a test control. */
  random?: () => number;
}

export interface ZohoSimulator {
  url: string;
  /** Every DC mapped onto this simulator, for createZohoClient({ endpoints }). */
  endpoints: ZohoEndpoints;
  demoClient: { clientId: string; clientSecret: string };
  demoWebClient: { clientId: string; clientSecret: string };
  /** Mints a self-client grant code (as the API Console's "Generate Code" tab does). */
  mintGrantCode(input: { scopes: readonly string[]; dc?: ZohoDc; expiresInSeconds?: number }): string;
  stats(): EndpointStats;
  resetStats(): void;
  setFaults(faults: FaultsInput): void;
  /** Resolves when every watch callback sent or scheduled so far has been answered (or failed). */
  settleNotifications(): Promise<void>;
  /**
   * Every API call (`/api/{dc}/crm/...`) answers `status` (default 503; 0 drops the connection) for
   * `durationMs`; the accounts (OAuth token) servers too with `includeAccounts: true`.
   */
  setOutage(outage: OutageInput): ActiveOutage;
  clearOutage(): void;
  /** The outage in force, if any. */
  outage(): ActiveOutage | undefined;
  /** Changes the given watch-callback delivery settings (the others stay) and returns them all. */
  setNotificationDelivery(settings: NotificationDeliveryInput): NotificationDelivery;
  notificationDelivery(): NotificationDelivery;
  /** Internal state, for tests that need to look behind the API. */
  sim: Sim;
  close(): Promise<void>;
}

const API_PREFIX = '/api/:dc/crm/v8';

export async function startZohoSimulator(opts: ZohoSimulatorOptions = {}): Promise<ZohoSimulator> {
  const now = opts.now ?? Date.now;
  const filesDir = await mkdtemp(join(tmpdir(), 'zoho-sim-files-'));
  let baseUrl = '';
  const store = new OrgStore(now);
  store.searchIndexDelayMs = opts.searchIndexDelayMs ?? 0;
  const sim: Sim = {
    now,
    store,
    accounts: new AccountsState(now, {
      accessTokenTtlMs: (opts.accessTokenTtlSeconds ?? 3600) * 1000,
      grantCodeTtlMs: 180_000,
      refreshesPer10Min: opts.refreshesPer10Min ?? 10,
    }),
    traffic: new Traffic(now, opts.creditsPerDay ?? 100_000, opts.concurrencyLimit ?? 20),
    watch: new WatchHub(now, () => `${baseUrl}/api/${opts.homeDc ?? 'us'}`, 10_000, opts.random ?? Math.random),
    settings: {
      attachmentMaxBytes: opts.attachmentMaxBytes ?? 20 * 1024 * 1024,
      channelMaxExpiryMs: opts.channelMaxExpiryMs ?? 7 * 86_400_000,
      filesDir,
      homeDc: opts.homeDc ?? 'us',
    },
    pageTokens: new Map<string, PageTokenState>(),
    baseUrl: () => baseUrl,
    apiDomain: (dc) => `${baseUrl}/api/${dc}`,
    accountsServer: (dc) => `${baseUrl}/accounts/${dc}`,
  };
  const resetData = (): void => {
    store.records.clear();
    store.deleted.length = 0;
    store.notes.clear();
    store.attachments.clear();
    sim.pageTokens.clear();
    if (opts.seed ?? true) seedDemoOrg(store, now());
  };
  resetData();
  if (opts.outage) sim.traffic.setOutage(opts.outage);
  if (opts.notificationDelivery) sim.watch.setDelivery(opts.notificationDelivery);

  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    // Request logs would print URLs, and Zoho accepts codes, tokens and client secrets in query strings.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 8 * 1024 * 1024,
  });
  buildApp(app as unknown as FastifyInstance, sim, opts.onExchange, resetData);
  await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port ?? 0;
  const host = opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : '127.0.0.1';
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: baseUrl,
    endpoints: sandboxZohoEndpoints(baseUrl),
    demoClient: { clientId: DEMO_SELF_CLIENT.clientId, clientSecret: DEMO_SELF_CLIENT.clientSecret },
    demoWebClient: { clientId: DEMO_WEB_CLIENT.clientId, clientSecret: DEMO_WEB_CLIENT.clientSecret },
    mintGrantCode: (input) =>
      sim.accounts.mintCode({
        clientId: DEMO_SELF_CLIENT.clientId,
        scopes: [...input.scopes],
        dc: input.dc ?? 'us',
        ttlMs: (input.expiresInSeconds ?? 180) * 1000,
      }),
    stats: () => structuredClone(sim.traffic.stats),
    resetStats: () => sim.traffic.resetStats(),
    setFaults: (f) => sim.traffic.setFaults(f),
    settleNotifications: () => sim.watch.settle(),
    setOutage: (o) => sim.traffic.setOutage(o),
    clearOutage: () => sim.traffic.clearOutage(),
    outage: () => sim.traffic.outage(),
    setNotificationDelivery: (d) => sim.watch.setDelivery(d),
    notificationDelivery: () => sim.watch.delivery(),
    sim,
    close: async () => {
      await sim.watch.close();
      await app.close();
      await rm(filesDir, { recursive: true, force: true });
    },
  };
}

/** Registers every route and hook on `app` (exported for tests that want app.inject()). */
export function buildApp(app: FastifyInstance, sim: Sim, onExchange: ExchangeHook | undefined, resetData: () => void): void {
  app.decorateRequest('zoho', null as unknown as FastifyRequest['zoho']);

  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(zerr.invalidBody(), undefined);
    }
  });
  // Kept as the raw string: the token endpoint reads it like Zoho does, and exchanges record it verbatim.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // Any other type, or none, is kept as the raw string too: Zoho reads a CRM API body as JSON whatever its
  // Content-Type (its own curl samples post `-d "@file.json"`, i.e. x-www-form-urlencoded, and Zoho's
  // Node SDK sends JSON bodies with no Content-Type at all); the API scope parses it below.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  void app.register(multipart, { limits: { fileSize: sim.settings.attachmentMaxBytes, files: 1, fields: 10 } });

  // Exchanges: what the simulator answered, for conformance tests.
  const payloads = new WeakMap<FastifyRequest, unknown>();
  app.addHook('onRequest', (req, _reply, done) => {
    req.zoho = { dc: 'us', grant: undefined };
    done();
  });
  app.addHook('onSend', (req, _reply, payload, done) => {
    payloads.set(req, payload);
    done(null, payload);
  });
  app.addHook('onResponse', (req, reply, done) => {
    const path = req.url;
    if (onExchange && (path.startsWith('/api/') || path.startsWith('/accounts/'))) {
      const payload = payloads.get(req);
      const type = String(reply.getHeader('content-type') ?? '');
      let responseBody: unknown;
      if (typeof payload === 'string' && payload !== '') {
        try {
          responseBody = type.includes('json') ? (JSON.parse(payload) as unknown) : payload;
        } catch {
          responseBody = payload;
        }
      }
      const reqType = String(req.headers['content-type'] ?? '');
      onExchange({
        method: req.method,
        url: req.url,
        requestHeaders: { ...req.headers },
        requestBody: reqType.startsWith('multipart/') ? undefined : (req.body),
        status: reply.statusCode,
        responseHeaders: { ...reply.getHeaders() },
        responseBody,
      });
    }
    done();
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof SimZohoError) return sendError(reply, err);
    const status = err.statusCode ?? 500;
    if (req.url.startsWith('/accounts/')) {
      return reply.code(status >= 500 ? 500 : 400).type('application/json').send(JSON.stringify({ error: 'invalid_request' }));
    }
    if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, new SimZohoError(413, 'LIMIT_EXCEEDED', 'the request body is too large', {}));
    }
    if (status >= 400 && status < 500) {
      return sendError(reply, new SimZohoError(status === 415 ? 415 : 400, 'INVALID_DATA', 'invalid data', {}));
    }
    req.log.error({ err }, 'zoho simulator: unexpected error');
    return sendError(reply, zerr.internal());
  });

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/')) return sendError(reply, zerr.invalidUrl());
    if (req.url.startsWith('/accounts/')) return reply.code(404).type('application/json').send(JSON.stringify({ error: 'invalid_request' }));
    return reply.code(404).type('application/json').send(JSON.stringify({ error: 'not found' }));
  });

  // Accounts, one per DC.
  void app.register(
    (accounts, _o, done) => {
      accounts.addHook('onRequest', (req, reply, next) => {
        const dc = (req.params as { dc?: string }).dc as ZohoDc;
        if (!ZOHO_DC_IDS.includes(dc)) {
          next(new SimZohoError(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one'));
          return;
        }
        req.zoho.dc = dc;
        sim.traffic.count('accounts', `${req.method} ${(req.routeOptions.url ?? '').replace('/accounts/:dc', '')}`, dc);
        const outage = sim.traffic.outageFor('accounts');
        if (outage) {
          outageAnswer(req, reply, outage, JSON.stringify({ error: 'Service Unavailable' }));
          return;
        }
        next();
      });
      accountsRoutes(accounts, sim);
      done();
    },
    { prefix: '/accounts/:dc' },
  );

  // CRM API v8, one per DC.
  void app.register(
    (api, _o, done) => {
      api.addHook('onRequest', async (req, reply) => {
        const dc = (req.params as { dc?: string }).dc as ZohoDc;
        if (!ZOHO_DC_IDS.includes(dc)) throw zerr.invalidUrl();
        req.zoho.dc = dc;
        const endpoint = `${req.method} ${(req.routeOptions.url ?? '').replace('/api/:dc', '')}`;
        sim.traffic.count('api', endpoint, dc);
        const outage = sim.traffic.outageFor('api');
        if (outage) {
          outageAnswer(req, reply, outage, JSON.stringify(new SimZohoError(outage.status, 'INTERNAL_ERROR', 'Internal server error occurred.').envelope()));
          return reply;
        }
        const storm = sim.traffic.stormHit();
        if (storm) throw zerr.tooManyRequests('too many requests', storm.retryAfterSeconds);
        const fault = sim.traffic.faultFor(endpoint, req.url.replace(/^\/api\/[a-z]{2}/, '').split('?')[0] ?? '');
        if (fault) {
          if (fault.status === 429) throw zerr.tooManyRequests('too many requests');
          throw new SimZohoError(fault.status, fault.code ?? (fault.status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_DATA'), fault.status >= 500 ? 'Internal server error occurred.' : 'invalid data');
        }
        const auth = req.headers.authorization;
        if (typeof auth !== 'string' || auth.trim() === '') throw zerr.authFailure();
        const token = auth.startsWith('Zoho-oauthtoken ') ? auth.slice('Zoho-oauthtoken '.length).trim() : undefined;
        const grant = sim.accounts.checkAccess(token, dc);
        if (grant === 'missing' || grant === 'invalid') throw zerr.invalidToken();
        req.zoho.grant = grant;
        if (sim.traffic.inFlight >= sim.traffic.concurrencyLimit) throw zerr.tooManyRequests('concurrency limit exceeded');
        sim.traffic.inFlight += 1;
        let released = false;
        reply.raw.once('close', () => {
          if (!released) {
            released = true;
            sim.traffic.inFlight -= 1;
          }
        });
        // Injected latency is processing time: it holds a concurrency slot, as a slow Zoho call would.
        if (sim.traffic.latencyMs > 0) await sleep(sim.traffic.latencyMs);
      });
      // A body that came as a string (form-urlencoded, another type or none) is JSON to Zoho's API.
      api.addHook('preValidation', async (req) => {
        if (typeof req.body !== 'string') return;
        const text = req.body.trim();
        if (text === '') {
          req.body = undefined;
          return;
        }
        try {
          req.body = JSON.parse(text) as unknown;
        } catch {
          throw zerr.invalidBody();
        }
      });
      api.addHook('preHandler', async (req, reply) => {
        const config = req.routeOptions.config;
        if (config.scopes && req.zoho.grant) requireScopes(req.zoho.grant.scopes, config.scopes(req));
        const cost = config.credits ? config.credits(req) : 1;
        if (!sim.traffic.spend(cost)) throw zerr.tooManyRequests('API credits for the last 24 hours are used up');
        const remaining = sim.traffic.creditsRemaining();
        if (remaining <= sim.traffic.creditsPerDay / 2) void reply.header('X-API-CREDITS-REMAINING', String(remaining));
      });
      noteRoutes(api, sim);
      metaRoutes(api, sim);
      watchRoutes(api, sim);
      attachmentRoutes(api, sim);
      relatedRoutes(api, sim);
      coqlRoutes(api, sim);
      recordRoutes(api, sim);
      done();
    },
    { prefix: API_PREFIX },
  );

  void app.register(
    (web, _o, done) => {
      webRoutes(web, sim);
      done();
    },
    { prefix: '/web/:dc' },
  );

  void app.register(
    (control, _o, done) => {
      controlRoutes(control, sim, { resetData });
      done();
    },
    { prefix: '/__sandbox' },
  );

  app.get('/', (_req, reply) => reply.redirect('/__sandbox/', 302));
}

/** An outage's answer: the status with a body, or (status 0) a connection dropped without one. */
function outageAnswer(req: FastifyRequest, reply: FastifyReply, outage: ActiveOutage, body: string): void {
  if (outage.status === 0) {
    reply.hijack();
    req.raw.socket.destroy();
    return;
  }
  void reply.code(outage.status).type('application/json;charset=UTF-8').send(body);
}

function sendError(reply: FastifyReply, err: SimZohoError): FastifyReply {
  for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
  return reply.code(err.httpStatus).type('application/json;charset=UTF-8').send(JSON.stringify(err.envelope()));
}

export { DEMO_SELF_CLIENT, DEMO_WEB_CLIENT, type SimClient };
export { sandboxZohoEndpoints } from '../../clients/zoho/datacenters';
export type { FaultsInput, EndpointStats, OutageInput, ActiveOutage } from './traffic';
export type { NotificationDelivery, NotificationDeliveryInput } from './watch';
