// One changed Zoho record applied to its linked Jira issues (F14, F17, F20): mapped fields converted and
// written only where they differ, status moved through a Jira transition, notes and attachments mirrored.
// Latest change wins on both sides' modification times; a record already applied is skipped (F21).
import { createHash } from 'node:crypto';
import type { JiraIssue } from '../../clients/jira';
import type { ZohoRecord } from '../../clients/zoho';
import type { FieldMapping } from '../../lib/sci/definition';
import type { RecordLink } from '../../prisma/generated/client';
import { describeError, isRecordLevel } from '../errors';
import type { SciContext } from './context';
import type { RunTally } from './counts';
import { sameTargetValue, valueForJira, valueForZoho } from './mapped-values';
import { jqlPropertyRead, keepJqlProperty } from './jql-property';
import { mirrorZohoAttachments, mirrorZohoNotes } from './mirror';
import { changesOf, fieldMemory } from './field-memory';
import { jiraFieldTimes, winner } from './ownership';
import { moveJiraStatus } from './status';
import type { FieldChange } from '../../contracts/timeline';
import { timelineText } from './timeline';
import { applyRecordToSecondaryLink, drivesFields } from './secondary-links';

/** Hash of the record's values this SCI reads (times excluded). */
export function recordFingerprint(ctx: SciContext, record: ZohoRecord): string {
  // Modified_By is read only for the conflict inbox (F48) and changes with every save, like the times.
  const values = ctx.recordFields.filter((f) => f !== 'Modified_Time' && f !== 'Created_Time' && f !== 'Modified_By').map((f) => [f, record[f] ?? null]);
  return createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 32);
}

export function zohoTime(record: ZohoRecord, field = 'Modified_Time'): Date | null {
  const v = record[field];
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t);
}

export function jiraTime(issue: JiraIssue, field = 'updated'): Date | null {
  const v = (issue.fields as Record<string, unknown> | undefined)?.[field];
  if (typeof v !== 'string') return null;
  const t = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(t) ? null : new Date(t);
}

/** Jira wins a both-owned field when the issue changed after our last sync and after the Zoho change. */
function jiraChangedLater(link: RecordLink, issueUpdated: Date | null, recordModified: Date | null): boolean {
  if (!issueUpdated) return false;
  const jiraMovedSinceSync = !link.lastJiraUpdatedAt || issueUpdated > link.lastJiraUpdatedAt;
  return jiraMovedSinceSync && recordModified !== null && issueUpdated > recordModified;
}

