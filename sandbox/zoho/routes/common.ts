// Helpers shared by the CRM API routes: module lookup, query parsing with Zoho's error codes, the list
// envelope, and the HTTP status Zoho picks for bulk writes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { moduleDef, type ModuleDef } from '../catalog';
import { SimZohoError, zerr } from '../errors';
import type { Sim } from '../context';
import { textOf } from '../text';
import { parseZohoDateTime } from '../time';

export type Query = Record<string, string | undefined>;

export function query(req: FastifyRequest): Query {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const out: Query = {};
  for (const [k, v] of Object.entries(q)) out[k] = Array.isArray(v) ? textOf(v[0]) : v === undefined ? undefined : textOf(v);
  return out;
}

export function params(req: FastifyRequest): Record<string, string> {
  return (req.params ?? {}) as Record<string, string>;
}

/** The module named in the path; API-unsupported or unknown names are INVALID_MODULE. */
export function requireModule(name: string | undefined): ModuleDef {
  const def = name ? moduleDef(name) : undefined;
  if (!def || !def.api_supported) throw zerr.invalidModule();
  return def;
}

export function intParam(q: Query, name: string, def: number, min: number, max: number): number {
  const raw = q[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw)) throw zerr.invalidParam(name, { expected_data_type: 'integer' });
  const n = Number(raw);
  if (n < min || n > max) throw zerr.invalidParam(name, { maximum_length: max });
  return n;
}

/** The `If-Modified-Since` header as an instant (Zoho's ISO form with offset), if sent. */
export function ifModifiedSince(req: FastifyRequest): number | undefined {
  const h = req.headers['if-modified-since'];
  if (typeof h !== 'string' || h === '') return undefined;
  const ms = parseZohoDateTime(h);
  if (ms === undefined) throw new SimZohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'If-Modified-Since', expected_data_type: 'datetime' });
  return ms;
}

export function fieldsParam(q: Query, required: boolean): string[] | undefined {
  const raw = q.fields;
  if (raw === undefined || raw.trim() === '') {
    if (required) throw zerr.requiredParam('fields');
    return undefined;
  }
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length > 50) throw new SimZohoError(400, 'LIMIT_EXCEEDED', 'Max field limit exceeded', { param: 'fields', limit: 50 });
  return list;
}

/** Slices one page; `info` follows Zoho's list envelope. */
export function paginate<T>(items: readonly T[], page: number, perPage: number): { slice: T[]; info: Record<string, unknown> } {
  const offset = (page - 1) * perPage;
  const slice = items.slice(offset, offset + perPage);
  return { slice, info: { per_page: perPage, count: slice.length, page, more_records: offset + perPage < items.length } };
}

/** Zoho's status for a bulk write: all rows fine, some failed (207), or none succeeded (400). */
export function bulkStatus(okCount: number, total: number, allOk: number): number {
  if (okCount === total) return allOk;
  return okCount === 0 ? 400 : 207;
}

export function dataRows(body: unknown, max = 100): unknown[] {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) throw zerr.invalidBody();
  const data = (body as { data?: unknown }).data;
  if (data === undefined) throw new SimZohoError(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'data' });
  if (!Array.isArray(data)) throw new SimZohoError(400, 'INVALID_DATA', 'invalid data', { api_name: 'data', expected_data_type: 'jsonarray' });
  if (data.length === 0) throw new SimZohoError(400, 'INVALID_DATA', 'invalid data', { api_name: 'data', expected_data_type: 'jsonarray' });
  if (data.length > max) throw new SimZohoError(400, 'LIMIT_EXCEEDED', 'Record insertion limit has been exceeded.', { api_name: 'data', limit: max });
  return data;
}

export function idsParam(q: Query, name = 'ids', max = 100): string[] {
  const raw = q[name];
  if (raw === undefined || raw.trim() === '') throw zerr.requiredParam(name);
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length > max) throw zerr.limitExceeded('Record count exceeded', max, name);
  return ids;
}

export function actor(req: FastifyRequest): string {
  return req.zoho.grant?.userId ?? '5725767000000411001';
}

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json;charset=UTF-8').send(JSON.stringify(body));
}

export function noContent(reply: FastifyReply, status: 204 | 304 = 204): FastifyReply {
  return reply.code(status).send();
}

export type { Sim };
