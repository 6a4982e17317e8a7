// The demo org's data: users, records per module, deleted records, notes and attachment metadata.
// Records are kept in Zoho's wire shape; writes are validated field by field the way Zoho reports
// problems (per-row code, api_name, json_path) and maintain Created/Modified_Time.
import { randomBytes } from 'node:crypto';
import { allFields, fieldDef, moduleDef, type FieldDef, type ModuleDef } from './catalog';
import { rowError, type ZohoEnvelope } from './errors';
import { isZohoDate, isZohoDateTime, zohoDateTime } from './time';

export interface SimUser {
  id: string;
  name: string;
  email: string;
  first_name: string;
  last_name: string;
  zuid: string;
  role: 'CEO' | 'Manager' | 'Sales Rep';
  profile: 'Administrator' | 'Standard';
}

export interface StoredRecord {
  id: string;
  module: string;
  values: Record<string, unknown>;
  createdMs: number;
  modifiedMs: number;
  /** When the search index picked the latest version up (search lags writes, reference §8). */
  indexedMs: number;
  ownerId: string;
  createdById: string;
  modifiedById: string;
}

export interface DeletedRecord {
  id: string;
  module: string;
  display_name: string;
  type: 'recycle' | 'permanent';
  deletedMs: number;
  deletedById: string;
  createdById: string;
}

export interface StoredNote {
  id: string;
  parentModule: string;
  parentId: string;
  title: string | null;
  content: string;
  ownerId: string;
  createdMs: number;
  modifiedMs: number;
}

export interface StoredAttachment {
  id: string;
  parentModule: string;
  parentId: string;
  fileName: string;
  contentType: string;
  size: number;
  /** Path of the bytes on disk (never held in memory). */
  path: string;
  fileId: string;
  ownerId: string;
  createdMs: number;
  modifiedMs: number;
}

export type ChangeKind = 'create' | 'edit' | 'delete';
export interface RecordChange {
  module: string;
  kind: ChangeKind;
  id: string;
  changedFields: string[];
  values: Record<string, unknown>;
}

export type RowResult = { ok: true; record: StoredRecord; action?: 'insert' | 'update'; duplicateField?: string } | { ok: false; error: ZohoEnvelope };

export const ORG_ID = '5725767000000020005';
export const ORG_ZGID = '808232144';
const ID_PREFIX = '5725767';

export const USERS: readonly SimUser[] = [
  { id: '5725767000000411001', name: 'Patricia Boyle', email: 'patricia.boyle@zylker.example', first_name: 'Patricia', last_name: 'Boyle', zuid: '808232001', role: 'CEO', profile: 'Administrator' },
  { id: '5725767000000411002', name: 'Marcus Chen', email: 'marcus.chen@zylker.example', first_name: 'Marcus', last_name: 'Chen', zuid: '808232002', role: 'Manager', profile: 'Standard' },
  { id: '5725767000000411003', name: 'Aisha Patel', email: 'aisha.patel@zylker.example', first_name: 'Aisha', last_name: 'Patel', zuid: '808232003', role: 'Sales Rep', profile: 'Standard' },
];
export const ADMIN = USERS[0]!;

export function userRef(id: string): { name: string; id: string; email: string } {
  const u = USERS.find((x) => x.id === id) ?? ADMIN;
  return { name: u.name, id: u.id, email: u.email };
}

export class OrgStore {
  readonly records = new Map<string, Map<string, StoredRecord>>();
  readonly deleted: DeletedRecord[] = [];
  readonly notes = new Map<string, StoredNote>();
  readonly attachments = new Map<string, StoredAttachment>();
  private seq = 1_000_000;
  /** Search-index lag for new writes; 0 means searchable at once. */
  searchIndexDelayMs = 0;

  constructor(private readonly now: () => number) {}

  /**
   * Zoho's timestamps have one-second resolution (Modified_Time carries no milliseconds), so stored
   * instants are whole seconds: what a client sees is exactly what If-Modified-Since compares.
   */
  stamp(): number {
    return Math.floor(this.now() / 1000) * 1000;
  }

  nextId(): string {
    this.seq += 1;
    // 19-digit ids sharing the org prefix, like production (never safe as JS numbers).
    return `${ID_PREFIX}${String(this.seq).padStart(12, '0')}`;
  }

  moduleRecords(module: string): Map<string, StoredRecord> {
    let m = this.records.get(module);
    if (!m) {
      m = new Map();
      this.records.set(module, m);
    }
    return m;
  }

  find(module: string, id: string): StoredRecord | undefined {
    return this.records.get(module)?.get(id);
  }

