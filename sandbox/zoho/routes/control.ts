// The sandbox's own control surface under /__sandbox (not part of Zoho): grant codes for the demo
// self-client, fault injection, stats, reset, token and scope sabotage, settings, and editing records by
// hand (which bumps Modified_Time and fires watch callbacks like any other write).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ZOHO_DC_IDS, zohoDcSchema } from '../../../clients/zoho/datacenters';
import { DEMO_SELF_CLIENT, DEMO_WEB_CLIENT } from '../auth';
import { moduleDef, MODULES } from '../catalog';
import { faultsSchema, outageSchema } from '../traffic';
import { notificationDeliverySchema } from '../watch';
import { ADMIN, type RecordChange } from '../store';
import type { Sim } from '../context';
import { params, sendJson } from './common';

export interface ControlHooks {
  resetData(): void;
}

const codeSchema = z.object({
  scopes: z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]),
  dc: zohoDcSchema.default('us'),
  expiresInSeconds: z.number().int().positive().max(86_400 * 7).default(180),
});

const settingsSchema = z
  .object({
    creditsPerDay: z.number().int().positive(),
    concurrencyLimit: z.number().int().positive(),
    attachmentMaxBytes: z.number().int().positive(),
    accessTokenTtlSeconds: z.number().int().positive(),
    searchIndexDelayMs: z.number().int().min(0),
    channelMaxExpiryMs: z.number().int().positive(),
    refreshesPer10Min: z.number().int().min(0),
  })
  .partial();

const resetSchema = z.object({
  what: z.array(z.enum(['stats', 'faults', 'data', 'channels', 'credits', 'tokens'])).default(['stats', 'faults', 'data', 'channels', 'credits']),
});

const valuesSchema = z.object({ values: z.record(z.string(), z.unknown()).optional() }).passthrough();

function bad(reply: FastifyReply, message: string): FastifyReply {
  return sendJson(reply, 400, { error: message });
}

