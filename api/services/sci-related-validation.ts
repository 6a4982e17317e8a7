// Validation of an SCI's related records (F42) against live Zoho metadata: each lookupField must be a
// lookup (or owner/user lookup) field of the module, and each display field must exist in the module it
// points at (for user lookups: a user attribute). Problems name the body path, as sci-validation.ts does.
// Pure validation plus one loader that reads only the looked-up modules' fields.
import type { ZohoClient, ZohoFieldMeta } from '../../clients/zoho';
import { RECORD_LOOKUP_TYPES, USER_LOOKUP_TYPES, USER_PREVIEW_FIELDS } from '../../contracts/related-records';
import type { SciDefinition } from '../../lib/sci/definition';
import type { Problem } from './api-errors';

/** Fields of each looked-up module; null when Zoho would not list them. */
export type RelatedTargets = Map<string, ZohoFieldMeta[] | null>;

const isRecordLookup = (f: ZohoFieldMeta) => (RECORD_LOOKUP_TYPES as readonly string[]).includes(f.data_type);
const isUserLookup = (f: ZohoFieldMeta) => (USER_LOOKUP_TYPES as readonly string[]).includes(f.data_type);
const labelOf = (f: ZohoFieldMeta) => f.display_label ?? f.field_label ?? f.api_name;

function targetModule(f: ZohoFieldMeta): string | undefined {
  return isRecordLookup(f) ? f.lookup?.module?.api_name : undefined;
}

/** Every problem with the related-record settings; `zohoFields` null means the module was already reported. */
export function validateRelatedRecords(def: SciDefinition, zohoFields: ZohoFieldMeta[] | null, targets: RelatedTargets): Problem[] {
  const problems: Problem[] = [];
  if (!zohoFields) return problems;
  const add = (path: string, message: string) => problems.push({ path, message });
  const fields = new Map(zohoFields.map((f) => [f.api_name, f]));
  const seen = new Set<string>();
  def.options.relatedRecords.forEach((setting, i) => {
    const base = `options.relatedRecords.${i}`;
    if (seen.has(setting.lookupField)) add(`${base}.lookupField`, `${setting.lookupField} is listed twice as a related record.`);
    seen.add(setting.lookupField);
    const field = fields.get(setting.lookupField);
    if (!field) {
      add(`${base}.lookupField`, `The Zoho CRM module ${def.zohoModule} has no field "${setting.lookupField}".`);
      return;
    }
    if (!isRecordLookup(field) && !isUserLookup(field)) {
      add(
        `${base}.lookupField`,
        `${labelOf(field)} is a ${field.data_type} field, not a lookup: a related record needs a lookup field of ${def.zohoModule} (one that points at another record or a user). Choose another field.`,
      );
      return;
    }
    const seenFields = new Set<string>();
    const userKeys = new Set<string>(USER_PREVIEW_FIELDS.map((u) => u.apiName));
    const module = targetModule(field);
    const targetFields = module ? targets.get(module) : undefined;
    if (module && targetFields === null) {
      add(`${base}.lookupField`, `Zoho CRM did not list the fields of ${module}, which ${labelOf(field)} points at; check that the connection may read that module.`);
      return;
    }
    const known = new Set((targetFields ?? []).map((f) => f.api_name));
    setting.displayFields.forEach((name, j) => {
      const path = `${base}.displayFields.${j}`;
      if (seenFields.has(name)) add(path, `"${name}" is listed twice.`);
      seenFields.add(name);
      if (isUserLookup(field)) {
        if (!userKeys.has(name)) add(path, `${labelOf(field)} is a user; its card can show ${USER_PREVIEW_FIELDS.map((u) => u.label).join(', ')}, not "${name}".`);
      } else if (!known.has(name)) {
        add(path, `The Zoho CRM module ${module ?? '(unknown)'} has no field "${name}".`);
      }
    });
  });
  return problems;
}

/** Loads the fields of each module the settings' lookups point at (nothing when there are no settings). */
export async function loadRelatedTargets(def: SciDefinition, zohoFields: ZohoFieldMeta[] | null, zoho: ZohoClient): Promise<RelatedTargets> {
  const targets: RelatedTargets = new Map();
  if (!zohoFields || def.options.relatedRecords.length === 0) return targets;
  const fields = new Map(zohoFields.map((f) => [f.api_name, f]));
  const modules = new Set<string>();
  for (const s of def.options.relatedRecords) {
    const f = fields.get(s.lookupField);
    const m = f ? targetModule(f) : undefined;
    if (m) modules.add(m);
  }
  await Promise.all(
    [...modules].map(async (m) => {
      targets.set(m, await zoho.metadata.fields(m).catch(() => null));
    }),
  );
  return targets;
}
