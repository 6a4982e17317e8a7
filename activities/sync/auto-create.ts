// Auto-create (F16): a new CRM record becomes exactly one Jira issue, linked as auto-managed. Exactly once
// under retries, worker crashes and replays by the write-intent rule (./intents.ts): the intent is recorded
// before the create and the issue's id right after it; an attempt that finds an intent without an id looks
// for the issue by its entity property (a deterministic key: SCI + record), waiting out Jira's search-index
// lag, before it may create.
import type { ZohoRecord } from '../../clients/zoho';
import { jqlAnd, jqlEq, jqlIssueProperty, truncateSummary } from '../../clients/jira';
import { JQL_FIELDS_PROPERTY } from '../../contracts/jql-fields';
import { jqlDocument, mergeJqlDocument } from '../../lib/sync/jql-document';
import type { RecordLink } from '../../prisma/generated/client';
import type { SciContext } from './context';
import type { RunTally } from './counts';
import { valueForJira } from './mapped-values';
import { isUniqueViolation } from '../../lib/db/errors';
import { createOnce } from './intents';
import { zohoTime } from './zoho-to-jira';
import { sciStartSecond } from './sci-start';

export const LINK_PROPERTY = 'zohoCrmLink';

export function linkKey(sciId: string, recordId: string): string {
  return `${sciId}:${recordId}`;
}

/** Records created before the SCI existed are not "new" (importing them is backfill, F34). */
export function isNewRecord(ctx: SciContext, record: ZohoRecord): boolean {
  const created = zohoTime(record, 'Created_Time');
  return created !== null && created >= sciStartSecond(ctx.sci);
}

async function findIssueByLinkKey(ctx: SciContext, key: string, signal: AbortSignal | undefined): Promise<{ id: string; key: string } | undefined> {
  const jira = await ctx.jira();
  const page = await jira.issues.search({
    jql: jqlAnd(jqlEq('project', ctx.def.jiraProjectId), jqlEq(jqlIssueProperty(LINK_PROPERTY, 'key'), key)),
    fields: ['summary'],
    maxResults: 1,
    ...(signal ? { signal } : {}),
  });
  const hit = page.issues[0];
  return hit ? { id: hit.id, key: hit.key ?? hit.id } : undefined;
}

export async function createIssueOnce(ctx: SciContext, record: ZohoRecord, tally: RunTally): Promise<RecordLink | null> {
  const { prisma } = ctx.deps;
  // F43: a record may be linked to several issues; any link at all means it needs no issue of its own.
  const byRecord = { sciId: ctx.sci.id, zohoRecordId: record.id };
  const existing = await prisma.recordLink.findFirst({ where: byRecord, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  if (existing) return existing;

  const key = linkKey(ctx.sci.id, record.id);
  const jira = await ctx.jira();
  // The key is known only after the create or the search; the intent keeps the id, so remember the key here.
  let issueKey: string | undefined;
  // Prepared before the intent: a failure here (metadata unreachable) is then no "earlier attempt" that
  // makes the retry wait out the search index.
  const fields = await mappedFieldsForCreate(ctx, record, tally);
  const summary = typeof fields.summary === 'string' && fields.summary ? fields.summary : defaultSummary(ctx, record);
  delete fields.summary;
  const jqlDoc = mergeJqlDocument(undefined, ctx.def.options.jqlFields, jqlDocument(ctx.def.options.jqlFields, record));
  const outcome = await createOnce(ctx, {
    kind: 'JIRA_ISSUE',
    sourceId: record.id,
    targetId: ctx.def.jiraProjectId,
    marker: key,
    searchIndexed: true,
    find: async (signal) => {
      const hit = await findIssueByLinkKey(ctx, key, signal);
      issueKey = hit?.key;
      return hit?.id;
    },
    create: async (signal) => {
      const created = await jira.issues.create(
        {
          project: { id: ctx.def.jiraProjectId },
          issueType: { id: ctx.def.jiraIssueTypeId },
          summary,
          fields,
          properties: [
            { key: LINK_PROPERTY, value: { key, sciId: ctx.sci.id, module: ctx.module, recordId: record.id } },
            // F45: searchable from the start; the link's first sync then finds nothing to write.
            ...(jqlDoc ? [{ key: JQL_FIELDS_PROPERTY, value: jqlDoc }] : []),
          ],
        },
        signal ? { signal } : {},
      );
      issueKey = created.key;
      return created.id;
    },
  });
  if (!outcome) return null;
  if (outcome.created) tally.created += 1;
  // Reading the issue is a direct read (not the lagging search): the key for a link made from a stored intent.
  issueKey ??= (await jira.issues.get(outcome.id, { fields: ['summary'] })).key;
  // At most one issue per record comes from the write intent (keyed by SCI + record); the unique key
  // (sci, issue, record) makes a concurrent second insert of the same link a no-op.
  const where = { sciId_jiraIssueId_zohoRecordId: { sciId: ctx.sci.id, jiraIssueId: outcome.id, zohoRecordId: record.id } };
  try {
    return await prisma.recordLink.upsert({
      where,
      create: {
        tenantId: ctx.tenantId,
        sciId: ctx.sci.id,
        jiraIssueId: outcome.id,
        jiraIssueKey: issueKey ?? outcome.id,
        zohoModule: ctx.module,
        zohoRecordId: record.id,
        managed: 'AUTO',
        primary: true,
      },
      update: {},
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return prisma.recordLink.findUnique({ where });
  }
}

export function defaultSummary(ctx: SciContext, record: ZohoRecord): string {
  const name = ctx.nameField ? record[ctx.nameField] : undefined;
  return truncateSummary(typeof name === 'string' && name.trim() ? name : `${ctx.module} ${record.id}`);
}

export async function mappedFieldsForCreate(ctx: SciContext, record: ZohoRecord, tally: RunTally): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const mappings = ctx.zohoToJiraMappings;
  if (mappings.length === 0) return out;
  const [zFields, jFields] = await Promise.all([ctx.zohoFields(), ctx.jiraFields()]);
  for (const m of mappings) {
    const zf = zFields.get(m.zohoField);
    const jf = jFields.get(m.jiraField);
    if (!zf || !jf) continue;
    const converted = await valueForJira(ctx, m, record[m.zohoField], zf, jf);
    if (converted.note) tally.error(`record ${record.id}: ${converted.note}`);
    if (converted.kind === 'leave') Object.assign(out, converted.extra);
    else if (converted.kind === 'fail') tally.error(`record ${record.id}: ${converted.reason}`);
    else if (converted.value !== null && !(Array.isArray(converted.value) && converted.value.length === 0)) out[m.jiraField] = converted.value;
  }
  return out;
}
