// Value conversion between Zoho field types and Jira field types (F14, F15, F20), and the compatibility
// table the API uses to refuse type-incompatible mappings before they are saved (F11). Pure functions:
// no I/O, so the same rules hold in the admin page's validation and in the sync engine.
import { truncateSummary } from '../../clients/jira/summary';
import { adfToText, isAdfDoc, textToAdf } from '../../clients/jira/adf';

/** The part of Zoho's field metadata conversion needs (`/settings/fields`). */
export interface ZohoFieldType {
  apiName: string;
  dataType: string;
  pickListValues?: string[];
}

/** The part of Jira's field metadata conversion needs (`/rest/api/3/field` → `schema`). */
export interface JiraFieldType {
  id: string;
  schema?: { type: string; items?: string; system?: string; custom?: string } | undefined;
}

/** Zoho's field metadata as `/settings/fields` sends it (the parts read here). */
export interface ZohoFieldMetadata {
  api_name: string;
  data_type: string;
  pick_list_values?: readonly { actual_value?: string | null | undefined; display_value?: string | null | undefined }[] | null | undefined;
}

/** Jira's field metadata as `/rest/api/3/field` sends it (the parts read here). */
export interface JiraFieldMetadata {
  id: string;
  schema?: { type: string; items?: string | undefined; system?: string | undefined; custom?: string | undefined } | null | undefined;
}

/** The conversion's view of a Zoho field; a picklist value is its actual (API) value, else its label. */
export function zohoFieldType(f: ZohoFieldMetadata): ZohoFieldType {
  const values = (f.pick_list_values ?? []).map((p) => p.actual_value ?? p.display_value ?? '');
  return { apiName: f.api_name, dataType: f.data_type, ...(values.length ? { pickListValues: values } : {}) };
}

/** The conversion's view of a Jira field. */
export function jiraFieldType(f: JiraFieldMetadata): JiraFieldType {
  const s = f.schema;
  return {
    id: f.id,
    schema: s
      ? { type: s.type, ...(s.items ? { items: s.items } : {}), ...(s.system ? { system: s.system } : {}), ...(s.custom ? { custom: s.custom } : {}) }
      : undefined,
  };
}

type Kind = 'text' | 'richtext' | 'number' | 'date' | 'datetime' | 'option' | 'options' | 'labels' | 'boolean' | 'user' | 'unsupported';

const ZOHO_KINDS: Record<string, Kind> = {
  text: 'text',
  textarea: 'text',
  email: 'text',
  phone: 'text',
  website: 'text',
  autonumber: 'text',
  integer: 'number',
  bigint: 'number',
  double: 'number',
  decimal: 'number',
  currency: 'number',
  percent: 'number',
  long: 'number',
  date: 'date',
  datetime: 'datetime',
  picklist: 'option',
  multiselectpicklist: 'options',
  boolean: 'boolean',
  ownerlookup: 'user',
  userlookup: 'user',
  lookup: 'text',
};

export function zohoKind(f: ZohoFieldType): Kind {
  return ZOHO_KINDS[f.dataType] ?? 'unsupported';
}

export function jiraKind(f: JiraFieldType): Kind {
  const s = f.schema;
  if (!s) return f.id === 'summary' ? 'text' : 'unsupported';
  if (f.id === 'description' || f.id === 'environment' || s.custom?.endsWith(':textarea')) return 'richtext';
  if (f.id === 'labels' || (s.type === 'array' && s.items === 'string')) return 'labels';
  switch (s.type) {
    case 'string':
      return 'text';
    case 'number':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'option':
    case 'priority':
      return 'option';
    case 'array':
      return s.items === 'option' ? 'options' : 'unsupported';
    case 'user':
      return 'user';
    default:
      return 'unsupported';
  }
}

/** Which Zoho kinds may feed which Jira kinds (and back). Anything else is refused at save time. */
const COMPATIBLE: Record<Kind, Kind[]> = {
  text: ['text', 'richtext', 'option', 'labels'],
  richtext: ['text', 'richtext'],
  number: ['number', 'text'],
  date: ['date', 'datetime', 'text'],
  datetime: ['datetime', 'date', 'text'],
  option: ['option', 'text', 'labels'],
  options: ['options', 'labels'],
  labels: ['labels', 'options'],
  boolean: ['text', 'option'],
  user: ['user', 'text'],
  unsupported: [],
};

export function mappingProblem(z: ZohoFieldType, j: JiraFieldType): string | null {
  const zk = zohoKind(z);
  const jk = jiraKind(j);
  if (zk === 'unsupported') return `Zoho field ${z.apiName} has type "${z.dataType}", which cannot be synced`;
  if (jk === 'unsupported') return `Jira field ${j.id} has a type (${j.schema?.type ?? 'unknown'}) that cannot be synced`;
  if (!COMPATIBLE[zk].includes(jk)) return `Zoho field ${z.apiName} (${z.dataType}) cannot map to Jira field ${j.id} (${j.schema?.type ?? 'unknown'})`;
  return null;
}

export type Converted = { ok: true; value: unknown } | { ok: false; reason: string };

const ok = (value: unknown): Converted => ({ ok: true, value });
const fail = (reason: string): Converted => ({ ok: false, reason });

/** Zoho datetimes carry their offset ("2026-11-28T10:00:00+05:30"); Jira wants "…T04:30:00.000+0000". */
export function toJiraDateTime(iso: string): string | null {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  return new Date(t).toISOString().replace('Z', '+0000');
}

/** Zoho wants "yyyy-MM-ddTHH:mm:ss±HH:mm"; UTC is always acceptable. */
export function toZohoDateTime(iso: string): string | null {
  const t = Date.parse(iso.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(t)) return null;
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && value !== null && 'name' in value && typeof value.name === 'string') return value.name;
  return null;
}

