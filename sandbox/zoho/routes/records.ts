// Records API: list (fields mandatory, 2,000-record page cap, page_token beyond, If-Modified-Since → 304),
// get, insert/update/upsert/delete with per-row results, search (204 when none, 2,000 cap, index lag),
// deleted records and count. Every write maintains Modified_Time and fires watch callbacks.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { allFields, fieldDef, type ModuleDef } from '../catalog';
import { SimZohoError, rowError, zerr, type ZohoEnvelope } from '../errors';
import { matches, parseCriteria } from '../search';
import { moduleScope } from '../scopes';
import { randomToken, userRef, type RecordChange, type StoredRecord } from '../store';
import { zohoDateTime } from '../time';
import { textOf } from '../text';
import {
  actor,
  bulkStatus,
  dataRows,
  fieldsParam,
  idsParam,
  ifModifiedSince,
  intParam,
  noContent,
  paginate,
  params,
  query,
  requireModule,
  sendJson,
  type Sim,
} from './common';

const PAGE_TOKEN_TTL_MS = 24 * 3_600_000;
const DISCRETE_LIMIT = 2000;
const TOKEN_LIMIT = 100_000;

const mod = (req: FastifyRequest): string => params(req).module ?? '';
const readScopes = (req: FastifyRequest) => [moduleScope(mod(req), 'READ')];
const searchScopes = (req: FastifyRequest) => [moduleScope(mod(req), 'READ'), ['ZohoSearch.securesearch.READ']];
const writeCredits = (req: FastifyRequest): number => {
  const data = (req.body as { data?: unknown } | undefined)?.data;
  return Array.isArray(data) ? Math.max(1, Math.ceil(data.length / 10)) : 1;
};

function sortRecords(list: StoredRecord[], sortBy: string, order: string): StoredRecord[] {
  const key = (r: StoredRecord): number | bigint =>
    sortBy === 'Modified_Time' ? r.modifiedMs : sortBy === 'Created_Time' ? r.createdMs : BigInt(r.id);
  const dir = order === 'asc' ? 1 : -1;
  return [...list].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return (ka < kb ? -1 : 1) * dir;
    return (BigInt(a.id) < BigInt(b.id) ? -1 : 1) * dir;
  });
}

function successRow(message: string, rec: StoredRecord, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: 'SUCCESS',
    details: {
      Modified_Time: zohoDateTime(rec.modifiedMs),
      Modified_By: { name: userRef(rec.modifiedById).name, id: rec.modifiedById },
      Created_Time: zohoDateTime(rec.createdMs),
      id: rec.id,
      Created_By: { name: userRef(rec.createdById).name, id: rec.createdById },
      $approval_state: 'approved',
    },
    message,
    status: 'success',
    ...extra,
  };
}

function changeOf(sim: Sim, rec: StoredRecord, kind: RecordChange['kind'], changed: string[]): RecordChange {
  const rendered = sim.store.render(rec);
  return {
    module: rec.module,
    kind,
    id: rec.id,
    changedFields: changed,
    values: Object.fromEntries(changed.map((f) => [f, rendered[f] ?? null])),
  };
}

