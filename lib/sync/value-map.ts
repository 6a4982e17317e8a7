// The value-mapping step of a picklist/select mapping (F41): a source value is looked up in the mapping's
// table before the type conversion (field-types.ts) shapes it for the other API. Pure, so the engine and
// its unit tests share it. Rules:
// - Zoho → Jira: the entry whose zohoValue matches; several Zoho values may share one Jira value.
// - Jira → Zoho (2 Way): a many-to-one table cannot be inverted, so the FIRST entry listing the Jira value
//   decides which Zoho value goes back.
// - A value with no entry takes the direction's default; without one, "LEAVE" leaves the other side's field
//   as it is and "CLEAR" empties it. In a multi-value field (multi-select, labels) each value is mapped on
//   its own: unmapped ones take the default, or are dropped with "CLEAR", or with "LEAVE" keep the whole
//   field from being written.
// - An empty source value is not looked up: it clears the other side as an unmapped mapping would.
import type { ValueMap } from '../../contracts/value-mapping';

export type MappedValue =
  /** Write this (a string, a list of strings, or null to clear) through the type conversion. */
  | { write: true; value: string | string[] | null }
  /** Leave the other side's field unchanged; `unmapped` names the values that had no entry. */
  | { write: false; unmapped: string[] };

/** Texts of a value as either API sends it: a string, {value}, {name}, or a list of those. */
export function valueTexts(raw: unknown): { list: boolean; texts: string[] } | null {
  if (raw === null || raw === undefined || raw === '') return null;
  if (Array.isArray(raw)) return { list: true, texts: raw.map(textOf).filter((t): t is string => t !== null) };
  const t = textOf(raw);
  return t === null ? null : { list: false, texts: [t] };
}

function textOf(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v && typeof v === 'object') {
    const o = v as { value?: unknown; name?: unknown };
    const inner = o.value ?? o.name;
    if (typeof inner === 'string' || typeof inner === 'number') return String(inner);
  }
  return null;
}

function mapWith(
  raw: unknown,
  lookup: (text: string) => string | undefined,
  fallback: string | null,
  unmapped: ValueMap['unmapped'],
): MappedValue {
  const source = valueTexts(raw);
  if (!source) return { write: true, value: null };
  const out: string[] = [];
  const missing: string[] = [];
  for (const text of source.texts) {
    const target = lookup(text) ?? fallback ?? undefined;
    if (target !== undefined) {
      if (!out.includes(target)) out.push(target);
    } else missing.push(text);
  }
  if (missing.length > 0 && unmapped === 'LEAVE') return { write: false, unmapped: missing };
  if (source.list) return { write: true, value: out };
  return { write: true, value: out[0] ?? null };
}

/** A Zoho picklist value (or multi-select list) as the Jira value(s) the table gives. */
export function mapZohoToJira(raw: unknown, map: ValueMap): MappedValue {
  const table = new Map<string, string>();
  for (const e of map.entries) if (!table.has(e.zohoValue)) table.set(e.zohoValue, e.jiraValue);
  return mapWith(raw, (t) => table.get(t), map.defaultJiraValue, map.unmapped);
}

/** A Jira value (priority, option, labels, multi-select) as the Zoho value(s); the first entry wins. */
export function mapJiraToZoho(raw: unknown, map: ValueMap): MappedValue {
  const table = new Map<string, string>();
  for (const e of map.entries) if (!table.has(e.jiraValue)) table.set(e.jiraValue, e.zohoValue);
  return mapWith(raw, (t) => table.get(t), map.defaultZohoValue, map.unmapped);
}
