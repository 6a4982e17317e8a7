// Notification (watch) API: enable (POST), replace (PUT), merge or drop events (PATCH), list (GET),
// disable (DELETE). Channel expiry: at most `channelMaxExpiryMs` ahead, otherwise one hour (reference §6).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { moduleDef } from '../catalog';
import { rowError, zerr, type ZohoEnvelope } from '../errors';
import { parseZohoDateTime, zohoDateTime } from '../time';
import { textOf } from '../text';
import type { Channel } from '../watch';
import { idsParam, intParam, noContent, paginate, query, sendJson, type Sim } from './common';

const DEFAULT_EXPIRY_MS = 3_600_000;
const scopes = (op: 'READ' | 'CREATE' | 'UPDATE' | 'DELETE') => () => [[`ZohoCRM.notifications.${op}`]];

type Item = Record<string, unknown>;

function watchItems(body: unknown): Item[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw zerr.invalidBody();
  const w = (body as { watch?: unknown }).watch;
  if (!Array.isArray(w) || w.length === 0) throw zerr.requiredParam('watch');
  return w.map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Item) : {}));
}

function channelIdOf(item: Item): string | undefined {
  const v = item.channel_id;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return String(v);
  if (typeof v === 'string' && /^\d{1,18}$/.test(v)) return v;
  return undefined;
}

const mandatory = (api_name: string): ZohoEnvelope => rowError('MANDATORY_NOT_FOUND', 'required field not found', { api_name });
const invalid = (api_name: string): ZohoEnvelope => rowError('INVALID_DATA', 'invalid data', { api_name });