export function recordRoutes(app: FastifyInstance, sim: Sim): void {
  // ---- list -------------------------------------------------------------------------------------------
  app.get('/:module', { config: { scopes: readScopes } }, (req, reply) => {
    const def = requireModule(mod(req));
    const q = query(req);
    const fields = fieldsParam(q, true)!;
    for (const f of fields) if (f !== 'id' && !fieldDef(def, f)) throw new SimZohoError(400, 'INVALID_DATA', 'invalid data', { api_name: f });
    const perPage = intParam(q, 'per_page', 200, 1, 200);
    const sortBy = q.sort_by ?? 'id';
    if (!['id', 'Created_Time', 'Modified_Time'].includes(sortBy)) throw zerr.invalidParam('sort_by');
    const sortOrder = q.sort_order ?? 'desc';
    if (!['asc', 'desc'].includes(sortOrder)) throw zerr.invalidParam('sort_order');
    const ims = ifModifiedSince(req);
    const ids = q.ids ? idsParam(q) : undefined;
    const user = actor(req);
    const bind = JSON.stringify([def.api_name, fields, perPage, sortBy, sortOrder, ids ?? null, ims ?? null, q.cvid ?? null]);

    let offset: number;
    if (q.page_token !== undefined) {
      if (q.page !== undefined) throw new SimZohoError(400, 'AMBIGUITY_DURING_PROCESSING', 'page and page_token cannot be given together', { param_names: ['page', 'page_token'] });
      const state = sim.pageTokens.get(q.page_token);
      if (!state || state.userId !== user) throw zerr.invalidParam('page_token');
      if (state.expiresMs < sim.now()) throw new SimZohoError(400, 'EXPIRED_VALUE', 'the page_token has expired', { param: 'page_token' });
      if (state.bind !== bind) throw new SimZohoError(400, 'TOKEN_BOUND_DATA_MISMATCH', 'the request parameters do not match the page_token', { param: 'page_token' });
      offset = state.offset;
      if (offset >= TOKEN_LIMIT) throw new SimZohoError(400, 'PAGINATION_LIMIT_EXCEEDED', 'pagination limit exceeded', { limit: TOKEN_LIMIT });
    } else {
      const page = intParam(q, 'page', 1, 1, 100_000);
      offset = (page - 1) * perPage;
      if (offset + perPage > DISCRETE_LIMIT) {
        throw new SimZohoError(400, 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', 'page and per_page reach only the first 2000 records; use page_token', {
          limit: DISCRETE_LIMIT,
        });
      }
    }

    let list = [...sim.store.moduleRecords(def.api_name).values()];
    if (ids) list = list.filter((r) => ids.includes(r.id));
    if (ims !== undefined) {
      list = list.filter((r) => r.modifiedMs > ims);
      if (list.length === 0) return noContent(reply, 304);
    }
    if (list.length === 0) return noContent(reply);
    const sorted = sortRecords(list, sortBy, sortOrder);
    const slice = sorted.slice(offset, offset + perPage);
    const more = offset + perPage < sorted.length;
    if (slice.length === 0) return noContent(reply);
    const info: Record<string, unknown> = {
      call: false,
      per_page: perPage,
      count: slice.length,
      sort_by: sortBy,
      page: Math.floor(offset / perPage) + 1,
      sort_order: sortOrder,
      email: false,
      more_records: more,
    };
    if (more) {
      prunePageTokens(sim);
      const token = randomToken(12);
      const expiresMs = sim.now() + PAGE_TOKEN_TTL_MS;
      sim.pageTokens.set(token, { bind, offset: offset + perPage, expiresMs, userId: user });
      info.next_page_token = token;
      info.page_token_expiry = zohoDateTime(expiresMs);
    }
    return sendJson(reply, 200, { data: slice.map((r) => sim.store.render(r, fields)), info });
  });

  // ---- search -----------------------------------------------------------------------------------------
  app.get('/:module/search', { config: { scopes: searchScopes } }, (req, reply) => {
    const def = requireModule(mod(req));
    const q = query(req);
    const fields = fieldsParam(q, false);
    const page = intParam(q, 'page', 1, 1, 100_000);
    const perPage = intParam(q, 'per_page', 200, 1, 200);
    if ((page - 1) * perPage + perPage > DISCRETE_LIMIT) {
      throw new SimZohoError(400, 'LIMIT_REACHED', 'Record count exceeded', { limit: DISCRETE_LIMIT });
    }
    const now = sim.now();
    const candidates = [...sim.store.moduleRecords(def.api_name).values()].filter((r) => r.indexedMs <= now);
    let predicate: (r: StoredRecord, rendered: Record<string, unknown>) => boolean;
    if (q.criteria !== undefined) {
      const node = parseCriteria(def, q.criteria);
      predicate = (r, rendered) => matches(node, r, rendered);
    } else if (q.email !== undefined) {
      const email = q.email.toLowerCase();
      const emailFields = allFields(def).filter((f) => f.data_type === 'email');
      predicate = (_r, rendered) => emailFields.some((f) => textOf(rendered[f.api_name]).toLowerCase() === email);
    } else if (q.phone !== undefined) {
      const digits = q.phone.replace(/\D/g, '');
      if (digits.length === 0) throw zerr.invalidParam('phone');
      const phoneFields = allFields(def).filter((f) => f.data_type === 'phone');
      predicate = (_r, rendered) => phoneFields.some((f) => textOf(rendered[f.api_name]).replace(/\D/g, '').includes(digits));
    } else if (q.word !== undefined) {
      const word = q.word.trim().toLowerCase();
      if (word.length < 2 || !/^[\p{L}\p{N} @._'-]+$/u.test(word)) throw zerr.invalidParam('word');
      const textFields = allFields(def).filter((f) => ['text', 'textarea', 'email', 'phone', 'website', 'picklist'].includes(f.data_type));
      predicate = (_r, rendered) => textFields.some((f) => textOf(rendered[f.api_name]).toLowerCase().includes(word));
    } else {
      throw new SimZohoError(400, 'EXPECTED_PARAM_MISSING', 'One of the expected parameter is missing', {
        expected_params: ['criteria', 'email', 'phone', 'word'],
      });
    }
    const hits = sortRecords(
      candidates.filter((r) => predicate(r, sim.store.render(r))),
      'id',
      'desc',
    );
    if (hits.length === 0) return noContent(reply);
    const { slice, info } = paginate(hits, page, perPage);
    if (slice.length === 0) return noContent(reply);
    return sendJson(reply, 200, { data: slice.map((r) => sim.store.render(r, fields)), info });
  });

  // ---- deleted ----------------------------------------------------------------------------------------
  app.get('/:module/deleted', { config: { scopes: readScopes, credits: () => 2 } }, (req, reply) => {
    const def = requireModule(mod(req));
    const q = query(req);
    const type = q.type ?? 'all';
    if (!['all', 'recycle', 'permanent'].includes(type)) throw zerr.invalidParam('type');
    const page = intParam(q, 'page', 1, 1, 100_000);
    const perPage = intParam(q, 'per_page', 200, 1, 200);
    const ims = ifModifiedSince(req);
    let list = sim.store.deleted.filter((d) => d.module === def.api_name && (type === 'all' || d.type === type));
    if (ims !== undefined) {
      list = list.filter((d) => d.deletedMs > ims);
      if (list.length === 0) return noContent(reply, 304);
    }
    if (list.length === 0) return noContent(reply);
    list = [...list].sort((a, b) => b.deletedMs - a.deletedMs);
    const { slice, info } = paginate(list, page, perPage);
    if (slice.length === 0) return noContent(reply);
    return sendJson(reply, 200, {
      data: slice.map((d) => ({
        deleted_by: { name: userRef(d.deletedById).name, id: d.deletedById },
        id: d.id,
        display_name: d.display_name,
        type: d.type,
        created_by: { name: userRef(d.createdById).name, id: d.createdById },
        deleted_time: zohoDateTime(d.deletedMs),
      })),
      info,
    });
  });

  // ---- count ------------------------------------------------------------------------------------------
  app.get('/:module/actions/count', { config: { scopes: readScopes } }, (req, reply) => {
    const def = requireModule(mod(req));
    return sendJson(reply, 200, { count: String(sim.store.moduleRecords(def.api_name).size) });
  });

  // ---- get one ----------------------------------------------------------------------------------------
  app.get('/:module/:id', { config: { scopes: readScopes } }, (req, reply) => {
    const def = requireModule(mod(req));
    const id = params(req).id ?? '';
    if (!/^\d+$/.test(id)) throw zerr.invalidId(id);
    const fields = fieldsParam(query(req), false);
    const rec = sim.store.find(def.api_name, id);
    if (!rec) return noContent(reply);
    const ims = ifModifiedSince(req);
    if (ims !== undefined && rec.modifiedMs <= ims) return noContent(reply, 304);
    return sendJson(reply, 200, { data: [sim.store.render(rec, fields)] });
  });

  // ---- insert / upsert --------------------------------------------------------------------------------
  app.post('/:module', { config: { scopes: (req) => [moduleScope(mod(req), 'CREATE')], credits: writeCredits } }, (req, reply) => {
    const def = requireModule(mod(req));
    const rows = dataRows(req.body);
    checkTrigger(req.body);
    const changes: RecordChange[] = [];
    const results = rows.map((row, i) => {
      const r = sim.store.insert(def, row, i, actor(req));
      if (!r.ok) return r.error;
      changes.push(changeOf(sim, r.record, 'create', []));
      return successRow('record added', r.record);
    });
    sim.watch.emit(changes);
    return sendJson(reply, bulkStatus(changes.length, rows.length, 201), { data: results });
  });

  app.post('/:module/upsert', { config: { scopes: (req) => [moduleScope(mod(req), 'CREATE'), moduleScope(mod(req), 'UPDATE')], credits: writeCredits } }, (req, reply) => {
    const def = requireModule(mod(req));
    const rows = dataRows(req.body);
    checkTrigger(req.body);
    const dcf = (req.body as { duplicate_check_fields?: unknown }).duplicate_check_fields;
    let checkFields: string[];
    if (dcf === undefined) checkFields = def.fields.filter((f) => f.unique).map((f) => f.api_name);
    else if (Array.isArray(dcf) && dcf.every((x) => typeof x === 'string' && fieldDef(def, x))) checkFields = dcf as string[];
    else throw new SimZohoError(400, 'INVALID_DATA', 'invalid data', { api_name: 'duplicate_check_fields', expected_data_type: 'jsonarray' });
    const changes: RecordChange[] = [];
    let ok = 0;
    const results = rows.map((row, i) => {
      const values = row && typeof row === 'object' ? (row as Record<string, unknown>) : {};
      const existing = sim.store.findByFields(def, values, checkFields);
      if (existing) {
        const r = sim.store.update(def, existing.record.id, row, i, actor(req));
        if (!r.ok) return r.error;
        ok += 1;
        if (r.changed && r.changed.length > 0) changes.push(changeOf(sim, r.record, 'edit', r.changed));
        return successRow('record updated', r.record, { action: 'update', duplicate_field: existing.field });
      }
      const r = sim.store.insert(def, row, i, actor(req));
      if (!r.ok) return r.error;
      ok += 1;
      changes.push(changeOf(sim, r.record, 'create', []));
      return successRow('record added', r.record, { action: 'insert' });
    });
    sim.watch.emit(changes);
    return sendJson(reply, bulkStatus(ok, rows.length, 200), { data: results });
  });

  // ---- update -----------------------------------------------------------------------------------------
  const update = (def: ModuleDef, rows: unknown[], pathId: string | undefined, req: FastifyRequest): { status: number; body: unknown } => {
    const changes: RecordChange[] = [];
    let ok = 0;
    const results: (ZohoEnvelope | Record<string, unknown>)[] = rows.map((row, i) => {
      const rowId = row && typeof row === 'object' ? (row as { id?: unknown }).id : undefined;
      const id = pathId ?? (typeof rowId === 'string' ? rowId : undefined);
      if (!id) return rowError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'id', json_path: `$.data[${i}].id` });
      const r = sim.store.update(def, id, row, i, actor(req));
      if (!r.ok) return r.error;
      ok += 1;
      if (r.changed && r.changed.length > 0) changes.push(changeOf(sim, r.record, 'edit', r.changed));
      return successRow('record updated', r.record);
    });
    sim.watch.emit(changes);
    return { status: bulkStatus(ok, rows.length, 200), body: { data: results } };
  };

  app.put('/:module', { config: { scopes: (req) => [moduleScope(mod(req), 'UPDATE')], credits: writeCredits } }, (req, reply) => {
    const def = requireModule(mod(req));
    const rows = dataRows(req.body);
    checkTrigger(req.body);
    const r = update(def, rows, undefined, req);
    return sendJson(reply, r.status, r.body);
  });

  app.put('/:module/:id', { config: { scopes: (req) => [moduleScope(mod(req), 'UPDATE')], credits: writeCredits } }, (req, reply) => {
    const def = requireModule(mod(req));
    const rows = dataRows(req.body, 1);
    checkTrigger(req.body);
    const r = update(def, rows, params(req).id, req);
    return sendJson(reply, r.status, r.body);
  });

  // ---- delete -----------------------------------------------------------------------------------------
  const remove = (def: ModuleDef, ids: string[], req: FastifyRequest): { status: number; body: unknown } => {
    const changes: RecordChange[] = [];
    const results = ids.map((id) => {
      const rec = sim.store.delete(def.api_name, id, actor(req));
      if (!rec) return rowError('INVALID_DATA', 'the id given seems to be invalid', { id });
      changes.push({ module: def.api_name, kind: 'delete', id, changedFields: [], values: {} });
      return { code: 'SUCCESS', details: { id }, message: 'record deleted', status: 'success' };
    });
    sim.watch.emit(changes);
    return { status: bulkStatus(changes.length, ids.length, 200), body: { data: results } };
  };

  app.delete('/:module', { config: { scopes: (req) => [moduleScope(mod(req), 'DELETE')] } }, (req, reply) => {
    const def = requireModule(mod(req));
    const r = remove(def, idsParam(query(req)), req);
    return sendJson(reply, r.status, r.body);
  });

  app.delete('/:module/:id', { config: { scopes: (req) => [moduleScope(mod(req), 'DELETE')] } }, (req, reply) => {
    const def = requireModule(mod(req));
    const r = remove(def, [params(req).id ?? ''], req);
    return sendJson(reply, r.status, r.body);
  });
}

/** Page tokens live 24 h; drop expired ones and keep the map bounded for long-running sandboxes. */
export function prunePageTokens(sim: Sim): void {
  if (sim.pageTokens.size < 1000) return;
  const now = sim.now();
  for (const [k, v] of sim.pageTokens) if (v.expiresMs < now) sim.pageTokens.delete(k);
  const excess = sim.pageTokens.size - 10_000;
  if (excess > 0) for (const k of [...sim.pageTokens.keys()].slice(0, excess)) sim.pageTokens.delete(k);
}

function checkTrigger(body: unknown): void {
  const t = (body as { trigger?: unknown }).trigger;
  if (t !== undefined && !(Array.isArray(t) && t.every((x) => typeof x === 'string'))) {
    throw new SimZohoError(400, 'INVALID_DATA', 'invalid data', { api_name: 'trigger', expected_data_type: 'jsonarray' });
  }
}
