// The conflict inbox (F48): held conflicts listed for the admin page (the tenant's) and the issue panel (the
// issue's), and their resolution. Resolving reads the kept side's value as it is now (it may have moved
// since the conflict was held), writes it to the other side through the vendor clients with the sync's own
// conversion (value map, then field types), stores it as the field's baseline and marks the conflict
// resolved. The next sync then sees both sides agree and writes nothing.
import type { ConflictDto, ResolveConflictBody, ResolvedConflict } from '../../contracts/conflicts';
import { definitionOf, type FieldMapping } from '../../lib/sci/definition';
import { jiraFieldType, jiraToZoho, zohoFieldType, zohoToJira } from '../../lib/sync/field-types';
import { mapJiraToZoho, mapZohoToJira } from '../../lib/sync/value-map';
import type { Prisma } from '../../prisma/generated/client';
import type { AppDeps } from '../deps';
import { ApiError, conflict, notFound } from './api-errors';
import { requireZoho } from './zoho-access';

type Deps = Pick<AppDeps, 'prisma' | 'cipher' | 'clients' | 'zohoEndpoints'>;

const withContext = { link: { select: { jiraIssueKey: true, jiraIssueId: true, zohoModule: true, zohoRecordId: true } } } as const;

/** A value as a person reads it: text and numbers as they are, users and options by their name. */
export function displayValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '(empty)';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(displayValue).join(', ');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of ['displayName', 'name', 'value', 'full_name', 'id', 'accountId']) if (typeof o[k] === 'string') return o[k];
  }
  return JSON.stringify(v);
}

/** Held conflicts of the tenant, newest first; only those of one Jira issue when `jiraIssueId` is given. */
export async function listConflicts(deps: Pick<Deps, 'prisma'>, tenantId: string, jiraIssueId?: string): Promise<ConflictDto[]> {
  const rows = await deps.prisma.syncConflict.findMany({
    where: { tenantId, status: 'HELD', ...(jiraIssueId ? { link: { jiraIssueId } } : {}) },
    include: withContext,
    orderBy: { updatedAt: 'desc' },
    take: 500,
  });
  const sciIds = [...new Set(rows.map((r) => r.sciId))];
  const scis = await deps.prisma.smartConnectedItem.findMany({ where: { tenantId, id: { in: sciIds } }, select: { id: true, name: true } });
  const names = new Map(scis.map((s) => [s.id, s.name]));
  return rows.map((r) => ({
    id: r.id,
    sciId: r.sciId,
    sciName: names.get(r.sciId) ?? '',
    linkId: r.linkId,
    issueKey: r.link.jiraIssueKey,
    zohoModule: r.link.zohoModule,
    zohoRecordId: r.link.zohoRecordId,
    zohoField: r.zohoField,
    jiraField: r.jiraField,
    fieldLabel: `${r.zohoField} ↔ ${r.jiraField}`,
    zoho: { value: r.zohoValue, display: displayValue(r.zohoValue), changedBy: r.zohoChangedBy, changedAt: r.zohoChangedAt?.toISOString() ?? null },
    jira: { value: r.jiraValue, display: displayValue(r.jiraValue), changedBy: r.jiraChangedBy, changedAt: r.jiraChangedAt?.toISOString() ?? null },
    heldAt: r.updatedAt.toISOString(),
  }));
}

/**
 * Resolves a held conflict by keeping one side's value. `jiraIssueId` limits it to one issue's conflicts
 * (the panel); the admin page passes none.
 */
