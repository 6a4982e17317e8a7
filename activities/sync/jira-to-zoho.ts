// Jira push events applied to Zoho (F15, F17, F18, F19) in 2 Way SCIs. Field edits are written only where
// the converted Jira value differs from the record's current value, so the echo of our own Jira edit
// changes nothing (F21); a both-owned field keeps Zoho's value when Zoho changed later.
import type { JiraEventSignal } from '../../workflows/messages';
import type { FieldMapping } from '../../lib/sci/definition';
import type { RecordLink } from '../../prisma/generated/client';
import { describeError, isRecordLevel } from '../errors';
import type { SciContext } from './context';
import type { RunTally } from './counts';
import { sameTargetValue, valueForJira, valueForZoho } from './mapped-values';
import { jqlPropertyRead, keepJqlProperty } from './jql-property';
import { mirrorJiraAttachment, mirrorJiraComment } from './mirror';
import { changesOf, fieldMemory } from './field-memory';
import { jiraFieldTimes, winner } from './ownership';
import { zohoValueFor } from './status';
import { recordInScope } from './sync-scope';
import { jiraTime, recordFingerprint, zohoTime } from './zoho-to-jira';
import type { FieldChange } from '../../contracts/timeline';
import { timelineText } from './timeline';
import { drivesFields } from './secondary-links';

/**
 * Applies one Jira event to its linked records. Returns why it cannot be applied when that is something no
 * retry fixes (the vendor refused the write, a value the mapping cannot convert): the caller parks the event
 * with that reason. What could be applied was applied; re-applying later writes only what still differs.
 */
