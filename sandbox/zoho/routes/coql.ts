// COQL (POST /crm/v8/coql, coql.json; reference §2.7): a subset of the query language, enough for reads
// by condition: `select f1, f2 from Module [where cond] [order by f [asc|desc], ...] [limit [offset,] n |
// limit n offset m]`. Conditions: = != < > <= >= , like ('%' wildcards), [not] in (...), between a and b,
// is [not] null, joined with and / or and parentheses. Lookups compare by id (`Account_Name = '123'` or
// `Account_Name.id`); `Lookup.Field` reads the looked-up record's field. No joins, aggregates or aliases.
// Default limit 200, at most 2000 (v7 COQL-Limitations page). Empty result → 204.
import type { FastifyInstance } from 'fastify';
import { fieldDef, moduleDef, type ModuleDef } from '../catalog';
import { SimZohoError } from '../errors';
import { moduleScope, requireScopes } from '../scopes';
import type { StoredRecord } from '../store';
import { noContent, sendJson, type Sim } from './common';

type Tok = { t: 'id' | 'str' | 'num' | 'op' | 'punct'; v: string; at: number };

const syntax = (near: string, at: number) =>
  new SimZohoError(400, 'SYNTAX_ERROR', `error occured while parsing the query near ${near}`, { line: 1, column: at + 1, near });
const invalidQuery = (message: string, details: Record<string, unknown> = {}) => new SimZohoError(400, 'INVALID_QUERY', message, details);

function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === "'") {
      let j = i + 1;
      let s = '';
      while (j < q.length && q[j] !== "'") {
        if (q[j] === '\\' && j + 1 < q.length) j += 1;
        s += q[j];
        j += 1;
      }
      if (j >= q.length) throw syntax(q.slice(i, i + 10), i);
      out.push({ t: 'str', v: s, at: i });
      i = j + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(q[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(q.slice(i))!;
      out.push({ t: 'num', v: m[0], at: i });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$.]*/.exec(q.slice(i))!;
      out.push({ t: 'id', v: m[0], at: i });
      i += m[0].length;
    } else if (/[<>!=]/.test(c)) {
      const m = /^(<=|>=|!=|<>|=|<|>)/.exec(q.slice(i));
      if (!m) throw syntax(c, i);
      out.push({ t: 'op', v: m[0] === '<>' ? '!=' : m[0], at: i });
      i += m[0].length;
    } else if ('(),*'.includes(c)) {
      out.push({ t: 'punct', v: c, at: i });
      i += 1;
    } else throw syntax(c, i);
  }
  return out;
}

type Value = string | number | boolean | null;
type Cond =
  | { k: 'cmp'; field: string; op: string; value: Value }
  | { k: 'in'; field: string; not: boolean; values: Value[] }
  | { k: 'between'; field: string; lo: Value; hi: Value }
  | { k: 'null'; field: string; not: boolean }
  | { k: 'like'; field: string; not: boolean; pattern: string }
  | { k: 'and' | 'or'; a: Cond; b: Cond };

interface Query {
  fields: string[];
  module: ModuleDef;
  where?: Cond;
  order: { field: string; dir: 1 | -1 }[];
  limit: number;
  offset: number;
}

