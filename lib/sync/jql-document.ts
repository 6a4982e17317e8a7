// F45: the issue property document that makes an SCI's chosen CRM values searchable in JQL
// (contracts/jql-fields.ts), and the merge with what other SCIs keep on the same issue.
import { jqlFieldType, type JqlField } from '../../contracts/jql-fields';

export type JqlValue = string | number | string[];
export type JqlDocument = Record<string, JqlValue>;

/** A Zoho value as Jira indexes it for the JQL name's type; undefined = empty (the path is left out). */
export function indexedValue(type: 'string' | 'number' | 'date', raw: unknown): JqlValue | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  if (type === 'number') {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
    return Number.isFinite(n) ? n : undefined;
  }
  if (type === 'date') {
    // Zoho dates are `yyyy-MM-dd`, date-times ISO 8601 with an offset; Jira's date index reads both.
    return typeof raw === 'string' && !Number.isNaN(Date.parse(raw)) ? raw : undefined;
  }
  if (Array.isArray(raw)) {
    const items = raw.map((v) => textOf(v)).filter((v): v is string => v !== undefined);
    return items.length ? items : undefined;
  }
  return textOf(raw);
}

/** Lookups and owners are objects `{name, id}`: the name is what people search for. */
function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string')
    return (v as { name: string }).name;
  return undefined;
}

/** This SCI's values for its chosen JQL names (empty values absent). */
export function jqlDocument(fields: readonly JqlField[], record: Record<string, unknown>): JqlDocument {
  const doc: JqlDocument = {};
  for (const f of fields) {
    const type = jqlFieldType(f.jqlName);
    if (!type) continue;
    const v = indexedValue(type, record[f.zohoField]);
    if (v !== undefined) doc[f.jqlName] = v;
  }
  return doc;
}

/**
 * The property value after this SCI's write: another SCI linking the same issue keeps its JQL names; this
 * SCI's names take its values, or disappear when empty. Null when nothing would change (no write needed).
 */
export function mergeJqlDocument(current: unknown, fields: readonly JqlField[], own: JqlDocument): JqlDocument | null {
  const base: JqlDocument =
    current && typeof current === 'object' && !Array.isArray(current) ? { ...(current as JqlDocument) } : {};
  const next: JqlDocument = { ...base };
  for (const f of fields) {
    if (own[f.jqlName] === undefined) delete next[f.jqlName];
    else next[f.jqlName] = own[f.jqlName]!;
  }
  const exists = current !== undefined && current !== null;
  if (exists && JSON.stringify(sorted(next)) === JSON.stringify(sorted(base))) return null;
  if (!exists && Object.keys(next).length === 0) return null;
  return next;
}

const sorted = (d: JqlDocument) => Object.fromEntries(Object.entries(d).sort(([a], [b]) => (a < b ? -1 : 1)));