export async function applyJiraEvent(ctx: SciContext, event: JiraEventSignal, tally: RunTally): Promise<string | undefined> {
  const links = await ctx.deps.prisma.recordLink.findMany({
    where: { tenantId: ctx.tenantId, sciId: ctx.sci.id, jiraIssueId: event.issueId },
  });
  tally.recordsSeen += 1;
  if (links.length === 0 || ctx.def.syncMode !== 'TWO_WAY') {
    tally.skipped += 1;
    return undefined;
  }
  const problems: string[] = [];
  for (const link of links) {
    const before = problems.length;
    try {
      let changed = false;
      // F43: fields and attachments go only through the issue's primary link; comments through every link.
      const primary = drivesFields(link);
      if (event.kind === 'issue_created' || event.kind === 'issue_updated') changed = primary && (await pushIssueFields(ctx, link, tally, problems));
      else if (event.kind === 'comment_created' && event.commentId && ctx.def.options.notesSync) {
        changed = await mirrorJiraComment(ctx, link, event.commentId, tally);
        if (changed) ctx.timeline.applied(link, 'JIRA_TO_ZOHO', [], ['Comment copied to notes'], ctx.now());
      } else if (primary && event.kind === 'attachment_created' && event.attachmentId && ctx.def.options.attachmentSync) {
        changed = await mirrorJiraAttachment(ctx, link, event.attachmentId, tally);
        if (changed) ctx.timeline.applied(link, 'JIRA_TO_ZOHO', [], ['Attachment copied'], ctx.now());
      }
      if (changed) tally.changed += 1;
      else tally.skipped += 1;
    } catch (err) {
      if (!isRecordLevel(err)) throw err;
      problems.push(`${link.jiraIssueKey} → record ${link.zohoRecordId}: ${describeError(err)}`);
    }
    // F46: the reasons this event is parked for, on the link's timeline.
    if (problems.length > before) ctx.timeline.failed(link, 'JIRA_TO_ZOHO', problems.slice(before).join('; '), ctx.now());
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

async function pushIssueFields(ctx: SciContext, link: RecordLink, tally: RunTally, problems: string[]): Promise<boolean> {
  // Every mapping is looked at: a Zoho-owned field edited in Jira is put back (F35).
  const mappings = ctx.def.fieldMappings;
  const statusSync = ctx.def.options.statusSync;
  if (mappings.length === 0 && !statusSync) return false;
  const jira = await ctx.jira();
  const zoho = await ctx.zoho();
  const issue = await jira.issues.get(link.jiraIssueId, {
    fields: [...new Set([...mappings.map((m) => m.jiraField), 'status', 'updated'])],
    changelog: true,
    ...jqlPropertyRead(ctx),
  });
  // The fields a poll reads (ctx.recordFields), so the fingerprint compares with the one the poll stored.
  const record = await zoho.records.get(ctx.module, link.zohoRecordId, { fields: ctx.recordFields });
  if (!record) {
    tally.error(`${link.jiraIssueKey}: the linked Zoho record ${link.zohoRecordId} no longer exists`);
    return false;
  }
  // F40: a record outside the SCI's conditions keeps its link but is not written to.
  if (!(await recordInScope(ctx, record))) return false;
  const issueUpdated = jiraTime(issue);
  const recordModified = zohoTime(record);
  const fieldTimes = jiraFieldTimes(issue);
  const zohoEdited = zohoEditedSinceSync(link, recordModified, recordFingerprint(ctx, record));
  // Zoho changed after our last sync and later than this Jira change: the status keeps Zoho's value.
  const zohoNewer = zohoEdited && recordModified !== null && (issueUpdated === null || recordModified > issueUpdated);

  const update: Record<string, unknown> = {};
  const jiraRestore: Record<string, unknown> = {};
  // F48: baselines move only once the write that makes both sides agree has succeeded.
  const memory = fieldMemory(ctx);
  const agreeInJira: [FieldMapping, unknown, unknown][] = [];
  const agreeInZoho: [FieldMapping, unknown, unknown][] = [];
  // F46: what this event changed in Zoho (and put back in Jira), for the issue's timeline.
  const toZoho: FieldChange[] = [];
  const toJira: FieldChange[] = [];
  if (mappings.length > 0) {
    const [zFields, jFields] = await Promise.all([ctx.zohoFields(), ctx.jiraFields()]);
    for (const m of mappings) {
      if (await memory.isHeld(link, m)) continue;
      const zf = zFields.get(m.zohoField);
      const jf = jFields.get(m.jiraField);
      if (!zf || !jf) {
        tally.error(`${m.jiraField} → ${m.zohoField}: field no longer exists`);
        continue;
      }
      const jiraValue = (issue.fields as Record<string, unknown> | undefined)?.[m.jiraField];
      const converted = await valueForZoho(ctx, m, jiraValue, jf, zf);
      if (converted.kind === 'fail') {
        problems.push(`${link.jiraIssueKey}: ${converted.reason}`);
        continue;
      }
      const side = winner(m, fieldTimes.get(m.jiraField), recordModified);
      // F41: an unmatched user or unmapped value leaves the field as it is, and the run history says so.
      if (converted.kind === 'leave') {
        if (side === 'jira') {
          if (converted.note) tally.error(`record ${link.zohoRecordId}: ${converted.note}`);
          Object.assign(update, converted.extra);
        } else if (m.owner === 'ZOHO') {
          // The Jira value cannot be compared through the map; the CRM's value, mapped, can.
          const back = await valueForJira(ctx, m, record[m.zohoField], zf, jf);
          if (back.kind === 'write' && !sameTargetValue(jiraValue, back.value)) {
            jiraRestore[m.jiraField] = back.value;
            toJira.push({ field: await ctx.jiraLabel(m.jiraField), from: timelineText(jiraValue), to: timelineText(back.value) });
            tally.error(`${link.jiraIssueKey}: conflict on ${m.jiraField}: the Jira edit was overwritten, the field is owned by Zoho CRM`);
          }
        }
        continue;
      }
      if (sameTargetValue(record[m.zohoField], converted.value)) {
        await memory.agreed(link, m, record[m.zohoField], jiraValue);
        continue;
      }
      let chosen = side;
      let byPolicy = false;
      if (m.owner === 'BOTH') {
        const d = await memory.decide(link, m, record[m.zohoField], jiraValue, changesOf(record, issue), tally);
        if (d.kind === 'hold') continue;
        if (d.kind === 'side') [chosen, byPolicy] = [d.side, true];
      }
      if (chosen === 'jira') {
        if (converted.note) tally.error(`record ${link.zohoRecordId}: ${converted.note}`);
        update[m.zohoField] = converted.value;
        agreeInZoho.push([m, converted.value, jiraValue]);
        toZoho.push({ field: await ctx.zohoLabel(m.zohoField), from: timelineText(record[m.zohoField]), to: timelineText(converted.value) });
        if (m.owner === 'JIRA' && zohoEdited) {
          tally.error(`record ${link.zohoRecordId}: conflict on ${m.zohoField}: the Zoho edit was overwritten, the field is owned by Jira`);
        }
      } else if (m.owner === 'ZOHO' || byPolicy) {
        // A Jira edit of a CRM-owned field, or the CRM's side chosen by the field's conflict policy (F48):
        // the CRM's value goes to Jira.
        const back = await valueForJira(ctx, m, record[m.zohoField], zf, jf);
        if (back.kind === 'write') {
          jiraRestore[m.jiraField] = back.value;
          agreeInJira.push([m, record[m.zohoField], back.value]);
          toJira.push({ field: await ctx.jiraLabel(m.jiraField), from: timelineText(jiraValue), to: timelineText(back.value) });
          if (m.owner === 'ZOHO') tally.error(`${link.jiraIssueKey}: conflict on ${m.jiraField}: the Jira edit was overwritten, the field is owned by Zoho CRM`);
        }
      }
    }
  }
  if (Object.keys(jiraRestore).length > 0) {
    await jira.issues.edit(link.jiraIssueId, { fields: jiraRestore }, { notifyUsers: false });
    for (const [m, z, j] of agreeInJira) await memory.agreed(link, m, z, j);
    ctx.timeline.applied(link, 'ZOHO_TO_JIRA', toJira, [], ctx.now());
  }
  if (statusSync && !zohoNewer) {
    const statusId = (issue.fields as { status?: { id?: string } } | undefined)?.status?.id;
    if (statusId) {
      const value = zohoValueFor(statusId, record[statusSync.zohoField], statusSync);
      if (value === undefined) tally.error(`${link.jiraIssueKey}: Jira status ${statusId} has no Zoho ${statusSync.zohoField} mapping`);
      else if (value !== record[statusSync.zohoField]) {
        update[statusSync.zohoField] = value;
        toZoho.push({ field: await ctx.zohoLabel(statusSync.zohoField), from: timelineText(record[statusSync.zohoField]), to: timelineText(value) });
      }
    }
  }
  if (Object.keys(update).length === 0) {
    await ctx.deps.prisma.recordLink.update({ where: { id: link.id }, data: { lastJiraUpdatedAt: issueUpdated, lastSyncedAt: ctx.now() } });
    return Object.keys(jiraRestore).length > 0;
  }
  const [outcome] = await zoho.records.update(ctx.module, [{ id: link.zohoRecordId, ...update }]);
  if (!outcome?.ok) {
    // Zoho refused the row (a bad value, a validation rule): retrying the same write cannot help.
    problems.push(`${link.jiraIssueKey} → record ${link.zohoRecordId}: ${outcome ? describeError(outcome.error) : 'no result'}`);
    return false;
  }
  for (const [m, z, j] of agreeInZoho) await memory.agreed(link, m, z, j);
  // F45: the poll skips this write as an echo, so the searchable CRM values follow it here.
  await keepJqlProperty(ctx, jira, issue, { ...record, ...update });
  ctx.timeline.applied(link, 'JIRA_TO_ZOHO', toZoho, [], ctx.now());
  const written = typeof outcome.details.Modified_Time === 'string' ? new Date(Date.parse(outcome.details.Modified_Time)) : ctx.now();
  // Remember our own write (its Modified_Time and the values it left): the next poll sees it and knows it
  // is an echo (F21), and a later Zoho edit within the same second still shows as one.
  await ctx.deps.prisma.recordLink.update({
    where: { id: link.id },
    data: {
      lastZohoModifiedAt: written,
      lastZohoFingerprint: recordFingerprint(ctx, { ...record, ...update }),
      lastJiraUpdatedAt: issueUpdated,
      lastSyncedAt: ctx.now(),
    },
  });
  return true;
}

/**
 * Whether someone edited the record in Zoho since this link last synced it. Zoho's Modified_Time has
 * one-second resolution, so the same second with other values (fingerprint) is an edit too.
 */
function zohoEditedSinceSync(link: RecordLink, recordModified: Date | null, fingerprint: string): boolean {
  if (!recordModified) return false;
  if (!link.lastZohoModifiedAt || recordModified > link.lastZohoModifiedAt) return true;
  return recordModified.getTime() === link.lastZohoModifiedAt.getTime() && link.lastZohoFingerprint !== null && fingerprint !== link.lastZohoFingerprint;
}