function parse(text: string): Query {
  const toks = tokenize(text);
  let p = 0;
  const peek = () => toks[p];
  const kw = (w: string) => peek()?.t === 'id' && peek()!.v.toLowerCase() === w;
  const eat = (w: string) => {
    if (!kw(w)) throw syntax(peek()?.v ?? 'end', peek()?.at ?? text.length);
    p += 1;
  };
  const next = (): Tok => {
    const t = toks[p];
    if (!t) throw syntax('end', text.length);
    p += 1;
    return t;
  };
  const value = (): Value => {
    const t = next();
    if (t.t === 'str') return t.v;
    if (t.t === 'num') return Number(t.v);
    if (t.t === 'id' && ['true', 'false'].includes(t.v.toLowerCase())) return t.v.toLowerCase() === 'true';
    if (t.t === 'id' && t.v.toLowerCase() === 'null') return null;
    throw syntax(t.v, t.at);
  };

  eat('select');
  const fields: string[] = [];
  for (;;) {
    const t = next();
    if (t.t !== 'id') throw syntax(t.v, t.at);
    fields.push(t.v);
    if (peek()?.v === ',') p += 1;
    else break;
  }
  eat('from');
  const modTok = next();
  const module = moduleDef(modTok.v);
  if (!module || !module.api_supported) throw invalidQuery('invalid module', { clause: 'from', near: modTok.v });

  const cond = (): Cond => {
    if (peek()?.v === '(') {
      p += 1;
      const e = expr();
      if (next().v !== ')') throw syntax(text.slice(0, 10), p);
      return e;
    }
    const f = next();
    if (f.t !== 'id') throw syntax(f.v, f.at);
    if (kw('is')) {
      p += 1;
      const not = kw('not');
      if (not) p += 1;
      eat('null');
      return { k: 'null', field: f.v, not };
    }
    const not = kw('not');
    if (not) p += 1;
    if (kw('in')) {
      p += 1;
      if (next().v !== '(') throw syntax(f.v, f.at);
      const values: Value[] = [];
      for (;;) {
        values.push(value());
        const t = next();
        if (t.v === ')') break;
        if (t.v !== ',') throw syntax(t.v, t.at);
      }
      if (values.length > 50) throw new SimZohoError(400, 'LIMIT_EXCEEDED', 'at most 50 values in in', { limit: 50 });
      return { k: 'in', field: f.v, not, values };
    }
    if (kw('like')) {
      p += 1;
      const v = value();
      if (typeof v !== 'string') throw syntax(String(v), f.at);
      return { k: 'like', field: f.v, not, pattern: v };
    }
    if (not) throw syntax('not', f.at);
    if (kw('between')) {
      p += 1;
      const lo = value();
      eat('and');
      return { k: 'between', field: f.v, lo, hi: value() };
    }
    const op = next();
    if (op.t !== 'op') throw syntax(op.v, op.at);
    return { k: 'cmp', field: f.v, op: op.v, value: value() };
  };
  const conj = (): Cond => {
    let a = cond();
    while (kw('and')) {
      p += 1;
      a = { k: 'and', a, b: cond() };
    }
    return a;
  };
  const expr = (): Cond => {
    let a = conj();
    while (kw('or')) {
      p += 1;
      a = { k: 'or', a, b: conj() };
    }
    return a;
  };

  let where: Cond | undefined;
  if (kw('where')) {
    p += 1;
    where = expr();
  }
  const order: Query['order'] = [];
  if (kw('order')) {
    p += 1;
    eat('by');
    for (;;) {
      const f = next();
      if (f.t !== 'id') throw syntax(f.v, f.at);
      let dir: 1 | -1 = 1;
      if (kw('asc')) p += 1;
      else if (kw('desc')) {
        p += 1;
        dir = -1;
      }
      order.push({ field: f.v, dir });
      if (peek()?.v === ',') p += 1;
      else break;
    }
  }
  let limit = 200;
  let offset = 0;
  if (kw('limit')) {
    p += 1;
    const a = next();
    if (a.t !== 'num') throw syntax(a.v, a.at);
    limit = Number(a.v);
    if (peek()?.v === ',') {
      p += 1;
      offset = limit;
      const b = next();
      if (b.t !== 'num') throw syntax(b.v, b.at);
      limit = Number(b.v);
    }
  }
  if (kw('offset')) {
    p += 1;
    const o = next();
    if (o.t !== 'num') throw syntax(o.v, o.at);
    offset = Number(o.v);
  }
  if (p < toks.length) throw syntax(toks[p]!.v, toks[p]!.at);
  if (limit < 1 || limit > 2000) throw new SimZohoError(400, 'LIMIT_EXCEEDED', 'limit must be between 1 and 2000', { clause: 'limit', limit: 2000 });
  if (offset + limit > 100_000) throw new SimZohoError(400, 'LIMIT_EXCEEDED', 'only the first 100,000 records can be read', { limit: 100_000 });
  for (const f of [...fields, ...order.map((o) => o.field)]) checkField(module, f);
  return { fields, module, ...(where ? { where } : {}), order, limit, offset };
}

function checkField(m: ModuleDef, name: string): void {
  const [head, tail] = name.split('.', 2) as [string, string | undefined];
  if (head === 'id') return;
  const fd = fieldDef(m, head);
  if (!fd) throw invalidQuery('invalid column given', { column_name: name });
  if (tail !== undefined && tail !== 'id') {
    const target = fd.lookupModule ? moduleDef(fd.lookupModule) : undefined;
    if (!target || !fieldDef(target, tail)) throw invalidQuery('invalid column given', { column_name: name });
  }
}

