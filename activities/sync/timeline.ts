// The change sets one activity call applied (or failed to apply) per link, for the issue's "CRM sync"
// timeline (F46). Collected in memory while the call runs and written with its run-history row in one
// insert, so a sync of many fields or records costs one statement, not one per field.
import type { PrismaClient } from '../../prisma/generated/client';
import type { FieldChange } from '../../contracts/timeline';

export type TimelineDirection = 'ZOHO_TO_JIRA' | 'JIRA_TO_ZOHO';

interface PendingEntry {
  linkId: string;
  jiraIssueId: string;
  direction: TimelineDirection;
  outcome: 'APPLIED' | 'FAILED';
  changes: FieldChange[];
  items: string[];
  reason: string | null;
  at: Date;
}

const MAX_REASON = 1000;
const MAX_TEXT = 200;

/** A value as one line of text: what a person reads in the timeline, not the vendor's JSON. */
export function timelineText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value))
    return timelineText(
      value
        .map((v) => timelineText(v) ?? '')
        .filter((v) => v !== '')
        .join(', '),
    );
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const key of ['displayName', 'name', 'value', 'full_name', 'email', 'accountId', 'id']) {
      if (typeof o[key] === 'string' || typeof o[key] === 'number') return timelineText(o[key]);
    }
    // Jira's rich text (ADF): its text nodes in order.
    if (o.type === 'doc') return timelineText(adfText(o));
  }
  return timelineText(JSON.stringify(value));
}

function adfText(node: unknown): string {
  if (typeof node !== 'object' || node === null) return '';
  const n = node as { text?: unknown; content?: unknown };
  const own = typeof n.text === 'string' ? n.text : '';
  const children = Array.isArray(n.content) ? n.content.map(adfText).join(' ') : '';
  return `${own}${children}`.trim();
}

export class TimelineBatch {
  private readonly entries: PendingEntry[] = [];

  applied(
    link: { id: string; jiraIssueId: string },
    direction: TimelineDirection,
    changes: FieldChange[],
    items: string[],
    at: Date,
  ): void {
    if (changes.length === 0 && items.length === 0) return;
    this.entries.push({
      linkId: link.id,
      jiraIssueId: link.jiraIssueId,
      direction,
      outcome: 'APPLIED',
      changes,
      items,
      reason: null,
      at,
    });
  }

  failed(
    link: { id: string; jiraIssueId: string },
    direction: TimelineDirection,
    reason: string,
    at: Date,
    changes: FieldChange[] = [],
  ): void {
    this.entries.push({
      linkId: link.id,
      jiraIssueId: link.jiraIssueId,
      direction,
      outcome: 'FAILED',
      changes,
      items: [],
      reason: reason.slice(0, MAX_REASON),
      at,
    });
  }

  get size(): number {
    return this.entries.length;
  }

  /** One insert for everything the call collected; links deleted meanwhile are left out. */
  async flush(prisma: PrismaClient, ids: { tenantId: string; sciId: string; syncRunId: string | null }): Promise<void> {
    if (this.entries.length === 0) return;
    const pending = this.entries.splice(0);
    const alive = new Set(
      (
        await prisma.recordLink.findMany({
          where: { id: { in: [...new Set(pending.map((e) => e.linkId))] }, tenantId: ids.tenantId },
          select: { id: true },
        })
      ).map((l) => l.id),
    );
    const rows = pending.filter((e) => alive.has(e.linkId));
    if (rows.length === 0) return;
    await prisma.syncTimelineEntry.createMany({
      data: rows.map((e) => ({
        tenantId: ids.tenantId,
        sciId: ids.sciId,
        syncRunId: ids.syncRunId,
        linkId: e.linkId,
        jiraIssueId: e.jiraIssueId,
        direction: e.direction,
        outcome: e.outcome,
        changes: e.changes,
        items: e.items,
        reason: e.reason,
        createdAt: e.at,
      })),
    });
  }
}