/** Converts a Zoho record value for a Jira field edit; `null` clears the Jira field. */
export function zohoToJira(value: unknown, z: ZohoFieldType, j: JiraFieldType): Converted {
  const problem = mappingProblem(z, j);
  if (problem) return fail(problem);
  const jk = jiraKind(j);
  if (value === null || value === undefined || value === '') {
    if (j.id === 'summary') return fail('the Jira summary cannot be empty');
    return ok(jk === 'labels' || jk === 'options' ? [] : null);
  }
  switch (jk) {
    case 'text': {
      const text = Array.isArray(value) ? value.map(asText).filter(Boolean).join(', ') : asText(value);
      if (text === null) return fail(`value of ${z.apiName} is not text`);
      return ok(j.id === 'summary' ? truncateSummary(text) : text);
    }
    case 'richtext': {
      const text = asText(value);
      return text === null ? fail(`value of ${z.apiName} is not text`) : ok(textToAdf(text));
    }
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(n) ? ok(n) : fail(`value of ${z.apiName} is not a number`);
    }
    case 'date': {
      const s = asText(value);
      if (!s || Number.isNaN(Date.parse(s))) return fail(`value of ${z.apiName} is not a date`);
      return ok(zohoKind(z) === 'datetime' ? new Date(Date.parse(s)).toISOString().slice(0, 10) : s.slice(0, 10));
    }
    case 'datetime': {
      const s = asText(value);
      const dt = s ? toJiraDateTime(s.length === 10 ? `${s}T00:00:00Z` : s) : null;
      return dt ? ok(dt) : fail(`value of ${z.apiName} is not a date-time`);
    }
    case 'option': {
      const s = asText(value);
      return s === null ? fail(`value of ${z.apiName} is not a choice`) : ok(j.schema?.type === 'priority' ? { name: s } : { value: s });
    }
    case 'options': {
      const list = Array.isArray(value) ? value.map(asText) : [asText(value)];
      return ok(list.filter((v): v is string => !!v).map((v) => ({ value: v })));
    }
    case 'labels': {
      const list = Array.isArray(value) ? value.map(asText) : [asText(value)];
      // Jira labels cannot contain spaces.
      return ok(list.filter((v): v is string => !!v).map((v) => v.trim().replace(/\s+/g, '_')));
    }
    case 'user': {
      const email = typeof value === 'object' && value !== null && 'email' in value ? (value as { email?: unknown }).email : undefined;
      return typeof email === 'string' ? ok({ emailAddress: email }) : fail(`value of ${z.apiName} has no e-mail to match a Jira user`);
    }
    default:
      return fail(`Jira field ${j.id} cannot be written`);
  }
}

/** Converts a Jira field value to the value a Zoho record update takes. */
export function jiraToZoho(value: unknown, j: JiraFieldType, z: ZohoFieldType): Converted {
  const problem = mappingProblem(z, j);
  if (problem) return fail(problem);
  const zk = zohoKind(z);
  if (value === null || value === undefined) return ok(zk === 'options' ? [] : null);
  let plain: unknown = value;
  if (isAdfDoc(value)) plain = adfToText(value);
  else if (typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    plain = o.value ?? o.name ?? o.emailAddress ?? o.displayName ?? null;
  }
  switch (zk) {
    case 'text': {
      if (Array.isArray(plain)) return ok((plain as unknown[]).map(scalarText).join(', '));
      return ok(plain === null ? null : scalarText(plain));
    }
    case 'number': {
      const n = typeof plain === 'number' ? plain : Number(plain);
      return Number.isFinite(n) ? ok(n) : fail(`Jira field ${j.id} is not a number`);
    }
    case 'date': {
      const s = typeof plain === 'string' ? plain : null;
      const t = s ? Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN;
      return Number.isNaN(t) ? fail(`Jira field ${j.id} is not a date`) : ok(s!.length === 10 ? s : new Date(t).toISOString().slice(0, 10));
    }
    case 'datetime': {
      const s = typeof plain === 'string' ? plain : null;
      const dt = s ? toZohoDateTime(s.length === 10 ? `${s}T00:00:00Z` : s) : null;
      return dt ? ok(dt) : fail(`Jira field ${j.id} is not a date-time`);
    }
    case 'option': {
      if (plain === null) return ok(null);
      const s = scalarText(plain);
      if (z.pickListValues && z.pickListValues.length > 0 && !z.pickListValues.includes(s)) {
        return fail(`"${s}" is not a value of the Zoho picklist ${z.apiName}`);
      }
      return ok(s);
    }
    case 'options': {
      const list: unknown[] = Array.isArray(plain) ? (plain as unknown[]) : [plain];
      return ok(list.map((v) => (typeof v === 'object' && v ? (v as { value?: unknown }).value : v)).filter((v): v is string => typeof v === 'string'));
    }
    case 'boolean':
      return ok(plain === true || plain === 'true' || plain === 'Yes');
    default:
      return fail(`Zoho field ${z.apiName} cannot be written from Jira`);
  }
}

/** Text of a scalar or of an option-like object ({value} / {name}). */
function scalarText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    const o = v as { value?: unknown; name?: unknown };
    const inner = o.value ?? o.name;
    return typeof inner === 'string' || typeof inner === 'number' ? String(inner) : JSON.stringify(v);
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Stable comparison of field values across the two APIs' representations. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

function normalize(v: unknown): unknown {
  if (v === undefined || v === '' ) return null;
  if (isAdfDoc(v)) return adfToText(v).trim();
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('value' in o) return o.value;
    if ('name' in o && Object.keys(o).length <= 3) return o.name;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, normalize(o[k])]));
  }
  return v;
}
