// The issue's "CRM sync" timeline and each link's health (F46), and the Retry behind a failure. Read from
// the timeline table the sync activities write, the link rows and the SCI's event queue; Retry reuses the
// admin page's paths: parked events back in the queue, the linked record re-read by id (sci-controls.ts).
import type { Prisma, RecordLink, SmartConnectedItem } from '../../prisma/generated/client';
import type { AppDeps } from '../deps';
import { ApiError } from './api-errors';
import { issueRef } from './panel';
import { isAutomated } from './sci-automation';
import { resyncLink, signal } from './sci-controls';
import type { JiraPermissions } from './permissions';
import {
  fieldChangeDto,
  type LinkHealth,
  type RetryDto,
  type TimelineDto,
  type TimelineEntry,
} from '../../contracts/timeline';
import { z } from 'zod';

type Deps = Pick<AppDeps, 'prisma' | 'cipher' | 'clients' | 'zohoEndpoints' | 'workflows'>;

/** Newest entries the panel shows; older ones stay until retention removes them. */
const TIMELINE_LIMIT = 100;

const storedChanges = z.array(fieldChangeDto).catch([]);
const storedItems = z.array(z.string()).catch([]);

/** Queued or parked events of one link: its issue's events and its record's notifications. */
function eventsOfLink(link: RecordLink): Prisma.SciQueuedEventWhereInput {
  return {
    tenantId: link.tenantId,
    sciId: link.sciId,
    OR: [
      { key: `jira:issue:${link.jiraIssueId}` },
      { key: `zoho:record:${link.zohoRecordId}` },
      { payload: { path: ['event', 'issueId'], equals: link.jiraIssueId } },
    ],
  };
}

async function healthOf(
  deps: Deps,
  link: RecordLink & { sci: SmartConnectedItem },
  latest: { outcome: string; reason: string | null } | undefined,
): Promise<LinkHealth> {
  const lastSyncedAt = link.lastSyncedAt?.toISOString() ?? null;
  if (!isAutomated(link.sci)) return { linkId: link.id, state: 'in_sync', lastSyncedAt, reason: null };
  const waiting = await deps.prisma.sciQueuedEvent.findMany({
    where: eventsOfLink(link),
    select: { state: true, reason: true },
    take: 20,
  });
  // A link whose last applied CRM change was forgotten (a retry or resync) waits for the workflow to read it.
  if (waiting.some((e) => e.state === 'QUEUED') || link.lastZohoModifiedAt === null)
    return { linkId: link.id, state: 'syncing', lastSyncedAt, reason: null };
  const parked = waiting.find((e) => e.state === 'PARKED');
  if (parked) return { linkId: link.id, state: 'failed', lastSyncedAt, reason: parked.reason };
  if (latest?.outcome === 'FAILED') return { linkId: link.id, state: 'failed', lastSyncedAt, reason: latest.reason };
  return { linkId: link.id, state: 'in_sync', lastSyncedAt, reason: null };
}

async function mayRetry(
  permissions: JiraPermissions,
  tenantId: string,
  accountId: string | undefined,
  issueId: string,
): Promise<boolean> {
  return accountId !== undefined && (await permissions.canEditIssue(tenantId, accountId, issueId));
}

export async function timelineFor(
  deps: Deps,
  permissions: JiraPermissions,
  tenantId: string,
  accountId: string | undefined,
  issueIdOrKey: string,
): Promise<TimelineDto> {
  const issue = await issueRef(deps, tenantId, issueIdOrKey);
  const [links, rows] = await Promise.all([
    deps.prisma.recordLink.findMany({
      where: { tenantId, jiraIssueId: issue.id },
      include: { sci: true },
      orderBy: { createdAt: 'asc' },
    }),
    deps.prisma.syncTimelineEntry.findMany({
      where: { tenantId, jiraIssueId: issue.id },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: TIMELINE_LIMIT,
    }),
  ]);
  const sciNames = new Map(links.map((l) => [l.id, l.sci.name]));
  const entries: TimelineEntry[] = rows
    .filter((r) => sciNames.has(r.linkId))
    .map((r) => ({
      id: r.id,
      linkId: r.linkId,
      sciName: sciNames.get(r.linkId) ?? '',
      direction: r.direction === 'JIRA_TO_ZOHO' ? 'JIRA_TO_ZOHO' : 'ZOHO_TO_JIRA',
      outcome: r.outcome === 'FAILED' ? 'FAILED' : 'APPLIED',
      at: r.createdAt.toISOString(),
      changes: storedChanges.parse(r.changes),
      items: storedItems.parse(r.items),
      reason: r.reason,
      runId: r.syncRunId,
    }));
  const health = await Promise.all(
    links.map((l) =>
      healthOf(
        deps,
        l,
        rows.find((r) => r.linkId === l.id),
      ),
    ),
  );
  const canRetry =
    links.some((l) => isAutomated(l.sci)) && (await mayRetry(permissions, tenantId, accountId, issue.id));
  return { entries, health, canRetry };
}

/**
 * Retry from the issue: the link's parked events go back in the SCI's queue (the admin's "retry parked",
 * which covers all the SCI's parked events, as it does there) and its record is re-read and applied again.
 */
export async function retryLink(
  deps: Deps,
  permissions: JiraPermissions,
  tenantId: string,
  accountId: string | undefined,
  issueIdOrKey: string,
  linkId: string,
): Promise<RetryDto> {
  const issue = await issueRef(deps, tenantId, issueIdOrKey);
  const link = await deps.prisma.recordLink.findFirst({
    where: { id: linkId, tenantId, jiraIssueId: issue.id },
    include: { sci: true },
  });
  if (!link) throw new ApiError(404, 'This link no longer exists: reload the panel.', 'NOT_FOUND');
  if (!(await mayRetry(permissions, tenantId, accountId, issue.id))) {
    throw new ApiError(
      403,
      `You do not have permission to edit ${issue.key}, so you cannot retry its sync. Ask a Jira admin for the "Edit Issues" permission in this project.`,
      'ISSUE_NOT_EDITABLE',
    );
  }
  const parked = await deps.prisma.sciQueuedEvent.count({ where: { ...eventsOfLink(link), state: 'PARKED' } });
  if (parked > 0) await signal(deps, link.sci, 'retryParked');
  await resyncLink(deps, link.sci, link.id);
  return { retriedEvents: parked > 0, resyncQueued: true };
}