export function controlRoutes(app: FastifyInstance, sim: Sim, hooks: ControlHooks): void {
  app.get('/', (_req, reply) =>
    sendJson(reply, 200, {
      simulator: 'Zoho CRM (sandbox)',
      dataCenters: Object.fromEntries(ZOHO_DC_IDS.map((dc) => [dc, { accountsServer: sim.accountsServer(dc), apiDomain: sim.apiDomain(dc) }])),
      demoSelfClient: { client_id: DEMO_SELF_CLIENT.clientId, client_secret: DEMO_SELF_CLIENT.clientSecret },
      demoWebClient: { client_id: DEMO_WEB_CLIENT.clientId, client_secret: DEMO_WEB_CLIENT.clientSecret },
      control: [
        'POST /__sandbox/self-client/code',
        'GET /__sandbox/stats',
        'POST /__sandbox/reset',
        'GET|PUT|DELETE /__sandbox/faults',
        'POST /__sandbox/tokens/revoke',
        'POST /__sandbox/tokens/expire',
        'POST /__sandbox/scopes/remove',
        'GET|PUT /__sandbox/settings',
        'GET|POST /__sandbox/records/:module',
        'POST /__sandbox/records/:module/bulk',
        'GET|PATCH|DELETE /__sandbox/records/:module/:id',
        'GET /__sandbox/notifications',
        'GET|POST /__sandbox/notifications/delivery',
        'GET|POST|DELETE /__sandbox/outage',
      ],
    }),
  );

  app.post('/self-client/code', (req, reply) => {
    const r = codeSchema.safeParse(req.body ?? {});
    if (!r.success) return bad(reply, 'expected { scopes: string[] | "a,b", dc?: us|eu|..., expiresInSeconds? }');
    const scopes = typeof r.data.scopes === 'string' ? r.data.scopes.split(/[,\s]+/).filter(Boolean) : r.data.scopes;
    const code = sim.accounts.mintCode({ clientId: DEMO_SELF_CLIENT.clientId, scopes, dc: r.data.dc, ttlMs: r.data.expiresInSeconds * 1000 });
    return sendJson(reply, 201, {
      code,
      client_id: DEMO_SELF_CLIENT.clientId,
      client_secret: DEMO_SELF_CLIENT.clientSecret,
      dc: r.data.dc,
      accounts_server: sim.accountsServer(r.data.dc),
      api_domain: sim.apiDomain(r.data.dc),
      scopes,
      expires_in: r.data.expiresInSeconds,
    });
  });

  app.get('/stats', (_req, reply) => sendJson(reply, 200, { ...sim.traffic.stats, inFlight: sim.traffic.inFlight, creditsRemaining: sim.traffic.creditsRemaining() }));
  app.post('/stats/reset', (_req, reply) => {
    sim.traffic.resetStats();
    return sendJson(reply, 200, { ok: true });
  });

  app.post('/reset', (req, reply) => {
    const r = resetSchema.safeParse(req.body ?? {});
    if (!r.success) return bad(reply, 'expected { what?: ("stats"|"faults"|"data"|"channels"|"credits"|"tokens")[] }');
    const what = new Set(r.data.what);
    if (what.has('stats')) sim.traffic.resetStats();
    if (what.has('faults')) {
      sim.traffic.resetFaults();
      sim.watch.resetDelivery();
    }
    if (what.has('credits')) sim.traffic.resetCredits();
    if (what.has('channels')) sim.watch.channels.clear();
    if (what.has('tokens')) sim.accounts.revokeAll();
    if (what.has('data')) hooks.resetData();
    return sendJson(reply, 200, { reset: [...what] });
  });

  app.get('/faults', (_req, reply) => sendJson(reply, 200, sim.traffic.describeFaults()));
  app.put('/faults', (req, reply) => {
    const r = faultsSchema.safeParse(req.body ?? {});
    if (!r.success) return bad(reply, `invalid faults: ${r.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
    sim.traffic.setFaults(r.data);
    return sendJson(reply, 200, sim.traffic.describeFaults());
  });
  app.delete('/faults', (_req, reply) => {
    sim.traffic.resetFaults();
    return sendJson(reply, 200, sim.traffic.describeFaults());
  });

  app.get('/outage', (_req, reply) => sendJson(reply, 200, { outage: outageView(sim) }));
  app.post('/outage', (req, reply) => {
    const r = outageSchema.safeParse(req.body ?? {});
    if (!r.success) return bad(reply, 'expected { durationMs, status?: 0 | 400..599 (default 503), includeAccounts?: boolean }');
    sim.traffic.setOutage(r.data);
    return sendJson(reply, 200, { outage: outageView(sim) });
  });
  app.delete('/outage', (_req, reply) => {
    sim.traffic.clearOutage();
    return sendJson(reply, 200, { outage: null });
  });

  app.get('/notifications/delivery', (_req, reply) => sendJson(reply, 200, sim.watch.delivery()));
  app.post('/notifications/delivery', (req, reply) => {
    const r = notificationDeliverySchema.safeParse(req.body ?? {});
    if (!r.success) return bad(reply, 'expected { delayMs?, jitterMs?, dropRate?: 0..1, silenceForMs? }');
    return sendJson(reply, 200, sim.watch.setDelivery(r.data));
  });

  app.post('/tokens/revoke', (req, reply) => {
    const body = (req.body ?? {}) as { refresh_token?: unknown };
    if (typeof body.refresh_token === 'string') return sendJson(reply, 200, { revoked: sim.accounts.revokeRefresh(body.refresh_token) ? 1 : 0 });
    return sendJson(reply, 200, { revoked: sim.accounts.revokeAll() });
  });
  app.post('/tokens/expire', (_req, reply) => sendJson(reply, 200, { expired: sim.accounts.expireAccessTokens() }));
  app.post('/scopes/remove', (req, reply) => {
    const r = z.object({ scopes: z.array(z.string().min(1)).min(1) }).safeParse(req.body ?? {});
    if (!r.success) return bad(reply, 'expected { scopes: string[] }');
    sim.accounts.removeScopes(r.data.scopes);
    return sendJson(reply, 200, { removed: r.data.scopes });
  });

  app.get('/settings', (_req, reply) => sendJson(reply, 200, currentSettings(sim)));
  app.put('/settings', (req, reply) => {
    const r = settingsSchema.safeParse(req.body ?? {});
    if (!r.success) return bad(reply, `invalid settings: ${r.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
    const s = r.data;
    if (s.creditsPerDay !== undefined) sim.traffic.creditsPerDay = s.creditsPerDay;
    if (s.concurrencyLimit !== undefined) sim.traffic.concurrencyLimit = s.concurrencyLimit;
    if (s.attachmentMaxBytes !== undefined) sim.settings.attachmentMaxBytes = s.attachmentMaxBytes;
    if (s.accessTokenTtlSeconds !== undefined) sim.accounts.limits.accessTokenTtlMs = s.accessTokenTtlSeconds * 1000;
    if (s.searchIndexDelayMs !== undefined) sim.store.searchIndexDelayMs = s.searchIndexDelayMs;
    if (s.channelMaxExpiryMs !== undefined) sim.settings.channelMaxExpiryMs = s.channelMaxExpiryMs;
    if (s.refreshesPer10Min !== undefined) sim.accounts.limits.refreshesPer10Min = s.refreshesPer10Min;
    return sendJson(reply, 200, currentSettings(sim));
  });

  // ---- records by hand ----------------------------------------------------------------------------------
  const moduleOr404 = (name: string | undefined, reply: FastifyReply) => {
    const def = name ? moduleDef(name) : undefined;
    if (!def || !def.api_supported) {
      void sendJson(reply, 404, { error: `unknown module; one of ${MODULES.filter((m) => m.api_supported).map((m) => m.api_name).join(', ')}` });
      return undefined;
    }
    return def;
  };

  app.get('/records/:module', (req, reply) => {
    const def = moduleOr404(params(req).module, reply);
    if (!def) return reply;
    const list = [...sim.store.moduleRecords(def.api_name).values()].sort((a, b) => b.modifiedMs - a.modifiedMs);
    return sendJson(reply, 200, { data: list.map((r) => sim.store.render(r)) });
  });

  app.post('/records/:module', (req, reply) => {
    const def = moduleOr404(params(req).module, reply);
    if (!def) return reply;
    const body = valuesSchema.safeParse(req.body ?? {});
    if (!body.success) return bad(reply, 'expected { values: { Field_API_Name: value, ... } }');
    const r = sim.store.insert(def, body.data.values ?? {}, 0, ADMIN.id);
    if (!r.ok) return sendJson(reply, 400, { error: r.error });
    sim.watch.emit([{ module: def.api_name, kind: 'create', id: r.record.id, changedFields: [], values: {} }]);
    return sendJson(reply, 201, { data: sim.store.render(r.record) });
  });

  app.post('/records/:module/bulk', (req, reply) => {
    const def = moduleOr404(params(req).module, reply);
    if (!def) return reply;
    const body = z.object({ count: z.number().int().positive().max(20_000), values: z.record(z.string(), z.unknown()).optional() }).safeParse(req.body ?? {});
    if (!body.success) return bad(reply, 'expected { count: 1..20000, values?: {...} } ({n} in string values is replaced by the row number)');
    const ids: string[] = [];
    for (let i = 0; i < body.data.count; i += 1) {
      const values: Record<string, unknown> = {};
      for (const fd of def.fields) if (fd.mandatory) values[fd.api_name] = sampleValue(fd.data_type, fd.picklist, i, def.api_name);
      for (const [k, v] of Object.entries(body.data.values ?? {})) values[k] = typeof v === 'string' ? v.replaceAll('{n}', String(i + 1)) : v;
      const r = sim.store.insert(def, values, i, ADMIN.id);
      if (!r.ok) return sendJson(reply, 400, { error: r.error, inserted: ids.length });
      ids.push(r.record.id);
    }
    return sendJson(reply, 201, { inserted: ids.length, first_id: ids[0], last_id: ids.at(-1) });
  });

  app.get('/records/:module/:id', (req, reply) => {
    const def = moduleOr404(params(req).module, reply);
    if (!def) return reply;
    const rec = sim.store.find(def.api_name, params(req).id ?? '');
    if (!rec) return sendJson(reply, 404, { error: 'no such record' });
    return sendJson(reply, 200, { data: sim.store.render(rec) });
  });

  app.patch('/records/:module/:id', (req, reply) => {
    const def = moduleOr404(params(req).module, reply);
    if (!def) return reply;
    const body = valuesSchema.safeParse(req.body ?? {});
    if (!body.success) return bad(reply, 'expected { values: { Field_API_Name: value, ... } }');
    const id = params(req).id ?? '';
    const r = sim.store.update(def, id, body.data.values ?? {}, 0, ADMIN.id);
    if (!r.ok) return sendJson(reply, r.error.code === 'INVALID_DATA' && r.error.details.id ? 404 : 400, { error: r.error });
    if (r.changed && r.changed.length > 0) {
      const rendered = sim.store.render(r.record);
      const change: RecordChange = {
        module: def.api_name,
        kind: 'edit',
        id,
        changedFields: r.changed,
        values: Object.fromEntries(r.changed.map((f) => [f, rendered[f] ?? null])),
      };
      sim.watch.emit([change]);
    }
    return sendJson(reply, 200, { data: sim.store.render(r.record), changed: r.changed ?? [] });
  });

  app.delete('/records/:module/:id', (req, reply) => {
    const def = moduleOr404(params(req).module, reply);
    if (!def) return reply;
    const id = params(req).id ?? '';
    const rec = sim.store.delete(def.api_name, id, ADMIN.id);
    if (!rec) return sendJson(reply, 404, { error: 'no such record' });
    sim.watch.emit([{ module: def.api_name, kind: 'delete', id, changedFields: [], values: {} }]);
    return sendJson(reply, 200, { deleted: id });
  });

  app.get('/notifications', (_req, reply) =>
    sendJson(reply, 200, {
      channels: sim.watch.live().map((c) => ({ ...c, token: c.token ? '[set]' : null, channel_expiry: new Date(c.expiresMs).toISOString() })),
      deliveries: sim.watch.deliveries,
    }),
  );
}

function outageView(sim: Sim): Record<string, unknown> | null {
  const o = sim.traffic.outage();
  return o ? { status: o.status, includeAccounts: o.includeAccounts, until: new Date(o.untilMs).toISOString() } : null;
}

function currentSettings(sim: Sim): Record<string, unknown> {
  return {
    creditsPerDay: sim.traffic.creditsPerDay,
    concurrencyLimit: sim.traffic.concurrencyLimit,
    attachmentMaxBytes: sim.settings.attachmentMaxBytes,
    accessTokenTtlSeconds: Math.round(sim.accounts.limits.accessTokenTtlMs / 1000),
    searchIndexDelayMs: sim.store.searchIndexDelayMs,
    channelMaxExpiryMs: sim.settings.channelMaxExpiryMs,
    refreshesPer10Min: sim.accounts.limits.refreshesPer10Min,
    homeDc: sim.settings.homeDc,
  };
}

function sampleValue(type: string, picklist: readonly string[] | undefined, i: number, module: string): unknown {
  switch (type) {
    case 'picklist':
      return picklist?.[i % picklist.length] ?? null;
    case 'datetime':
      return new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    case 'date':
      return new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    default:
      return `${module} record ${i + 1}`;
  }
}
