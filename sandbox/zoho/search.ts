// Zoho search criteria: `(Field:operator:value)` combined as `((A)and(B))`, values escaped with a
// backslash. `equals` on text behaves like "contains" (reference §2.6), at most 10 conditions.
import { fieldDef, type FieldDef, type ModuleDef } from './catalog';
import { SimZohoError } from './errors';
import type { StoredRecord } from './store';
import { textOf } from './text';

type Node =
  | { kind: 'cond'; field: FieldDef; op: string; values: string[] }
  | { kind: 'group'; joiner: 'and' | 'or'; parts: Node[] };

const OPERATORS = new Set(['equals', 'not_equal', 'starts_with', 'in', 'greater_than', 'greater_equal', 'less_than', 'less_equal', 'between']);
const TEXTUAL = new Set(['text', 'textarea', 'email', 'phone', 'website']);

function invalidQuery(reason: string, extra: Record<string, unknown> = {}): SimZohoError {
  return new SimZohoError(400, 'INVALID_QUERY', 'invalid query formed', { reason, ...extra });
}

export function parseCriteria(def: ModuleDef, input: string): Node {
  let pos = 0;
  let conditions = 0;
  const peek = (): string | undefined => input[pos];
  const expect = (c: string): void => {
    if (input[pos] !== c) throw invalidQuery('criteria syntax is invalid');
    pos += 1;
  };
  const parseNode = (): Node => {
    expect('(');
    if (peek() === '(') {
      const parts: Node[] = [parseNode()];
      let joiner: 'and' | 'or' | undefined;
      while (peek() !== ')') {
        const word = /^(and|or)/i.exec(input.slice(pos))?.[1]?.toLowerCase() as 'and' | 'or' | undefined;
        if (!word) throw invalidQuery('criteria syntax is invalid');
        if (joiner && joiner !== word) throw invalidQuery('mixing and/or needs parentheses');
        joiner = word;
        pos += word.length;
        parts.push(parseNode());
      }
      expect(')');
      return parts.length === 1 ? parts[0]! : { kind: 'group', joiner: joiner ?? 'and', parts };
    }
    // Leaf: read to the unescaped ')'.
    let raw = '';
    while (pos < input.length && input[pos] !== ')') {
      if (input[pos] === '\\' && pos + 1 < input.length) {
        raw += input[pos]! + input[pos + 1]!;
        pos += 2;
      } else {
        raw += input[pos];
        pos += 1;
      }
    }
    expect(')');
    const first = raw.indexOf(':');
    const second = first < 0 ? -1 : raw.indexOf(':', first + 1);
    if (first < 0 || second < 0) throw invalidQuery('criteria syntax is invalid');
    const api = raw.slice(0, first);
    const op = raw.slice(first + 1, second);
    const value = raw.slice(second + 1);
    const field = api === 'id' ? ({ api_name: 'id', label: 'Id', data_type: 'bigint' } as FieldDef) : fieldDef(def, api);
    if (!field) throw invalidQuery('the api name given seems to be invalid', { api_name: api });
    if (!OPERATORS.has(op)) throw invalidQuery('invalid operator found', { api_name: api, operator: op });
    conditions += 1;
    if (conditions > 10) throw invalidQuery('more than 10 conditions');
    const values = splitValues(value).map(unescape);
    if (op === 'in' && values.length > 100) throw invalidQuery('more than 100 values for in', { api_name: api, operator: op });
    if (op === 'between' && values.length !== 2) throw invalidQuery('between needs two values', { api_name: api, operator: op });
    if (TEXTUAL.has(field.data_type) && !['equals', 'not_equal', 'starts_with', 'in'].includes(op)) {
      throw invalidQuery('invalid operator found', { api_name: api, operator: op });
    }
    if (field.data_type === 'picklist' && !['equals', 'not_equal', 'in'].includes(op)) {
      throw invalidQuery('invalid operator found', { api_name: api, operator: op });
    }
    if (field.data_type === 'boolean' && !['equals', 'not_equal'].includes(op)) {
      throw invalidQuery('invalid operator found', { api_name: api, operator: op });
    }
    return { kind: 'cond', field, op, values };
  };
  const node = parseNode();
  if (pos !== input.length) throw invalidQuery('criteria syntax is invalid');
  return node;
}

function splitValues(v: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < v.length; i += 1) {
    if (v[i] === '\\' && i + 1 < v.length) {
      cur += v[i]! + v[i + 1]!;
      i += 1;
    } else if (v[i] === ',') {
      out.push(cur);
      cur = '';
    } else cur += v[i];
  }
  out.push(cur);
  return out;
}

function unescape(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

function scalar(rec: StoredRecord, rendered: Record<string, unknown>, field: FieldDef): unknown {
  if (field.api_name === 'id') return rec.id;
  const v = rendered[field.api_name];
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as { name?: unknown; id?: unknown };
    return typeof o.name === 'string' ? o.name : o.id;
  }
  return v;
}

function compare(a: unknown, b: string, numeric: boolean): number {
  if (numeric) return Number(a) - Number(b);
  const as = textOf(a);
  return as < b ? -1 : as > b ? 1 : 0;
}

export function matches(node: Node, rec: StoredRecord, rendered: Record<string, unknown>): boolean {
  if (node.kind === 'group') {
    return node.joiner === 'and' ? node.parts.every((p) => matches(p, rec, rendered)) : node.parts.some((p) => matches(p, rec, rendered));
  }
  const v = scalar(rec, rendered, node.field);
  const numeric = ['integer', 'bigint', 'double', 'currency', 'percent'].includes(node.field.data_type);
  const text = TEXTUAL.has(node.field.data_type) || node.field.data_type === 'lookup' || node.field.data_type === 'ownerlookup';
  const lower = (x: unknown): string => textOf(x).toLowerCase();
  const first = node.values[0] ?? '';
  switch (node.op) {
    case 'equals':
      if (v === null || v === undefined) return first === 'null';
      if (node.field.data_type === 'boolean') return textOf(v) === first;
      return text ? lower(v).includes(first.toLowerCase()) : numeric ? Number(v) === Number(first) : textOf(v) === first;
    case 'not_equal':
      if (v === null || v === undefined) return first !== 'null';
      return text ? !lower(v).includes(first.toLowerCase()) : textOf(v) !== first;
    case 'starts_with':
      return lower(v).startsWith(first.toLowerCase());
    case 'in':
      return node.values.some((x) => (text ? lower(v) === x.toLowerCase() : textOf(v) === x));
    case 'greater_than':
      return v !== null && v !== undefined && compare(v, first, numeric) > 0;
    case 'greater_equal':
      return v !== null && v !== undefined && compare(v, first, numeric) >= 0;
    case 'less_than':
      return v !== null && v !== undefined && compare(v, first, numeric) < 0;
    case 'less_equal':
      return v !== null && v !== undefined && compare(v, first, numeric) <= 0;
    case 'between':
      return v !== null && v !== undefined && compare(v, first, numeric) >= 0 && compare(v, node.values[1] ?? '', numeric) <= 0;
    default:
      return false;
  }
}