export async function applyRecordToLink(ctx: SciContext, record: ZohoRecord, link: RecordLink, tally: RunTally): Promise<void> {
  if (!drivesFields(link)) return applyRecordToSecondaryLink(ctx, record, link, tally);
  const modified = zohoTime(record);
  // Already reflected by this link: older, or the same time with the same values. Zoho's times have
  // one-second resolution, so the same time with other values is a second edit and is applied. Re-applying
  // is harmless anyway: only differing values are written, so our own write coming back changes nothing (F21).
  const fingerprint = recordFingerprint(ctx, record);
  if (
    modified &&
    link.lastZohoModifiedAt &&
    (modified < link.lastZohoModifiedAt || (modified.getTime() === link.lastZohoModifiedAt.getTime() && fingerprint === link.lastZohoFingerprint))
  ) {
    tally.skipped += 1;
    return;
  }
  const jira = await ctx.jira();
  const twoWay = ctx.def.syncMode === 'TWO_WAY';
  // In 2 Way every mapping is looked at: a Jira-owned field edited in Zoho is put back (F35).
  const mappings = twoWay ? ctx.def.fieldMappings : ctx.zohoToJiraMappings;
  const statusSync = ctx.def.options.statusSync;
  let changedSomething = false;
  let propertyWritten = false;
  // F46: what this record changed on the issue (and put back in Zoho), for the issue's timeline.
  const toJira: FieldChange[] = [];
  const toZoho: FieldChange[] = [];
  const items: string[] = [];
  const failures: string[] = [];
  try {
    const issue = await jira.issues.get(link.jiraIssueId, {
      fields: [...new Set([...mappings.map((m) => m.jiraField), 'status', 'updated'])],
      ...(twoWay ? { changelog: true } : {}),
      ...jqlPropertyRead(ctx),
    });
    const issueUpdated = jiraTime(issue);
    // Latest-change-wins only exists in 2 Way; in 1 Way the CRM always wins.
    const jiraWins = twoWay && jiraChangedLater(link, issueUpdated, modified);
    const fieldTimes = twoWay ? jiraFieldTimes(issue) : new Map<string, Date>();

    if (mappings.length > 0) {
      const [zFields, jFields] = await Promise.all([ctx.zohoFields(), ctx.jiraFields()]);
      const edits: Record<string, unknown> = {};
      const zohoUpdate: Record<string, unknown> = {};
      // F48: baselines move only once the write that makes both sides agree has succeeded.
      const memory = fieldMemory(ctx);
      const agreeInJira: [FieldMapping, unknown, unknown][] = [];
      const agreeInZoho: [FieldMapping, unknown, unknown][] = [];
      for (const m of mappings) {
        if (twoWay && (await memory.isHeld(link, m))) continue;
        const zf = zFields.get(m.zohoField);
        const jf = jFields.get(m.jiraField);
        if (!zf || !jf) {
          tally.error(`${m.zohoField} → ${m.jiraField}: field no longer exists`);
          continue;
        }
        const converted = await valueForJira(ctx, m, record[m.zohoField], zf, jf);
        if (converted.kind === 'fail') {
          tally.error(`record ${record.id}: ${converted.reason}`);
          failures.push(converted.reason);
          continue;
        }
        const current = (issue.fields as Record<string, unknown> | undefined)?.[m.jiraField];
        const side = twoWay ? winner(m, fieldTimes.get(m.jiraField), modified) : 'zoho';
        // F41: an unmatched user or unmapped value leaves the field as it is, and the run history says so.
        if (converted.kind === 'leave') {
          if (side === 'zoho') {
            if (converted.note) tally.error(`${link.jiraIssueKey}: ${converted.note}`);
            Object.assign(edits, converted.extra);
          } else if (m.owner === 'JIRA') {
            // The Zoho value cannot be compared through the map; Jira's value, mapped back, can.
            const back = await valueForZoho(ctx, m, current, jf, zf);
            if (back.kind === 'write' && !sameTargetValue(record[m.zohoField], back.value)) {
              zohoUpdate[m.zohoField] = back.value;
              toZoho.push({ field: await ctx.zohoLabel(m.zohoField), from: timelineText(record[m.zohoField]), to: timelineText(back.value) });
              tally.error(`record ${record.id}: conflict on ${m.zohoField}: the Zoho edit was overwritten, the field is owned by Jira`);
            }
          }
          continue;
        }
        if (sameTargetValue(current, converted.value)) {
          if (twoWay) await memory.agreed(link, m, record[m.zohoField], current);
          continue;
        }
        let chosen = side;
        let byPolicy = false;
        if (twoWay && m.owner === 'BOTH') {
          const d = await memory.decide(link, m, record[m.zohoField], current, changesOf(record, issue), tally);
          if (d.kind === 'hold') continue;
          if (d.kind === 'side') [chosen, byPolicy] = [d.side, true];
        }
        if (chosen === 'zoho') {
          if (converted.note) tally.error(`${link.jiraIssueKey}: ${converted.note}`);
          edits[m.jiraField] = converted.value;
          agreeInJira.push([m, record[m.zohoField], converted.value]);
          toJira.push({ field: await ctx.jiraLabel(m.jiraField), from: timelineText(current), to: timelineText(converted.value) });
          const jiraEdited = fieldTimes.get(m.jiraField);
          if (m.owner === 'ZOHO' && jiraEdited && (!link.lastSyncedAt || jiraEdited > link.lastSyncedAt)) {
            tally.error(`${link.jiraIssueKey}: conflict on ${m.jiraField}: the Jira edit was overwritten, the field is owned by Zoho CRM`);
          }
        } else if (m.owner === 'JIRA' || byPolicy) {
          // A Zoho edit of a Jira-owned field, or Jira's side chosen by the field's conflict policy (F48):
          // Jira's value goes to Zoho.
          const back = await valueForZoho(ctx, m, current, jf, zf);
          if (back.kind === 'write') {
            zohoUpdate[m.zohoField] = back.value;
            agreeInZoho.push([m, back.value, current]);
            toZoho.push({ field: await ctx.zohoLabel(m.zohoField), from: timelineText(record[m.zohoField]), to: timelineText(back.value) });
            if (m.owner === 'JIRA') tally.error(`record ${record.id}: conflict on ${m.zohoField}: the Zoho edit was overwritten, the field is owned by Jira`);
          }
        }
      }
      if (Object.keys(edits).length > 0) {
        await jira.issues.edit(link.jiraIssueId, { fields: edits }, { notifyUsers: false });
        changedSomething = true;
        for (const [m, z, j] of agreeInJira) await memory.agreed(link, m, z, j);
      }
      if (Object.keys(zohoUpdate).length > 0) {
        const [outcome] = await (await ctx.zoho()).records.update(ctx.module, [{ id: record.id, ...zohoUpdate }]);
        if (!outcome?.ok) {
          const reason = `Jira-owned values not restored: ${outcome ? describeError(outcome.error) : 'no result'}`;
          tally.error(`record ${record.id}: ${reason}`);
          ctx.timeline.failed(link, 'JIRA_TO_ZOHO', reason, ctx.now(), toZoho);
        } else {
          changedSomething = true;
          for (const [m, z, j] of agreeInZoho) await memory.agreed(link, m, z, j);
          ctx.timeline.applied(link, 'JIRA_TO_ZOHO', toZoho, [], ctx.now());
        }
      }
    }

    // F45: the CRM values searchable in JQL; no change to the issue's `updated` (not counted as our edit).
    propertyWritten = await keepJqlProperty(ctx, jira, issue, record);

    if (statusSync && !jiraWins) {
      const moved = await moveJiraStatus(ctx, jira, link.jiraIssueId, issue, record[statusSync.zohoField], statusSync, tally);
      if (moved) items.push(`Status moved for ${timelineText(record[statusSync.zohoField]) ?? 'an empty value'}`);
      changedSomething ||= moved;
    }
    if (ctx.def.options.notesSync && (await mirrorZohoNotes(ctx, record.id, link))) {
      items.push('Notes copied to comments');
      changedSomething = true;
    }
    if (ctx.def.options.attachmentSync && (await mirrorZohoAttachments(ctx, record.id, link, tally))) {
      items.push('Attachments copied');
      changedSomething = true;
    }
    ctx.timeline.applied(link, 'ZOHO_TO_JIRA', toJira, items, ctx.now());
    if (failures.length > 0) ctx.timeline.failed(link, 'ZOHO_TO_JIRA', failures.join('; '), ctx.now());

    await ctx.deps.prisma.recordLink.update({
      where: { id: link.id },
      data: {
        ...(modified ? { lastZohoModifiedAt: modified } : {}),
        lastZohoFingerprint: fingerprint,
        // Our own edit moved Jira's `updated`; remember "now" so that edit is not mistaken for a user's.
        lastJiraUpdatedAt: changedSomething ? ctx.now() : (issueUpdated ?? link.lastJiraUpdatedAt),
        lastSyncedAt: ctx.now(),
        ...(ctx.def.options.attachmentSync ? { attachmentsCheckedAt: ctx.now() } : {}),
      },
    });
    if (changedSomething || propertyWritten) tally.changed += 1;
    else tally.skipped += 1;
  } catch (err) {
    if (!isRecordLevel(err)) throw err;
    tally.error(`record ${record.id} → ${link.jiraIssueKey}: ${describeError(err)}`);
    ctx.timeline.failed(link, 'ZOHO_TO_JIRA', describeError(err), ctx.now(), toJira);
  }
}
