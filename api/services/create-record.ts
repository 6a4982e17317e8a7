// "Create a Zoho CRM record" from the issue panel (F44): the form (the SCI's mapped fields, prefilled from
// the issue by the sync's own Jira → Zoho conversion, and the module's required fields), and the create,
// linked at once through the manual-link path (panel.ts storeManualLink), so the link is a manual link.
//
// One record per issue and SCI, even across double clicks, retries and a link that failed to store: a
// WriteIntent (kind ZOHO_RECORD, source = the Jira issue id, marker = the dialog's request key and the
// record's name) is written before the Zoho insert, holds the created id the moment Zoho answers, and
// holds `link:<id>` as its target once linked. A later request resolves it before creating anything.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { JiraError } from '../../clients/jira';
import { criteria, pollingModule, ZohoDuplicateError, ZohoError, type ZohoFieldMeta } from '../../clients/zoho';
import type { CreateField, CreateRecordBody, CreateRecordForm, CreateValue } from '../../contracts/create-record';
import type { CardWithSync, IssueRef } from '../../contracts/panel';
import { isUniqueViolation } from '../../lib/db/errors';
import { definitionOf } from '../../lib/sci/definition';
import { jiraFieldType, jiraToZoho, zohoFieldType, zohoKind } from '../../lib/sync/field-types';
import type { SmartConnectedItem, WriteIntent } from '../../prisma/generated/client';
import type { AppDeps } from '../deps';
import { ApiError, conflict } from './api-errors';
import { zohoFieldToDto } from './metadata';
import { card, coveringSci, issueRef, requireOk, storeManualLink } from './panel';
import type { JiraPermissions } from './permissions';
import { zohoAccess, type ZohoAccess } from './zoho-access';

type Deps = Pick<AppDeps, 'prisma' | 'cipher' | 'clients' | 'zohoEndpoints' | 'workflows'>;
type OkAccess = Extract<ZohoAccess, { state: 'ok' }>;

/** An intent younger than this without a created id may still be in flight (Zoho's 30 s timeout, retries). */
export const IN_FLIGHT_MS = 120_000;
/** How long a repeated request (same key) waits for the first one to finish. */
const REPEAT_WAIT_MS = 20_000;
const REPEAT_POLL_MS = 200;

const LINKED_PREFIX = 'link:';
const markerSchema = z.object({ requestKey: z.string(), name: z.string().nullable() });

function nameFieldOf(module: string): string {
  return pollingModule(module)?.nameField ?? 'Name';
}

/** Refusals that hold whatever the values: the item's mode, the user's Jira permission, an existing link. */
async function assertMayCreate(permissions: JiraPermissions, tenantId: string, accountId: string | undefined, issue: IssueRef, sci: SmartConnectedItem): Promise<void> {
  if (sci.syncMode === 'DISPLAY') {
    throw conflict(`"${sci.name}" is a Display item: it only shows records linked by hand. Records can be created from 1 Way and 2 Way Smart Connected Items.`);
  }
  if (!accountId || !(await permissions.canEditIssue(tenantId, accountId, issue.id))) {
    throw new ApiError(
      403,
      `You do not have permission to edit ${issue.key}, so you cannot create a Zoho CRM record for it. Ask a Jira admin for the "Edit Issues" permission in this project.`,
      'ISSUE_NOT_EDITABLE',
    );
  }
}

async function linkOf(deps: Deps, tenantId: string, sci: SmartConnectedItem, issue: IssueRef) {
  return deps.prisma.recordLink.findFirst({ where: { tenantId, sciId: sci.id, jiraIssueId: issue.id } });
}

const alreadyLinked = (issue: IssueRef, sci: SmartConnectedItem) =>
  conflict(`${issue.key} is already linked to a Zoho CRM record through "${sci.name}": unlink it first to create a new one.`);

/** Fields the form offers: each mapped field Zoho lets us write, then every required field no mapping fills. */
function formFieldsOf(sci: SmartConnectedItem, zohoFields: ZohoFieldMeta[]): { meta: ZohoFieldMeta; jiraField: string | null }[] {
  const writable = (f: ZohoFieldMeta) => !f.read_only && !f.field_read_only;
  const byName = new Map(zohoFields.map((f) => [f.api_name, f]));
  const out: { meta: ZohoFieldMeta; jiraField: string | null }[] = [];
  const seen = new Set<string>();
  for (const m of definitionOf(sci).fieldMappings) {
    const meta = byName.get(m.zohoField);
    if (!meta || !writable(meta) || seen.has(meta.api_name)) continue;
    seen.add(meta.api_name);
    out.push({ meta, jiraField: m.jiraField });
  }
  for (const meta of zohoFields) {
    if (meta.system_mandatory && writable(meta) && !seen.has(meta.api_name)) {
      seen.add(meta.api_name);
      out.push({ meta, jiraField: null });
    }
  }
  return out;
}

