// Auto-create (F16): a new CRM record becomes exactly one Jira issue, linked as auto-managed. Exactly once
// under retries, worker crashes and replays: the issue is created with an entity property carrying a
// deterministic key (SCI + record), and before any create we look for that property — so a crash between
// "issue created" and "link stored" finds the issue on the next attempt instead of making a second one.
import type { ZohoRecord } from '../../clients/zoho';
import { truncateSummary } from '../../clients/jira';
import { zohoToJira } from '../../lib/sync/field-types';
import type { RecordLink } from '../../prisma/generated/client';
import type { SciContext } from './context';
import type { RunTally } from './counts';
import { zohoTime } from './zoho-to-jira';

export const LINK_PROPERTY = 'zohoCrmLink';

export function linkKey(sciId: string, recordId: string): string {
  return `${sciId}:${recordId}`;
}

/** Records created before the SCI existed are not "new" (importing them is backfill, F34). */
export function isNewRecord(ctx: SciContext, record: ZohoRecord): boolean {
  const created = zohoTime(record, 'Created_Time');
  return created !== null && created >= ctx.sci.createdAt;
}

async function findIssueByLinkKey(ctx: SciContext, key: string): Promise<{ id: string; key: string } | undefined> {
  const jira = await ctx.jira();
  const page = await jira.issues.search({
    jql: `project = "${ctx.def.jiraProjectId}" AND issue.property[${LINK_PROPERTY}].key = "${key}"`,
    fields: ['summary'],
    maxResults: 1,
  });
  const hit = page.issues[0];
  return hit ? { id: hit.id, key: hit.key ?? hit.id } : undefined;
}

export async function createIssueOnce(ctx: SciContext, record: ZohoRecord, tally: RunTally): Promise<RecordLink | null> {
  const { prisma } = ctx.deps;
  const existing = await prisma.recordLink.findUnique({ where: { sciId_zohoRecordId: { sciId: ctx.sci.id, zohoRecordId: record.id } } });
  if (existing) return existing;

  const key = linkKey(ctx.sci.id, record.id);
  let issue = await findIssueByLinkKey(ctx, key);
  if (!issue) {
    const jira = await ctx.jira();
    const fields = await mappedFieldsForCreate(ctx, record, tally);
    const summary = typeof fields.summary === 'string' && fields.summary ? fields.summary : defaultSummary(ctx, record);
    delete fields.summary;
    const created = await jira.issues.create({
      project: { id: ctx.def.jiraProjectId },
      issueType: { id: ctx.def.jiraIssueTypeId },
      summary,
      fields,
      properties: [{ key: LINK_PROPERTY, value: { key, sciId: ctx.sci.id, module: ctx.module, recordId: record.id } }],
    });
    issue = { id: created.id, key: created.key };
    tally.created += 1;
  }
  // Two unique keys (sci+record, sci+issue) make a concurrent second insert fail rather than duplicate.
  const link = await prisma.recordLink.upsert({
    where: { sciId_zohoRecordId: { sciId: ctx.sci.id, zohoRecordId: record.id } },
    create: {
      tenantId: ctx.tenantId,
      sciId: ctx.sci.id,
      jiraIssueId: issue.id,
      jiraIssueKey: issue.key,
      zohoModule: ctx.module,
      zohoRecordId: record.id,
      managed: 'AUTO',
    },
    update: {},
  });
  return link;
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
    const converted = zohoToJira(record[m.zohoField], zf, jf);
    if (converted.ok && converted.value !== null && !(Array.isArray(converted.value) && converted.value.length === 0)) out[m.jiraField] = converted.value;
    else if (!converted.ok) tally.error(`record ${record.id}: ${converted.reason}`);
  }
  return out;
}