export function coqlRoutes(app: FastifyInstance, sim: Sim): void {
  const read = (rec: StoredRecord, name: string): unknown => {
    const rendered = sim.store.render(rec);
    const [head, tail] = name.split('.', 2) as [string, string | undefined];
    const v = rendered[head];
    if (tail === undefined) return v;
    const id = (v as { id?: unknown } | null | undefined)?.id;
    if (tail === 'id' || typeof id !== 'string') return tail === 'id' ? id ?? null : null;
    const fd = fieldDef(moduleDef(rec.module)!, head);
    const target = fd?.lookupModule ? sim.store.find(fd.lookupModule, id) : undefined;
    return target ? (sim.store.render(target)[tail] ?? null) : null;
  };
  const scalar = (v: unknown): Value => {
    if (v && typeof v === 'object' && 'id' in v) return String(v.id);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    return null;
  };
  const cmp = (a: Value, b: Value): number => {
    if (typeof a === 'number' || typeof b === 'number') return Number(a) - Number(b);
    const da = typeof a === 'string' && /^\d{4}-\d\d-\d\dT/.test(a) ? Date.parse(a) : NaN;
    const db = typeof b === 'string' && /^\d{4}-\d\d-\d\dT/.test(b) ? Date.parse(b) : NaN;
    if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
    return String(a).toLowerCase().localeCompare(String(b).toLowerCase());
  };
  const test = (rec: StoredRecord, c: Cond): boolean => {
    switch (c.k) {
      case 'and':
        return test(rec, c.a) && test(rec, c.b);
      case 'or':
        return test(rec, c.a) || test(rec, c.b);
      case 'null': {
        const v = scalar(read(rec, c.field));
        return (v === null || v === '') !== c.not;
      }
      case 'in': {
        const v = scalar(read(rec, c.field));
        return c.values.some((x) => v !== null && cmp(v, x) === 0) !== c.not;
      }
      case 'like': {
        const v = scalar(read(rec, c.field));
        const re = new RegExp(`^${c.pattern.split('%').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
        return (v !== null && re.test(String(v))) !== c.not;
      }
      case 'between': {
        const v = scalar(read(rec, c.field));
        return v !== null && cmp(v, c.lo) >= 0 && cmp(v, c.hi) <= 0;
      }
      case 'cmp': {
        const v = scalar(read(rec, c.field));
        if (v === null || c.value === null) return c.op === '!=' ? v !== c.value : false;
        const d = cmp(v, c.value);
        return { '=': d === 0, '!=': d !== 0, '<': d < 0, '>': d > 0, '<=': d <= 0, '>=': d >= 0 }[c.op] ?? false;
      }
    }
  };

  app.post('/coql', { config: { scopes: () => [['ZohoCRM.coql.READ']] } }, (req, reply) => {
    const body = req.body as { select_query?: unknown } | undefined;
    if (!body || typeof body.select_query !== 'string' || body.select_query.trim() === '') {
      throw new SimZohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'select_query' });
    }
    const q = parse(body.select_query.trim());
    if (req.zoho.grant) requireScopes(req.zoho.grant.scopes, [moduleScope(q.module.api_name, 'READ')]);
    let list = [...sim.store.moduleRecords(q.module.api_name).values()];
    if (q.where) list = list.filter((r) => test(r, q.where!));
    const order = q.order.length > 0 ? q.order : [{ field: 'id', dir: 1 as const }];
    list.sort((a, b) => {
      for (const o of order) {
        const va = o.field === 'id' ? BigInt(a.id) : scalar(read(a, o.field));
        const vb = o.field === 'id' ? BigInt(b.id) : scalar(read(b, o.field));
        const d = typeof va === 'bigint' && typeof vb === 'bigint' ? (va < vb ? -1 : va > vb ? 1 : 0) : va === null ? 1 : vb === null ? -1 : cmp(va as Value, vb as Value);
        if (d !== 0) return d * o.dir;
      }
      return 0;
    });
    const slice = list.slice(q.offset, q.offset + q.limit);
    if (slice.length === 0) return noContent(reply);
    const data = slice.map((r) => {
      const out: Record<string, unknown> = {};
      for (const f of q.fields) {
        const v = read(r, f);
        out[f] = v && typeof v === 'object' && !Array.isArray(v) && 'id' in v ? { id: v.id } : (v ?? null);
      }
      out.id = r.id;
      return out;
    });
    return sendJson(reply, 200, { data, info: { count: data.length, more_records: q.offset + q.limit < list.length } });
  });
}