function asCreateValue(v: unknown): CreateValue | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  return undefined;
}

function labelOf(meta: ZohoFieldMeta): string {
  return zohoFieldToDto(meta).label;
}

/** The dialog's form: the module's fields to fill, prefilled from the issue through the SCI's mappings. */
export async function createRecordForm(deps: Deps, permissions: JiraPermissions, tenantId: string, accountId: string | undefined, issueIdOrKey: string, sciId: string): Promise<CreateRecordForm> {
  const issue = await issueRef(deps, tenantId, issueIdOrKey);
  const sci = await coveringSci(deps, tenantId, issue, sciId);
  await assertMayCreate(permissions, tenantId, accountId, issue, sci);
  if (await linkOf(deps, tenantId, sci, issue)) throw alreadyLinked(issue, sci);
  const access = requireOk(await zohoAccess(deps, tenantId, accountId));
  const [zohoFields, modules] = await Promise.all([access.client.metadata.fields(sci.zohoModule), access.client.metadata.modules()]);
  const fields = formFieldsOf(sci, zohoFields);
  const jiraIds = [...new Set(fields.flatMap((f) => (f.jiraField ? [f.jiraField] : [])))];
  const jira = await deps.clients.jira(tenantId);
  const [jiraFields, jiraIssue] = await Promise.all([
    jiraIds.length ? jira.metadata.listFields() : Promise.resolve([]),
    jiraIds.length ? jira.issues.get(issue.id, { fields: jiraIds }) : Promise.resolve(undefined),
  ]);
  const jiraById = new Map(jiraFields.map((f) => [f.id, f]));
  const values = jiraIssue?.fields ?? {};
  const module = modules.find((m) => m.api_name === sci.zohoModule);
  return {
    sciId: sci.id,
    sciName: sci.name,
    zohoModule: sci.zohoModule,
    moduleLabel: module?.singular_label ?? module?.plural_label ?? sci.zohoModule,
    fields: fields.map(({ meta, jiraField }): CreateField => {
      const dto = zohoFieldToDto(meta);
      let value: CreateValue = null;
      let note: string | null = null;
      const jf = jiraField ? jiraById.get(jiraField) : undefined;
      if (jiraField && !jf) note = `The mapped Jira field ${jiraField} no longer exists.`;
      else if (jiraField && jf) {
        const converted = jiraToZoho(values[jiraField], jiraFieldType(jf), zohoFieldType(meta));
        const v = converted.ok ? asCreateValue(converted.value) : undefined;
        if (!converted.ok) note = `${jf.name} could not be copied: ${converted.reason}.`;
        else if (v === undefined) note = `${jf.name} could not be copied.`;
        else value = v;
      }
      return {
        apiName: dto.apiName,
        label: dto.label,
        dataType: dto.dataType,
        required: dto.mandatory,
        jiraField: jf?.name ?? jiraField,
        value,
        pickListValues: dto.pickListValues,
        note,
      };
    }),
  };
}

const isEmpty = (v: CreateValue | undefined) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

/** The record to insert, from the posted values; refuses unknown fields, empty required ones and non-numbers. */
function recordFrom(sci: SmartConnectedItem, zohoFields: ZohoFieldMeta[], values: CreateRecordBody['values']): Record<string, unknown> {
  const fields = formFieldsOf(sci, zohoFields);
  const byName = new Map(fields.map((f) => [f.meta.api_name, f.meta]));
  const problems: { path: string; message: string }[] = [];
  for (const key of Object.keys(values)) {
    if (!byName.has(key)) problems.push({ path: `values.${key}`, message: `${key} is not a field this form can fill.` });
  }
  const missing = fields.filter((f) => f.meta.system_mandatory && isEmpty(values[f.meta.api_name])).map((f) => f.meta);
  for (const meta of missing) problems.push({ path: `values.${meta.api_name}`, message: `${labelOf(meta)} is required.` });
  const record: Record<string, unknown> = {};
  for (const { meta } of fields) {
    const v = values[meta.api_name];
    if (isEmpty(v)) continue;
    if (zohoKind(zohoFieldType(meta)) === 'number' && typeof v === 'string') {
      const n = Number(v.trim());
      if (!Number.isFinite(n)) problems.push({ path: `values.${meta.api_name}`, message: `${labelOf(meta)} must be a number.` });
      else record[meta.api_name] = n;
    } else record[meta.api_name] = typeof v === 'string' ? v.trim() : v;
  }
  if (problems.length > 0) {
    const message =
      missing.length > 0
        ? `Fill in the required ${missing.length === 1 ? 'field' : 'fields'} before creating the record: ${missing.map(labelOf).join(', ')}.`
        : problems.map((p) => p.message).join(' ');
    throw new ApiError(422, message, 'VALIDATION_FAILED', problems);
  }
  return record;
}