  /** Wire shape of a record, optionally only some fields (id is always present). */
  render(rec: StoredRecord, fields?: readonly string[]): Record<string, unknown> {
    const full: Record<string, unknown> = {
      ...rec.values,
      Owner: userRef(rec.ownerId),
      Created_Time: zohoDateTime(rec.createdMs),
      Modified_Time: zohoDateTime(rec.modifiedMs),
      Created_By: { name: userRef(rec.createdById).name, id: rec.createdById },
      Modified_By: { name: userRef(rec.modifiedById).name, id: rec.modifiedById },
      Tag: [],
      id: rec.id,
    };
    if (rec.module === 'Leads' || rec.module === 'Contacts') {
      full.Full_Name = [rec.values.First_Name, rec.values.Last_Name].filter((v) => typeof v === 'string' && v).join(' ');
    }
    if (!fields) {
      const def = moduleDef(rec.module);
      if (def) for (const fd of allFields(def)) if (!(fd.api_name in full)) full[fd.api_name] = null;
      return full;
    }
    const out: Record<string, unknown> = { id: rec.id };
    for (const f of fields) if (f !== 'id') out[f] = f in full ? full[f] : null;
    return out;
  }

  displayName(rec: StoredRecord): string {
    const def = moduleDef(rec.module);
    const v = def ? rec.values[def.nameField] : undefined;
    return typeof v === 'string' ? v : rec.id;
  }

  /** Validates and inserts one row. `index` feeds json_path. */
  insert(def: ModuleDef, row: unknown, index: number, actorId: string): RowResult {
    const checked = this.validate(def, row, index, 'insert');
    if (!checked.ok) return checked;
    const dup = this.findDuplicate(def, checked.values, undefined, index);
    if (dup) return { ok: false, error: dup };
    const t = this.stamp();
    const ownerId = ownerFrom(checked.values) ?? actorId;
    delete checked.values.Owner;
    const rec: StoredRecord = {
      id: this.nextId(),
      module: def.api_name,
      values: checked.values,
      createdMs: t,
      modifiedMs: t,
      indexedMs: t + this.searchIndexDelayMs,
      ownerId,
      createdById: actorId,
      modifiedById: actorId,
    };
    this.moduleRecords(def.api_name).set(rec.id, rec);
    return { ok: true, record: rec, action: 'insert' };
  }

  /** Validates and applies one update; returns the fields that actually changed. */
  update(def: ModuleDef, id: string, row: unknown, index: number, actorId: string): RowResult & { changed?: string[] } {
    const rec = this.find(def.api_name, id);
    if (!rec) return { ok: false, error: rowError('INVALID_DATA', 'the id given seems to be invalid', { id, json_path: `$.data[${index}].id` }) };
    const checked = this.validate(def, row, index, 'update');
    if (!checked.ok) return checked;
    const dup = this.findDuplicate(def, checked.values, id, index);
    if (dup) return { ok: false, error: dup };
    const changed: string[] = [];
    const ownerId = ownerFrom(checked.values);
    delete checked.values.Owner;
    if (ownerId && ownerId !== rec.ownerId) {
      rec.ownerId = ownerId;
      changed.push('Owner');
    }
    for (const [k, v] of Object.entries(checked.values)) {
      if (JSON.stringify(rec.values[k] ?? null) !== JSON.stringify(v)) {
        rec.values[k] = v;
        changed.push(k);
      }
    }
    if (changed.length > 0) {
      const t = this.stamp();
      rec.modifiedMs = Math.max(t, rec.modifiedMs);
      rec.modifiedById = actorId;
      rec.indexedMs = t + this.searchIndexDelayMs;
    }
    return { ok: true, record: rec, action: 'update', changed };
  }

  delete(module: string, id: string, actorId: string): StoredRecord | undefined {
    const rec = this.find(module, id);
    if (!rec) return undefined;
    this.records.get(module)?.delete(id);
    this.deleted.push({
      id,
      module,
      display_name: this.displayName(rec),
      type: 'recycle',
      deletedMs: this.stamp(),
      deletedById: actorId,
      createdById: rec.createdById,
    });
    for (const [nid, n] of this.notes) if (n.parentId === id) this.notes.delete(nid);
    return rec;
  }

