// Related records on a linked card (F42): what the SCI's lookup fields of the primary record point at
// (a Deal's Account, Contact and Owner), each read from Zoho with its own preview fields. Reads go through
// the request's Zoho client (zoho-access.ts), so they spend the tenant's credit budget like every panel
// read: one call per related record, field metadata cached.
import {
  isZohoError,
  pollingModule,
  ZohoNotFoundError,
  ZohoReauthRequiredError,
  type ZohoClient,
  type ZohoFieldMeta,
  type ZohoRecord,
} from '../../clients/zoho';
import { PromiseCache } from '../../lib/cache';
import { definitionOf } from '../../lib/sci/definition';
import type { SmartConnectedItem } from '../../prisma/generated/client';
import {
  USER_LOOKUP_TYPES,
  USER_PREVIEW_FIELDS,
  type RelatedCard,
  type RelatedRecordSetting,
} from '../../contracts/related-records';
import { displayValue } from './display-value';
import type { ZohoAccess } from './zoho-access';

type OkAccess = Extract<ZohoAccess, { state: 'ok' }>;

/** What the panel lends: labels and "Open in Zoho" URLs, cached where it caches them. */
export interface RelatedContext {
  tenantId: string;
  access: ZohoAccess;
  labels(module: string): Promise<Map<string, string>>;
  openUrl(module: string, recordId: string): Promise<string>;
}

const fieldMeta = new PromiseCache({ ttlMs: 5 * 60_000 });

export function relatedSettings(sci: SmartConnectedItem): RelatedRecordSetting[] {
  return definitionOf(sci).options.relatedRecords;
}

/** The primary record's fields the related cards need read with it. */
export function lookupFieldNames(sci: SmartConnectedItem): string[] {
  return relatedSettings(sci).map((r) => r.lookupField);
}

async function fieldsOf(tenantId: string, access: OkAccess, module: string): Promise<Map<string, ZohoFieldMeta>> {
  return fieldMeta.get(`${tenantId}:${access.mode}:${module}`, async () => {
    const fields = await access.client.metadata.fields(module);
    return new Map(fields.map((f) => [f.api_name, f]));
  });
}

function isUserLookup(field: ZohoFieldMeta): boolean {
  return (USER_LOOKUP_TYPES as readonly string[]).includes(field.data_type);
}

function lookupRef(value: unknown): { id: string; name: string | null } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o.id !== 'string' || o.id === '') return undefined;
  return { id: o.id, name: typeof o.name === 'string' ? o.name : null };
}

function emptyCard(setting: RelatedRecordSetting, label: string, module: string, message: string | null): RelatedCard {
  const labels = module === 'users' ? new Map<string, string>(USER_PREVIEW_FIELDS.map((f) => [f.apiName, f.label])) : new Map<string, string>();
  return {
    lookupField: setting.lookupField,
    label,
    module,
    recordId: null,
    recordName: null,
    recordFound: null,
    previewFields: setting.displayFields.map((apiName) => ({ apiName, label: labels.get(apiName) ?? apiName, value: null })),
    openUrl: null,
    message,
  };
}

/** A refusal of one related read becomes a message on its card; the primary card still shows. */
function readRefusal(err: unknown, module: string): string | undefined {
  if (err instanceof ZohoReauthRequiredError) return undefined;
  if (isZohoError(err) && (err.status === 403 || err.code === 'NO_PERMISSION')) {
    return `Your Zoho CRM account may not see ${module === 'users' ? 'users' : module}.`;
  }
  return undefined;
}

async function readTarget(client: ZohoClient, module: string, id: string, fields: string[]): Promise<ZohoRecord | undefined> {
  try {
    return await client.records.get(module, id, { fields });
  } catch (err) {
    if (err instanceof ZohoNotFoundError) return undefined;
    if (isZohoError(err) && err.code === 'INVALID_DATA') return undefined;
    throw err;
  }
}

