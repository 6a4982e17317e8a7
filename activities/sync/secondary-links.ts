// F43: what a secondary link carries. An issue may link several records through one SCI (and a record
// several issues), but only the primary link of an (SCI, issue) drives field and status sync, both ways:
// otherwise two records would overwrite the same Jira fields, and one issue edit would fan out to every
// record. A secondary link carries notes (Zoho→Jira) and comments (Jira→Zoho) when the SCI's notesSync is
// on; attachments and fields stay with the primary link.
import type { ZohoRecord } from '../../clients/zoho';
import type { RecordLink } from '../../prisma/generated/client';
import { describeError, isRecordLevel } from '../errors';
import type { SciContext } from './context';
import type { RunTally } from './counts';
import { mirrorZohoNotes } from './mirror';

/** Whether this link's record drives the fields (and the issue the record's fields). */
export function drivesFields(link: Pick<RecordLink, 'primary'>): boolean {
  return link.primary;
}

/** A changed record applied through a secondary link: its notes only, when the SCI copies notes. */
export async function applyRecordToSecondaryLink(
  ctx: SciContext,
  record: ZohoRecord,
  link: RecordLink,
  tally: RunTally,
): Promise<void> {
  if (!ctx.def.options.notesSync) {
    tally.skipped += 1;
    return;
  }
  try {
    const changed = await mirrorZohoNotes(ctx, record.id, link);
    await ctx.deps.prisma.recordLink.update({ where: { id: link.id }, data: { lastSyncedAt: ctx.now() } });
    if (changed) tally.changed += 1;
    else tally.skipped += 1;
  } catch (err) {
    if (!isRecordLevel(err)) throw err;
    tally.error(`record ${record.id} → ${link.jiraIssueKey}: notes not copied: ${describeError(err)}`);
  }
}
