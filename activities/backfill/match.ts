// MATCH backfill (F34): link records that existed before the SCI to issues that already exist, where the
// chosen Zoho field holds the same value as the chosen Jira field (trimmed, case-insensitive). The project's
// issues are read once per run and worker into an index (JQL cannot compare text fields for equality); a
// value held by several issues is ambiguous and left for a person. Links are exactly once by the RecordLink
// unique keys; matched records are then synced like any linked record.
import { jqlEq, jqlOrderBy } from '../../clients/jira';
import type { ZohoRecord } from '../../clients/zoho';
import type { SciContext } from '../sync/context';
import { activitySignal, heartbeat, throwIfCancelled } from '../activity-context';
import { followUpLinks, recordsToBackfill } from './import';
import type { PageTally } from './tally';

interface MatchIndex {
  /** normalised value → issues holding it */
  byValue: Map<string, { id: string; key: string }[]>;
}

const INDEX_TTL_MS = 15 * 60_000;
const SEARCH_PAGE = 100;

/** A comparable form of a field value: text, numbers, picklist options and lookups by their name. */
export function matchValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim().toLowerCase() || undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    for (const k of ['value', 'name', 'key']) if (typeof o[k] === 'string') return matchValue(o[k]);
  }
  return undefined;
}

export class MatchIndexes {
  private readonly entries = new Map<string, { at: number; value: Promise<MatchIndex> }>();

  get(ctx: SciContext, runStartedAt: string): Promise<MatchIndex> {
    const key = `${ctx.sci.id}:${runStartedAt}`;
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < INDEX_TTL_MS) return hit.value;
    const value = buildIndex(ctx);
    this.entries.set(key, { at: Date.now(), value });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  drop(sciId: string, runStartedAt: string): void {
    this.entries.delete(`${sciId}:${runStartedAt}`);
  }
}

async function buildIndex(ctx: SciContext): Promise<MatchIndex> {
  const field = ctx.def.options.backfill.matchJiraField!;
  const jira = await ctx.jira();
  const byValue = new Map<string, { id: string; key: string }[]>();
  const signal = activitySignal();
  let pages = 0;
  let issues = 0;
  for await (const page of jira.issues.searchPages({
    jql: jqlOrderBy(jqlEq('project', ctx.def.jiraProjectId), { field: 'id' }),
    fields: [field],
    maxResults: SEARCH_PAGE,
    maxPages: 10_000,
    ...(signal ? { signal } : {}),
  })) {
    // A large project takes many pages: report progress so the attempt is not declared dead meanwhile, and
    // stop reading once Temporal has given up on it.
    throwIfCancelled();
    pages += 1;
    issues += page.issues.length;
    heartbeat({ matchIndex: { pages, issues } });
    for (const issue of page.issues) {
      const v = matchValue((issue.fields as Record<string, unknown> | undefined)?.[field]);
      if (v === undefined) continue;
      const list = byValue.get(v) ?? [];
      list.push({ id: issue.id, key: issue.key ?? issue.id });
      byValue.set(v, list);
    }
  }
  return { byValue };
}

export async function matchRecords(ctx: SciContext, records: ZohoRecord[], tally: PageTally, index: MatchIndex, beat: () => Promise<void>): Promise<void> {
  const { prisma } = ctx.deps;
  const zohoField = ctx.def.options.backfill.matchZohoField!;
  const todo = await recordsToBackfill(ctx, records, tally);
  if (todo.length === 0) return;

  const candidates: { record: ZohoRecord; issue: { id: string; key: string } }[] = [];
  for (const record of todo) {
    const v = matchValue(record[zohoField]);
    const issues = v === undefined ? undefined : index.byValue.get(v);
    if (!issues) {
      tally.skipped += 1;
      continue;
    }
    if (issues.length > 1) {
      tally.fail(`record ${record.id}: ${issues.length} issues (${issues.slice(0, 3).map((i) => i.key).join(', ')}…) hold the same ${zohoField} value; link it by hand`);
      continue;
    }
    candidates.push({ record, issue: issues[0]! });
  }
  if (candidates.length === 0) return;

  // An issue already linked in this SCI (to another record) stays as it is.
  const taken = await prisma.recordLink.findMany({
    where: { sciId: ctx.sci.id, jiraIssueId: { in: candidates.map((c) => c.issue.id) } },
    select: { jiraIssueId: true },
  });
  const takenIds = new Set(taken.map((t) => t.jiraIssueId));
  const seenIssues = new Set<string>();
  const fresh = candidates.filter((c) => {
    if (takenIds.has(c.issue.id) || seenIssues.has(c.issue.id)) {
      tally.skipped += 1;
      return false;
    }
    seenIssues.add(c.issue.id);
    return true;
  });
  const made = await prisma.recordLink.createMany({
    data: fresh.map((c) => ({
      tenantId: ctx.tenantId,
      sciId: ctx.sci.id,
      jiraIssueId: c.issue.id,
      jiraIssueKey: c.issue.key,
      zohoModule: ctx.module,
      zohoRecordId: c.record.id,
      managed: 'AUTO' as const,
    })),
    skipDuplicates: true,
  });
  tally.linked += made.count;
  tally.skipped += fresh.length - made.count;
  await beat();
  if (ctx.def.syncMode !== 'DISPLAY') await followUpLinks(ctx, fresh.map((c) => c.record), tally);
  await beat();
}