async function relatedCard(ctx: RelatedContext & { access: OkAccess }, sci: SmartConnectedItem, setting: RelatedRecordSetting, primary: ZohoRecord | undefined): Promise<RelatedCard> {
  const fields = await fieldsOf(ctx.tenantId, ctx.access, sci.zohoModule);
  const field = fields.get(setting.lookupField);
  const label = field ? (field.display_label ?? field.field_label ?? field.api_name) : setting.lookupField;
  if (!field || (field.data_type !== 'lookup' && !isUserLookup(field))) {
    return emptyCard(setting, label, '', `${setting.lookupField} is no longer a lookup field of ${sci.zohoModule}; an administrator can change this item's related records.`);
  }
  const module = isUserLookup(field) ? 'users' : (field.lookup?.module?.api_name ?? '');
  const ref = primary ? lookupRef(primary[setting.lookupField]) : undefined;
  if (!primary) return emptyCard(setting, label, module, null);
  if (!ref) return emptyCard(setting, label, module, `No ${label} is set on this record.`);
  try {
    if (module === 'users') {
      const user = await ctx.access.client.metadata.user(ref.id);
      const byKey = new Map<string, string>(USER_PREVIEW_FIELDS.map((f) => [f.apiName, f.label]));
      const u = user as Record<string, unknown> | undefined;
      return {
        lookupField: setting.lookupField,
        label,
        module,
        recordId: ref.id,
        recordName: (u ? displayValue(u.full_name) : null) ?? ref.name,
        recordFound: user !== undefined,
        previewFields: setting.displayFields.map((apiName) => ({ apiName, label: byKey.get(apiName) ?? apiName, value: u ? displayValue(u[apiName]) : null })),
        openUrl: null,
        message: null,
      };
    }
    const nameField = pollingModule(module)?.nameField ?? 'Name';
    const [record, labels, url] = await Promise.all([
      readTarget(ctx.access.client, module, ref.id, [...new Set([...setting.displayFields, nameField])]),
      ctx.labels(module),
      ctx.openUrl(module, ref.id),
    ]);
    return {
      lookupField: setting.lookupField,
      label,
      module,
      recordId: ref.id,
      recordName: (record ? displayValue(record[nameField]) : null) ?? ref.name,
      recordFound: record !== undefined,
      previewFields: setting.displayFields.map((apiName) => ({ apiName, label: labels.get(apiName) ?? apiName, value: record ? displayValue(record[apiName]) : null })),
      openUrl: url,
      message: record ? null : 'The record was deleted in Zoho CRM or this account cannot see it.',
    };
  } catch (err) {
    const message = readRefusal(err, module);
    if (message === undefined) throw err;
    return { ...emptyCard(setting, label, module, message), recordId: ref.id, recordName: ref.name };
  }
}

/** Every related record of a linked card, or empty cards when Zoho cannot be read for this user. */
export async function relatedCards(ctx: RelatedContext, sci: SmartConnectedItem, primary: ZohoRecord | undefined): Promise<RelatedCard[]> {
  const settings = relatedSettings(sci);
  const access = ctx.access;
  if (access.state !== 'ok') return settings.map((s) => emptyCard(s, s.lookupField, '', null));
  return Promise.all(settings.map((s) => relatedCard({ ...ctx, access }, sci, s, primary)));
}

/** One related record of a linked card, read again now (its own Refresh). Undefined when the SCI has no such setting. */
export async function relatedCardOf(ctx: RelatedContext, sci: SmartConnectedItem, lookupField: string, primary: ZohoRecord | undefined): Promise<RelatedCard | undefined> {
  const setting = relatedSettings(sci).find((s) => s.lookupField === lookupField);
  if (!setting) return undefined;
  const access = ctx.access;
  if (access.state !== 'ok') return emptyCard(setting, setting.lookupField, '', null);
  return relatedCard({ ...ctx, access }, sci, setting, primary);
}