  private validate(def: ModuleDef, row: unknown, index: number, mode: 'insert' | 'update'): { ok: true; values: Record<string, unknown> } | { ok: false; error: ZohoEnvelope } {
    const base = `$.data[${index}]`;
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      return { ok: false, error: rowError('INVALID_DATA', 'invalid data', { expected_data_type: 'jsonobject', json_path: base }) };
    }
    const values: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(row as Record<string, unknown>)) {
      if (key === 'id' || key.startsWith('$')) continue;
      const fd = fieldDef(def, key);
      // Zoho ignores keys that are not fields of the module, and read-only system fields.
      if (!fd || fd.read_only) continue;
      const v = coerce(fd, raw, this);
      if (v === INVALID) {
        return {
          ok: false,
          error: rowError('INVALID_DATA', 'invalid data', { api_name: key, json_path: `${base}.${key}`, expected_data_type: expectedType(fd) }),
        };
      }
      if (typeof v === 'string' && fd.length !== undefined && v.length > fd.length) {
        return { ok: false, error: rowError('INVALID_DATA', 'invalid data', { api_name: key, json_path: `${base}.${key}`, maximum_length: fd.length }) };
      }
      values[key] = v;
    }
    if (mode === 'insert') {
      for (const fd of def.fields) {
        if (!fd.mandatory) continue;
        const v = values[fd.api_name];
        if (v === undefined || v === null || v === '') {
          return { ok: false, error: rowError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: fd.api_name, json_path: `${base}.${fd.api_name}` }) };
        }
      }
    } else {
      for (const fd of def.fields) {
        if (fd.mandatory && fd.api_name in values && (values[fd.api_name] === null || values[fd.api_name] === '')) {
          return { ok: false, error: rowError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: fd.api_name, json_path: `${base}.${fd.api_name}` }) };
        }
      }
    }
    return { ok: true, values };
  }

  private findDuplicate(def: ModuleDef, values: Record<string, unknown>, selfId: string | undefined, index: number): ZohoEnvelope | undefined {
    for (const fd of def.fields) {
      if (!fd.unique) continue;
      const v = values[fd.api_name];
      if (typeof v !== 'string' || v === '') continue;
      for (const other of this.moduleRecords(def.api_name).values()) {
        if (other.id === selfId) continue;
        const ov = other.values[fd.api_name];
        if (typeof ov === 'string' && ov.toLowerCase() === v.toLowerCase()) {
          return rowError('DUPLICATE_DATA', 'duplicate data', {
            api_name: fd.api_name,
            json_path: `$.data[${index}].${fd.api_name}`,
            duplicate_record: { id: other.id, module: { api_name: def.api_name, id: moduleId(def.api_name) }, Owner: userRef(other.ownerId) },
          });
        }
      }
    }
    return undefined;
  }

  /** Finds a record by the unique/duplicate-check fields (upsert). */
  findByFields(def: ModuleDef, values: Record<string, unknown>, fields: readonly string[]): { record: StoredRecord; field: string } | undefined {
    for (const field of fields) {
      const v = values[field];
      if (v === undefined || v === null || v === '') continue;
      for (const rec of this.moduleRecords(def.api_name).values()) {
        const rv = rec.values[field];
        if (typeof rv === 'string' && typeof v === 'string' ? rv.toLowerCase() === v.toLowerCase() : JSON.stringify(rv) === JSON.stringify(v)) {
          return { record: rec, field };
        }
      }
    }
    return undefined;
  }
}

/** Module ids are stable per module api name. */
export function moduleId(apiName: string): string {
  let h = 0;
  for (const c of apiName) h = (h * 31 + c.charCodeAt(0)) % 1_000_000;
  return `${ID_PREFIX}000000${String(h).padStart(6, '0')}`;
}

export function randomToken(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}

const INVALID = Symbol('invalid');

function expectedType(fd: FieldDef): string {
  switch (fd.data_type) {
    case 'integer':
      return 'integer';
    case 'bigint':
      return 'bigint';
    case 'double':
    case 'currency':
    case 'percent':
      return 'double';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'multiselectpicklist':
      return 'jsonarray';
    case 'lookup':
    case 'ownerlookup':
      return 'jsonobject';
    default:
      return 'text';
  }
}

function ownerFrom(values: Record<string, unknown>): string | undefined {
  const o = values.Owner as { id?: unknown } | undefined;
  return o && typeof o.id === 'string' ? o.id : undefined;
}

function coerce(fd: FieldDef, v: unknown, store: OrgStore): unknown {
  if (v === null) return null;
  switch (fd.data_type) {
    case 'text':
    case 'textarea':
    case 'phone':
    case 'website':
      return typeof v === 'string' ? v : INVALID;
    case 'email':
      return typeof v === 'string' && (v === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) ? v : INVALID;
    case 'picklist':
      return typeof v === 'string' && (fd.picklist ?? []).includes(v) ? v : INVALID;
    case 'multiselectpicklist':
      return Array.isArray(v) && v.every((x) => typeof x === 'string' && (fd.picklist ?? []).includes(x)) ? v : INVALID;
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^-?\d{1,9}$/.test(v) ? Number(v) : INVALID;
    case 'bigint':
      return typeof v === 'string' && /^-?\d{1,18}$/.test(v) ? v : typeof v === 'number' && Number.isInteger(v) ? String(v) : INVALID;
    case 'double':
    case 'currency':
    case 'percent':
      return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : INVALID;
    case 'boolean':
      return typeof v === 'boolean' ? v : INVALID;
    case 'date':
      return typeof v === 'string' && isZohoDate(v) ? v : INVALID;
    case 'datetime':
      return typeof v === 'string' && isZohoDateTime(v) ? v : INVALID;
    case 'ownerlookup': {
      const id = lookupId(v);
      return id !== undefined && USERS.some((u) => u.id === id) ? { id } : INVALID;
    }
    case 'lookup': {
      const id = lookupId(v);
      if (id === undefined || !fd.lookupModule) return INVALID;
      const target = store.find(fd.lookupModule, id);
      return target ? { name: store.displayName(target), id } : INVALID;
    }
  }
}

function lookupId(v: unknown): string | undefined {
  if (typeof v === 'string' && /^\d+$/.test(v)) return v;
  if (v && typeof v === 'object' && 'id' in v && typeof v.id === 'string') return v.id;
  return undefined;
}