/** Zoho's refusal of the row, in the user's words, naming the field by its label. */
function refusal(err: ZohoError, zohoFields: ZohoFieldMeta[], module: string): ApiError {
  const meta = zohoFields.find((f) => f.api_name === err.field);
  const label = meta ? labelOf(meta) : err.field;
  const path = err.field ? `values.${err.field}` : 'values';
  let message: string;
  if (err.code === 'MANDATORY_NOT_FOUND') message = `Zoho CRM needs a value for ${label ?? 'a required field'}.`;
  else if (err instanceof ZohoDuplicateError || err.code === 'DUPLICATE_DATA') {
    const id = err instanceof ZohoDuplicateError ? err.duplicateRecordId : undefined;
    message = `A Zoho CRM record in ${module} already has this ${label ?? 'value'}${id ? ` (record ${id})` : ''}. Link that record instead, or change ${label ?? 'the value'}.`;
  } else if (err.code === 'INVALID_DATA' && label) {
    const max = err.details.maximum_length;
    const expected = err.details.expected_data_type;
    message =
      typeof max === 'number'
        ? `${label} is too long for Zoho CRM: at most ${max} characters.`
        : `Zoho CRM did not accept the value of ${label}${typeof expected === 'string' ? `: it expects ${expected}` : ''}.`;
  } else message = `Zoho CRM did not create the record: ${err.message}.`;
  return new ApiError(422, message, 'VALIDATION_FAILED', [{ path, message }]);
}

function markerOf(row: WriteIntent) {
  try {
    return markerSchema.parse(JSON.parse(row.marker));
  } catch {
    return { requestKey: '', name: null };
  }
}

type Claim = { kind: 'create'; row: WriteIntent } | { kind: 'adopt'; row: WriteIntent; recordId: string } | { kind: 'done'; linkId: string };

/**
 * Decides what this request does: create (it holds a fresh intent), adopt a record an earlier request made
 * but could not link, or answer the link an identical earlier request made.
 */
async function claim(deps: Deps, access: OkAccess, tenantId: string, sci: SmartConnectedItem, issue: IssueRef, requestKey: string, name: string | null): Promise<Claim> {
  const where = { sciId_kind_sourceId: { sciId: sci.id, kind: 'ZOHO_RECORD' as const, sourceId: issue.id } };
  const waitUntil = Date.now() + REPEAT_WAIT_MS;
  for (;;) {
    const link = await linkOf(deps, tenantId, sci, issue);
    const row = await deps.prisma.writeIntent.findUnique({ where });
    if (link) {
      // The same request again (a double click that arrived after the first finished): its link is the answer.
      if (row && row.createdId === link.zohoRecordId && markerOf(row).requestKey === requestKey) return { kind: 'done', linkId: link.id };
      throw alreadyLinked(issue, sci);
    }
    if (!row) {
      try {
        const fresh = await deps.prisma.writeIntent.create({
          data: { tenantId, sciId: sci.id, kind: 'ZOHO_RECORD', sourceId: issue.id, targetId: sci.zohoModule, marker: JSON.stringify({ requestKey, name }) },
        });
        return { kind: 'create', row: fresh };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        continue; // another request recorded it a moment ago
      }
    }
    if (row.createdId) {
      // Linked once, and that link is gone (unlinked since): this is a new create.
      if (row.targetId.startsWith(LINKED_PREFIX)) {
        await deps.prisma.writeIntent.deleteMany({ where: { id: row.id, updatedAt: row.updatedAt } });
        continue;
      }
      return { kind: 'adopt', row, recordId: row.createdId };
    }
    const age = Date.now() - row.updatedAt.getTime();
    if (age < IN_FLIGHT_MS) {
      if (markerOf(row).requestKey !== requestKey) {
        throw conflict(`A Zoho CRM record is being created for ${issue.key} right now. Reload the panel in a moment to see it.`);
      }
      if (Date.now() > waitUntil) throw conflict(`Zoho CRM is still creating the record for ${issue.key}. Reload the panel in a moment to see it.`);
      await sleep(REPEAT_POLL_MS);
      continue;
    }
    // An earlier attempt got as far as the insert and never heard back: look for what it may have made.
    const found = await findEarlier(access, sci, row);
    const taken = await deps.prisma.writeIntent.updateMany({
      where: { id: row.id, updatedAt: row.updatedAt, createdId: null },
      data: found ? { createdId: found } : { marker: JSON.stringify({ requestKey, name }), attempts: { increment: 1 } },
    });
    if (taken.count === 0) continue;
    const now = await deps.prisma.writeIntent.findUniqueOrThrow({ where });
    return found ? { kind: 'adopt', row: now, recordId: found } : { kind: 'create', row: now };
  }
}