export function watchRoutes(app: FastifyInstance, sim: Sim): void {
  const expiryOf = (item: Item): number | ZohoEnvelope => {
    const raw = item.channel_expiry;
    const now = sim.now();
    if (raw === undefined || raw === null) return now + DEFAULT_EXPIRY_MS;
    if (typeof raw !== 'string') return invalid('channel_expiry');
    const ms = parseZohoDateTime(raw);
    if (ms === undefined || ms <= now) return invalid('channel_expiry');
    return ms - now > sim.settings.channelMaxExpiryMs ? now + DEFAULT_EXPIRY_MS : ms;
  };

  const checkEvents = (events: unknown): string[] | ZohoEnvelope => {
    if (!Array.isArray(events) || events.length === 0) return mandatory('events');
    for (const e of events) {
      if (typeof e !== 'string') return invalid('events');
      const [module, op] = e.split('.');
      if (!module || !op || !moduleDef(module)?.api_supported || !['create', 'edit', 'delete', 'all'].includes(op)) return invalid('events');
    }
    return events as string[];
  };

  const checkUrl = (url: unknown): string | ZohoEnvelope => {
    if (url === undefined) return mandatory('notify_url');
    if (typeof url !== 'string') return invalid('notify_url');
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return invalid('notify_url');
    } catch {
      return invalid('notify_url');
    }
    return url;
  };

  const checkToken = (token: unknown): string | null | ZohoEnvelope => {
    if (token === undefined || token === null) return null;
    if (typeof token !== 'string' || token.length > 50) return invalid('token');
    return token;
  };

  const success = (c: Channel, message: string) => ({
    code: 'SUCCESS',
    details: {
      events: [...new Set(c.events.map((e) => e.split('.')[0]!))].map((module) => ({
        channel_expiry: zohoDateTime(c.expiresMs),
        ...sim.watch.resourceFor(module),
        channel_id: c.channel_id,
        notification_condition: [],
      })),
    },
    message,
    status: 'success',
  });

  const isErr = (v: unknown): v is ZohoEnvelope => typeof v === 'object' && v !== null && (v as { status?: unknown }).status === 'error';

  // Enable (re-posting an existing channel_id renews and replaces it).
  app.post('/actions/watch', { config: { scopes: scopes('CREATE') } }, (req, reply) => {
    const items = watchItems(req.body);
    let ok = 0;
    const results = items.map((item) => {
      const id = channelIdOf(item);
      if (item.channel_id === undefined) return mandatory('channel_id');
      if (!id) return invalid('channel_id');
      const events = checkEvents(item.events);
      if (isErr(events)) return events;
      const url = checkUrl(item.notify_url);
      if (isErr(url)) return url;
      const token = checkToken(item.token);
      if (isErr(token)) return token;
      const expiresMs = expiryOf(item);
      if (typeof expiresMs !== 'number') return expiresMs;
      const c: Channel = {
        channel_id: id,
        events,
        notify_url: url,
        token,
        expiresMs,
        return_affected_field_values: item.return_affected_field_values === true,
        notify_on_related_action: item.notify_on_related_action !== false,
      };
      sim.watch.channels.set(id, c);
      ok += 1;
      return success(c, 'Successfully subscribed for actions-watch of the given module');
    });
    return sendJson(reply, ok === items.length ? 201 : ok === 0 ? 202 : 207, { watch: results });
  });

  const modify = (mode: 'put' | 'patch') => (req: FastifyRequest, reply: FastifyReply) => {
    const items = watchItems(req.body);
    let ok = 0;
    const live = new Map(sim.watch.live().map((c) => [c.channel_id, c]));
    const results = items.map((item) => {
      const id = channelIdOf(item);
      if (item.channel_id === undefined) return mandatory('channel_id');
      const current = id ? live.get(id) : undefined;
      if (!id || !current) return rowError('NOT_SUBSCRIBED', 'the given channel is not subscribed', { channel_id: textOf(item.channel_id) });
      if (mode === 'patch' && item._delete_events === true) {
        const events = checkEvents(item.events);
        if (isErr(events)) return events;
        current.events = current.events.filter((e) => !events.includes(e));
        if (current.events.length === 0) sim.watch.channels.delete(id);
        ok += 1;
        return success(current, 'Successfully removed the subscribe details');
      }
      const next: Channel = mode === 'put'
        ? { ...current, token: null, return_affected_field_values: false, notify_on_related_action: true, expiresMs: sim.now() + DEFAULT_EXPIRY_MS }
        : { ...current };
      if (item.events !== undefined || mode === 'put') {
        const events = checkEvents(item.events);
        if (isErr(events)) return events;
        next.events = events;
      }
      if (item.notify_url !== undefined || mode === 'put') {
        const url = checkUrl(item.notify_url);
        if (isErr(url)) return url;
        next.notify_url = url;
      }
      if (item.token !== undefined) {
        const token = checkToken(item.token);
        if (isErr(token)) return token;
        next.token = token;
      }
      if (item.channel_expiry !== undefined) {
        const expiresMs = expiryOf(item);
        if (typeof expiresMs !== 'number') return expiresMs;
        next.expiresMs = expiresMs;
      }
      if (typeof item.return_affected_field_values === 'boolean') next.return_affected_field_values = item.return_affected_field_values;
      if (typeof item.notify_on_related_action === 'boolean') next.notify_on_related_action = item.notify_on_related_action;
      sim.watch.channels.set(id, next);
      ok += 1;
      return success(next, 'Successfully updated the subscribe details');
    });
    return sendJson(reply, ok === items.length ? 200 : ok === 0 ? 202 : 207, { watch: results });
  };

  app.put('/actions/watch', { config: { scopes: scopes('UPDATE') } }, modify('put'));
  app.patch('/actions/watch', { config: { scopes: scopes('UPDATE') } }, modify('patch'));

  app.get('/actions/watch', { config: { scopes: scopes('READ') } }, (req, reply) => {
    const q = query(req);
    let list = sim.watch.live();
    if (q.channel_id) list = list.filter((c) => c.channel_id === q.channel_id);
    if (q.module) list = list.filter((c) => c.events.some((e) => e.startsWith(`${q.module}.`)));
    if (list.length === 0) return noContent(reply);
    const { slice, info } = paginate(list, intParam(q, 'page', 1, 1, 10_000), intParam(q, 'per_page', 200, 1, 200));
    if (slice.length === 0) return noContent(reply);
    return sendJson(reply, 200, {
      watch: slice.map((c) => {
        const module = c.events[0]?.split('.')[0] ?? '';
        return {
          channel_id: c.channel_id,
          events: c.events,
          channel_expiry: zohoDateTime(c.expiresMs),
          notify_url: c.notify_url,
          token: c.token,
          ...sim.watch.resourceFor(module),
          return_affected_field_values: c.return_affected_field_values,
          notify_on_related_action: c.notify_on_related_action,
          fields: null,
          notification_condition: [],
        };
      }),
      info,
    });
  });

  app.delete('/actions/watch', { config: { scopes: scopes('DELETE') } }, (req, reply) => {
    const ids = idsParam(query(req), 'channel_ids');
    let ok = 0;
    const results = ids.map((id) => {
      const c = sim.watch.channels.get(id);
      if (!c) return rowError('NOT_SUBSCRIBED', 'the given channel is not subscribed', { channel_id: id });
      sim.watch.channels.delete(id);
      ok += 1;
      const module = c.events[0]?.split('.')[0] ?? '';
      const r = sim.watch.resourceFor(module);
      return {
        code: 'SUCCESS',
        details: { resource_uri: r.resource_uri, resource_id: r.resource_id, channel_id: id },
        message: 'Successfully un-subscribed from actions-watch',
        status: 'success',
      };
    });
    return sendJson(reply, ok === ids.length ? 200 : ok === 0 ? 202 : 207, { watch: results });
  });
}