export async function resolveConflict(
  deps: Deps,
  tenantId: string,
  accountId: string | undefined,
  conflictId: string,
  body: ResolveConflictBody,
  jiraIssueId?: string,
): Promise<ResolvedConflict> {
  const row = await deps.prisma.syncConflict.findFirst({
    where: { id: conflictId, tenantId, ...(jiraIssueId ? { link: { jiraIssueId } } : {}) },
    include: withContext,
  });
  if (!row) throw notFound('Conflict');
  if (row.status !== 'HELD') throw conflict('This conflict was already resolved.');
  const sci = await deps.prisma.smartConnectedItem.findFirst({ where: { id: row.sciId, tenantId } });
  if (!sci) throw notFound('Smart Connected Item');
  const m = definitionOf(sci).fieldMappings.find((x) => x.zohoField === row.zohoField && x.jiraField === row.jiraField);
  if (!m) throw conflict(`"${sci.name}" no longer maps ${row.zohoField} to ${row.jiraField}, so this conflict cannot be resolved through it.`);

  const access = await requireZoho(deps, tenantId, accountId);
  const zoho = access.client;
  const jira = await deps.clients.jira(tenantId);
  const [zMetas, jMetas] = await Promise.all([zoho.metadata.fields(row.link.zohoModule), jira.metadata.listFields()]);
  const zMeta = zMetas.find((f) => f.api_name === row.zohoField);
  const jMeta = jMetas.find((f) => f.id === row.jiraField);
  if (!zMeta || !jMeta) throw conflict(`The field ${zMeta ? row.jiraField : row.zohoField} no longer exists, so this conflict cannot be resolved.`);
  const zf = zohoFieldType(zMeta);
  const jf = jiraFieldType(jMeta);

  let baseline: { zoho: unknown; jira: unknown };
  if (body.keep === 'zoho') {
    const record = await zoho.records.get(row.link.zohoModule, row.link.zohoRecordId, { fields: [row.zohoField] });
    if (!record) throw notFound('Zoho CRM record');
    const value = record[row.zohoField] ?? null;
    const target = convert(m, 'jira', () => zohoToJira(mapped(m, 'jira', value), zf, jf));
    await jira.issues.edit(row.link.jiraIssueId, { fields: { [row.jiraField]: target } }, { notifyUsers: false });
    baseline = { zoho: value, jira: target };
  } else {
    const issue = await jira.issues.get(row.link.jiraIssueId, { fields: [row.jiraField] });
    const value = (issue.fields as Record<string, unknown> | undefined)?.[row.jiraField] ?? null;
    const target = convert(m, 'zoho', () => jiraToZoho(mapped(m, 'zoho', value), jf, zf));
    const [outcome] = await zoho.records.update(row.link.zohoModule, [{ id: row.link.zohoRecordId, [row.zohoField]: target }]);
    if (!outcome?.ok) {
      throw new ApiError(422, `Zoho CRM did not accept the Jira value for ${row.zohoField}: ${outcome ? outcome.error.message : 'no answer'}`, 'VALIDATION_FAILED');
    }
    baseline = { zoho: target, jira: value };
  }

  const now = new Date();
  const value = baseline as unknown as Prisma.InputJsonValue;
  await deps.prisma.$transaction([
    deps.prisma.syncBaseline.upsert({
      where: { linkId_zohoField_jiraField: { linkId: row.linkId, zohoField: row.zohoField, jiraField: row.jiraField } },
      create: { linkId: row.linkId, zohoField: row.zohoField, jiraField: row.jiraField, value, syncedAt: now },
      update: { value, syncedAt: now },
    }),
    deps.prisma.syncConflict.update({
      where: { id: row.id },
      data: { status: 'RESOLVED', resolution: body.keep === 'zoho' ? 'ZOHO' : 'JIRA', resolvedBy: accountId ?? null, resolvedAt: now },
    }),
  ]);
  return { id: row.id, status: 'RESOLVED', keep: body.keep };
}

class Unconvertible extends Error {}

/** The value through the mapping's value map, when it has entries; a value it cannot map is refused. */
function mapped(m: FieldMapping, to: 'jira' | 'zoho', value: unknown): unknown {
  // The same test as the sync's (activities/sync/mapped-values.ts): an empty map is ignored.
  const v = m.valueMap;
  if (!v || (v.entries.length === 0 && v.defaultJiraValue === null && v.defaultZohoValue === null && v.unmapped !== 'CLEAR')) return value;
  const out = to === 'jira' ? mapZohoToJira(value, v) : mapJiraToZoho(value, v);
  if (!out.write) throw new Unconvertible(`${out.unmapped.map((v) => `"${v}"`).join(', ')} has no value mapping`);
  return out.value;
}

function convert(m: FieldMapping, to: 'jira' | 'zoho', run: () => { ok: true; value: unknown } | { ok: false; reason: string }): unknown {
  try {
    const out = run();
    if (out.ok) return out.value;
    throw new Unconvertible(out.reason);
  } catch (err) {
    if (!(err instanceof Unconvertible)) throw err;
    const other = to === 'jira' ? 'Jira' : 'Zoho CRM';
    throw new ApiError(422, `This value cannot be written to ${other} (${m.zohoField} ↔ ${m.jiraField}): ${err.message}. Keep the other side's value, or change this one so it can be converted.`, 'VALIDATION_FAILED');
  }
}
