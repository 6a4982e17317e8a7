// Jira push events applied to Zoho (F15, F17, F18, F19) in 2 Way SCIs. Field edits are written only where
// the converted Jira value differs from the record's current value, so the echo of our own Jira edit
// changes nothing (F21); a both-owned field keeps Zoho's value when Zoho changed later.
import type { JiraEventSignal } from '../../workflows/messages';
import { jiraToZoho, sameValue } from '../../lib/sync/field-types';
import type { RecordLink } from '../../prisma/generated/client';
import { describeError, isRecordLevel } from '../errors';
import type { SciContext } from './context';
import type { RunTally } from './counts';
import { mirrorJiraAttachment, mirrorJiraComment } from './mirror';
import { zohoValueFor } from './status';
import { jiraTime, zohoTime } from './zoho-to-jira';

export async function applyJiraEvent(ctx: SciContext, event: JiraEventSignal, tally: RunTally): Promise<void> {
  const links = await ctx.deps.prisma.recordLink.findMany({
    where: { tenantId: ctx.tenantId, sciId: ctx.sci.id, jiraIssueId: event.issueId },
  });
  tally.recordsSeen += 1;
  if (links.length === 0 || ctx.def.syncMode !== 'TWO_WAY') {
    tally.skipped += 1;
    return;
  }
  for (const link of links) {
    try {
      let changed = false;
      if (event.kind === 'issue_created' || event.kind === 'issue_updated') changed = await pushIssueFields(ctx, link, tally);
      else if (event.kind === 'comment_created' && event.commentId && ctx.def.options.notesSync) changed = await mirrorJiraComment(ctx, link, event.commentId, tally);
      else if (event.kind === 'attachment_created' && event.attachmentId && ctx.def.options.attachmentSync) {
        changed = await mirrorJiraAttachment(ctx, link, event.attachmentId, tally);
      }
      if (changed) tally.changed += 1;
      else tally.skipped += 1;
    } catch (err) {
      if (!isRecordLevel(err)) throw err;
      tally.error(`${link.jiraIssueKey} → record ${link.zohoRecordId}: ${describeError(err)}`);
    }
  }
}

async function pushIssueFields(ctx: SciContext, link: RecordLink, tally: RunTally): Promise<boolean> {
  const mappings = ctx.jiraToZohoMappings;
  const statusSync = ctx.def.options.statusSync;
  if (mappings.length === 0 && !statusSync) return false;
  const jira = await ctx.jira();
  const zoho = await ctx.zoho();
  const issue = await jira.issues.get(link.jiraIssueId, { fields: [...new Set([...mappings.map((m) => m.jiraField), 'status', 'updated'])] });
  const zohoFieldNames = [...new Set([...mappings.map((m) => m.zohoField), ...(statusSync ? [statusSync.zohoField] : []), 'Modified_Time'])];
  const record = await zoho.records.get(ctx.module, link.zohoRecordId, { fields: zohoFieldNames });
  if (!record) {
    tally.error(`${link.jiraIssueKey}: the linked Zoho record ${link.zohoRecordId} no longer exists`);
    return false;
  }
  const issueUpdated = jiraTime(issue);
  const recordModified = zohoTime(record);
  // Zoho changed after our last sync and later than this Jira change: both-owned fields keep Zoho's value.
  const zohoNewer =
    recordModified !== null &&
    (!link.lastZohoModifiedAt || recordModified > link.lastZohoModifiedAt) &&
    (issueUpdated === null || recordModified > issueUpdated);

  const update: Record<string, unknown> = {};
  if (mappings.length > 0) {
    const [zFields, jFields] = await Promise.all([ctx.zohoFields(), ctx.jiraFields()]);
    for (const m of mappings) {
      if (m.owner === 'BOTH' && zohoNewer) continue;
      const zf = zFields.get(m.zohoField);
      const jf = jFields.get(m.jiraField);
      if (!zf || !jf) {
        tally.error(`${m.jiraField} → ${m.zohoField}: field no longer exists`);
        continue;
      }
      const converted = jiraToZoho((issue.fields as Record<string, unknown> | undefined)?.[m.jiraField], jf, zf);
      if (!converted.ok) {
        tally.error(`${link.jiraIssueKey}: ${converted.reason}`);
        continue;
      }
      if (!sameValue(record[m.zohoField], converted.value)) update[m.zohoField] = converted.value;
    }
  }
  if (statusSync && !zohoNewer) {
    const statusId = (issue.fields as { status?: { id?: string } } | undefined)?.status?.id;
    if (statusId) {
      const value = zohoValueFor(statusId, record[statusSync.zohoField], statusSync);
      if (value === undefined) tally.error(`${link.jiraIssueKey}: Jira status ${statusId} has no Zoho ${statusSync.zohoField} mapping`);
      else if (value !== record[statusSync.zohoField]) update[statusSync.zohoField] = value;
    }
  }
  if (Object.keys(update).length === 0) {
    await ctx.deps.prisma.recordLink.update({ where: { id: link.id }, data: { lastJiraUpdatedAt: issueUpdated, lastSyncedAt: ctx.now() } });
    return false;
  }
  const [outcome] = await zoho.records.update(ctx.module, [{ id: link.zohoRecordId, ...update }]);
  if (!outcome?.ok) {
    tally.error(`${link.jiraIssueKey} → record ${link.zohoRecordId}: ${outcome ? describeError(outcome.error) : 'no result'}`);
    return false;
  }
  const written = typeof outcome.details.Modified_Time === 'string' ? new Date(Date.parse(outcome.details.Modified_Time)) : ctx.now();
  // Remember our own write's Modified_Time: the next poll sees it and knows it is an echo (F21).
  await ctx.deps.prisma.recordLink.update({
    where: { id: link.id },
    data: { lastZohoModifiedAt: written, lastJiraUpdatedAt: issueUpdated, lastSyncedAt: ctx.now() },
  });
  return true;
}