/** A record of the earlier attempt: the name it was given, created no earlier than its intent (2 s slack). */
async function findEarlier(access: OkAccess, sci: SmartConnectedItem, row: WriteIntent): Promise<string | undefined> {
  const { name } = markerOf(row);
  if (!name) return undefined;
  const nameField = nameFieldOf(sci.zohoModule);
  const page = await access.client.records.search(sci.zohoModule, { criteria: criteria.condition(nameField, 'equals', name) }, { fields: [nameField, 'Created_Time'], perPage: 50 });
  const since = row.createdAt.getTime() - 2_000;
  return page.records.find((r) => typeof r.Created_Time === 'string' && Date.parse(r.Created_Time) >= since)?.id;
}

/**
 * Zoho's answer proved nothing was made (a 4xx other than a timeout or conflict, which both vendors answer
 * before doing the work): the intent can go.
 */
function refusedOutright(err: unknown): boolean {
  if (!(err instanceof ZohoError) && !(err instanceof JiraError)) return false;
  const status = err.status ?? 0;
  return status >= 400 && status < 500 && ![408, 409].includes(status);
}

/** The cause is logged by the routes' error handler, never sent. */
function withCause(error: ApiError, cause: unknown): ApiError {
  error.cause = cause;
  return error;
}

/** Creates the record in Zoho with the user's values and links it to the issue at once. */
export async function createRecord(
  deps: Deps,
  permissions: JiraPermissions,
  tenantId: string,
  accountId: string | undefined,
  issueIdOrKey: string,
  sciId: string,
  body: CreateRecordBody,
): Promise<{ card: CardWithSync; created: boolean }> {
  const issue = await issueRef(deps, tenantId, issueIdOrKey);
  const sci = await coveringSci(deps, tenantId, issue, sciId);
  await assertMayCreate(permissions, tenantId, accountId, issue, sci);
  const access = requireOk(await zohoAccess(deps, tenantId, accountId));
  const zohoFields = await access.client.metadata.fields(sci.zohoModule);
  const record = recordFrom(sci, zohoFields, body.values);
  const nameValue = record[nameFieldOf(sci.zohoModule)];
  const decided = await claim(deps, access, tenantId, sci, issue, body.requestKey, typeof nameValue === 'string' ? nameValue : null);

  if (decided.kind === 'done') {
    const link = await deps.prisma.recordLink.findUniqueOrThrow({ where: { id: decided.linkId } });
    return { card: { ...(await card(deps, tenantId, access, link, sci)), syncQueued: false }, created: false };
  }
  const intentWhere = { id: decided.row.id };
  let recordId: string;
  if (decided.kind === 'adopt') recordId = decided.recordId;
  else {
    let outcome;
    try {
      [outcome] = await access.client.records.insert(sci.zohoModule, [record]);
    } catch (err) {
      if (refusedOutright(err)) {
        await deps.prisma.writeIntent.deleteMany({ where: { ...intentWhere, createdId: null } });
        throw err;
      }
      throw withCause(
        new ApiError(
          503,
          'Zoho CRM did not confirm whether the record was created. Try again in a few minutes: the connector looks for it first, so no second record is made.',
          'VENDOR_UNAVAILABLE',
        ),
        err,
      );
    }
    if (!outcome?.ok) {
      await deps.prisma.writeIntent.deleteMany({ where: { ...intentWhere, createdId: null } });
      if (!outcome) throw new ApiError(502, 'Zoho CRM answered without a result for the new record.', 'VENDOR_UNAVAILABLE');
      throw refusal(outcome.error, zohoFields, sci.zohoModule);
    }
    recordId = outcome.id;
    await deps.prisma.writeIntent.update({ where: intentWhere, data: { createdId: recordId } });
  }

  let answer: CardWithSync;
  try {
    answer = await storeManualLink(deps, tenantId, issue, sci, access, recordId);
  } catch (err) {
    if (err instanceof ApiError && err.statusCode === 409) {
      // A double submit's twin, holding the same intent, stored this very link a moment ago: that is the answer.
      const existing = await deps.prisma.recordLink.findFirst({ where: { tenantId, sciId: sci.id, jiraIssueId: issue.id, zohoRecordId: recordId } });
      if (existing) return { card: { ...(await card(deps, tenantId, access, existing, sci)), syncQueued: false }, created: false };
      throw err;
    }
    throw withCause(
      new ApiError(
        503,
        `The Zoho CRM record was created (record ${recordId}) but could not be linked to ${issue.key} just now. Try again: the same record will be linked, no second one is created.`,
        'VENDOR_UNAVAILABLE',
      ),
      err,
    );
  }
  await deps.prisma.writeIntent.update({ where: intentWhere, data: { targetId: `${LINKED_PREFIX}${answer.id}` } });
  return { card: answer, created: true };
}
