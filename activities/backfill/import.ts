// IMPORT backfill (F34): every record that existed when the SCI was created becomes one Jira issue, linked
// as auto-managed. Fast by working in chunks of Jira's bulk-create size, several at once; exactly once by
// the same rule as auto-create (the write intents of ../sync/intents.ts): each issue carries its link key as
// an entity property and its id is stored right after the bulk create, so a chunk redone after a crash
// links the issues it already made instead of making them again, even before Jira's search index has them.
import pLimit from 'p-limit';
import { BULK_CREATE_MAX, JiraError, jqlAnd, jqlEq, jqlIn, jqlIssueProperty, type CreateIssueInput } from '../../clients/jira';
import type { ZohoRecord } from '../../clients/zoho';
import { describeError, isRecordLevel } from '../errors';
import { createIssueOnce, defaultSummary, LINK_PROPERTY, linkKey, mappedFieldsForCreate } from '../sync/auto-create';
import type { SciContext } from '../sync/context';
import { activitySignal, heartbeat, throwIfCancelled } from '../activity-context';
import { createManyOnce } from '../sync/intents';
import { recordInScope } from '../sync/sync-scope';
import { RunTally } from '../sync/counts';
import { applyRecordToLink, recordFingerprint, zohoTime } from '../sync/zoho-to-jira';
import { fieldMemory } from '../sync/field-memory';
import type { PageTally } from './tally';
import { sciStartSecond } from '../sync/sci-start';

/** Chunks in flight at once per page: enough to hide round trips, few enough to stay clear of Jira's burst limits. */
const CHUNKS_IN_FLIGHT = 4;
/** Records whose follow-up (status, notes, attachments) runs at once. */
const FOLLOW_UP_IN_FLIGHT = 4;

interface IssueRef {
  id: string;
  key: string;
}

/** Records the backfill owns: those created before the SCI. Later ones are auto-create's (or nobody's). */
export function existedBeforeSci(ctx: SciContext, record: ZohoRecord): boolean {
  const created = zohoTime(record, 'Created_Time');
  return created !== null && created < sciStartSecond(ctx.sci);
}

/**
 * The page's records a backfill (IMPORT or MATCH) still has to handle: owned by it, inside the SCI's sync
 * rules and not linked yet. The others are counted as skipped, so a page redone after a crash counts each
 * record once.
 */
export async function recordsToBackfill(ctx: SciContext, records: ZohoRecord[], tally: PageTally): Promise<ZohoRecord[]> {
  const owned: ZohoRecord[] = [];
  // F40: records outside the SCI's conditions are neither imported nor matched.
  for (const r of records) if (existedBeforeSci(ctx, r) && (await recordInScope(ctx, r))) owned.push(r);
  tally.skipped += records.length - owned.length;
  if (owned.length === 0) return [];
  const linked = await ctx.deps.prisma.recordLink.findMany({
    where: { sciId: ctx.sci.id, zohoRecordId: { in: owned.map((r) => r.id) } },
    select: { zohoRecordId: true },
  });
  const already = new Set(linked.map((l) => l.zohoRecordId));
  tally.skipped += already.size;
  return owned.filter((r) => !already.has(r.id));
}

/** Whether a new link needs the full record sync (status move, notes, attachments) beyond the created fields. */
function needsFollowUp(ctx: SciContext): boolean {
  if (ctx.def.syncMode === 'DISPLAY') return false;
  const o = ctx.def.options;
  return o.statusSync !== null || o.notesSync || o.attachmentSync;
}

export async function importRecords(ctx: SciContext, records: ZohoRecord[], tally: PageTally, beat: () => Promise<void>): Promise<void> {
  const todo = await recordsToBackfill(ctx, records, tally);
  if (todo.length === 0) return;
  const chunks: ZohoRecord[][] = [];
  for (let i = 0; i < todo.length; i += BULK_CREATE_MAX) chunks.push(todo.slice(i, i + BULK_CREATE_MAX));
  const limit = pLimit(CHUNKS_IN_FLIGHT);
  await Promise.all(
    chunks.map((chunk) =>
      limit(async () => {
        // Renews this execution's claim and stops if Temporal gave up on it, before any issue is made.
        await beat();
        await importChunk(ctx, chunk, tally);
      }),
    ),
  );
}

async function importChunk(ctx: SciContext, chunk: ZohoRecord[], tally: PageTally): Promise<void> {
  const issues = new Map<string, IssueRef>(); // record id → issue
  const found = await findIssuesByLinkKeys(ctx, chunk);
  for (const [recordId, issue] of found) issues.set(recordId, issue);
  tally.linked += found.size;

  const toCreate = chunk.filter((r) => !found.has(r.id));
  const created = await createChunk(ctx, toCreate, tally);
  for (const [recordId, issue] of created) {
    issues.set(recordId, { id: issue.id, key: issue.key });
    if (issue.created) tally.created += 1;
    else tally.linked += 1;
  }
  if (issues.size === 0) return;

  const followUp = needsFollowUp(ctx);
  const byId = new Map(chunk.map((r) => [r.id, r]));
  const now = new Date();
  await ctx.deps.prisma.recordLink.createMany({
    data: [...issues].map(([recordId, issue]) => {
      const record = byId.get(recordId)!;
      return {
        tenantId: ctx.tenantId,
        sciId: ctx.sci.id,
        jiraIssueId: issue.id,
        jiraIssueKey: issue.key,
        zohoModule: ctx.module,
        zohoRecordId: recordId,
        managed: 'AUTO' as const,
        // The issue was made from these values: the record counts as applied unless a follow-up still runs.
        ...(followUp ? {} : { lastZohoModifiedAt: zohoTime(record), lastZohoFingerprint: recordFingerprint(ctx, record), lastSyncedAt: now }),
      };
    }),
    // Two unique keys (sci+record, sci+issue): a link someone made meanwhile is kept, never doubled.
    skipDuplicates: true,
  });
  if (followUp) await followUpLinks(ctx, chunk.filter((r) => issues.has(r.id)), tally);
}

/** The issues this SCI already made for these records (a chunk redone after a crash), by link property. */
async function findIssuesByLinkKeys(ctx: SciContext, chunk: ZohoRecord[]): Promise<Map<string, IssueRef>> {
  const out = new Map<string, IssueRef>();
  if (chunk.length === 0) return out;
  const jira = await ctx.jira();
  const signal = activitySignal();
  const keys = chunk.map((r) => linkKey(ctx.sci.id, r.id));
  let pages = 0;
  for await (const page of jira.issues.searchPages({
    jql: jqlAnd(jqlEq('project', ctx.def.jiraProjectId), jqlIn(jqlIssueProperty(LINK_PROPERTY, 'key'), keys)),
    fields: ['summary'],
    properties: [LINK_PROPERTY],
    maxResults: BULK_CREATE_MAX * 2,
    ...(signal ? { signal } : {}),
  })) {
    throwIfCancelled();
    heartbeat({ linkKeyLookup: { records: chunk.length, pages: ++pages } });
    for (const issue of page.issues) {
      const prop = issue.properties?.[LINK_PROPERTY] as { recordId?: unknown } | undefined;
      if (typeof prop?.recordId === 'string' && !out.has(prop.recordId)) out.set(prop.recordId, { id: issue.id, key: issue.key ?? issue.id });
    }
  }
  return out;
}

async function createInput(ctx: SciContext, record: ZohoRecord, tally: PageTally): Promise<CreateIssueInput> {
  const runTally = new RunTally();
  const fields = await mappedFieldsForCreate(ctx, record, runTally);
  for (const e of runTally.errors) tally.note(e);
  const summary = typeof fields.summary === 'string' && fields.summary ? fields.summary : defaultSummary(ctx, record);
  delete fields.summary;
  const key = linkKey(ctx.sci.id, record.id);
  return {
    project: { id: ctx.def.jiraProjectId },
    issueType: { id: ctx.def.jiraIssueTypeId },
    summary,
    fields,
    properties: [{ key: LINK_PROPERTY, value: { key, sciId: ctx.sci.id, module: ctx.module, recordId: record.id } }],
  };
}

/**
 * One bulk create for the chunk under the write-intent rule (../sync/intents.ts): an earlier attempt's
 * issues are taken from their stored ids, or found by link key once Jira's search index has caught up,
 * before anything is created. Failed elements are reported per record and the rest go on.
 */
async function createChunk(ctx: SciContext, records: ZohoRecord[], tally: PageTally): Promise<Map<string, IssueRef & { created: boolean }>> {
  const out = new Map<string, IssueRef & { created: boolean }>();
  if (records.length === 0) return out;
  const jira = await ctx.jira();
  const byId = new Map(records.map((r) => [r.id, r]));
  const keys = new Map<string, string>(); // issue id → key, where the create or the search told it
  // Prepared before the intents: a failure here is then no "earlier attempt" that waits out the index.
  const inputs = new Map(await Promise.all(records.map(async (r) => [r.id, await createInput(ctx, r, tally)] as const)));
  let outcomes;
  try {
    outcomes = await createManyOnce(ctx, {
      kind: 'JIRA_ISSUE',
      items: records.map((r) => ({ sourceId: r.id, targetId: ctx.def.jiraProjectId, marker: linkKey(ctx.sci.id, r.id) })),
      searchIndexed: true,
      find: async (ids) => {
        const found = await findIssuesByLinkKeys(ctx, ids.map((id) => byId.get(id)!));
        for (const ref of found.values()) keys.set(ref.id, ref.key);
        return new Map([...found].map(([recordId, ref]) => [recordId, ref.id]));
      },
      create: async (ids, signal) => {
        const batch = ids.map((id) => byId.get(id)!);
        const result = await jira.issues.createMany(batch.map((r) => inputs.get(r.id)!), signal ? { signal } : {});
        const failed = new Map(result.errors.map((e) => [e.failedElementNumber, e]));
        const created = new Map<string, string>();
        const refused: string[] = [];
        let next = 0;
        batch.forEach((record, index) => {
          const failure = failed.get(index);
          if (failure) {
            const why = [...(failure.elementErrors?.errorMessages ?? []), ...Object.entries(failure.elementErrors?.errors ?? {}).map(([k, v]) => `${k}: ${v}`)].join('; ');
            tally.fail(`record ${record.id}: issue not created: Jira ${failure.status ?? 400}: ${why || 'refused'}`);
            refused.push(record.id);
            return;
          }
          const issue = result.issues[next++];
          if (!issue) return;
          created.set(record.id, issue.id);
          keys.set(issue.id, issue.key);
        });
        return { created, refused };
      },
    });
  } catch (err) {
    // Jira answers 400 when every element failed; one at a time tells which record failed and why.
    if (err instanceof JiraError && err.status === 400) {
      const one = await createOneByOne(ctx, records, tally);
      return new Map([...one].map(([recordId, ref]) => [recordId, { ...ref, created: true }]));
    }
    throw err;
  }
  for (const [recordId, outcome] of outcomes) {
    // Ids kept from an earlier attempt come without their key; a read by id is immediate (not the index).
    const key = keys.get(outcome.id) ?? (await jira.issues.get(outcome.id, { fields: ['summary'] })).key;
    out.set(recordId, { id: outcome.id, key, created: outcome.created });
  }
  return out;
}

async function createOneByOne(ctx: SciContext, records: ZohoRecord[], tally: PageTally): Promise<Map<string, IssueRef>> {
  const out = new Map<string, IssueRef>();
  for (const record of records) {
    const runTally = new RunTally();
    try {
      // Idempotent on its own (looks the link key up first) and stores the link itself.
      const link = await createIssueOnce(ctx, record, runTally);
      if (link) out.set(record.id, { id: link.jiraIssueId, key: link.jiraIssueKey });
    } catch (err) {
      if (!isRecordLevel(err)) throw err;
      tally.fail(`record ${record.id}: issue not created: ${describeError(err)}`);
    }
    for (const e of runTally.errors) tally.note(e);
  }
  return out;
}

/** Status, notes and attachments for newly linked records, through the same path a poll uses. */
export async function followUpLinks(ctx: SciContext, records: ZohoRecord[], tally: PageTally): Promise<void> {
  if (records.length === 0) return;
  const links = await ctx.deps.prisma.recordLink.findMany({ where: { sciId: ctx.sci.id, zohoRecordId: { in: records.map((r) => r.id) } } });
  const byRecord = new Map(links.map((l) => [l.zohoRecordId, l]));
  const limit = pLimit(FOLLOW_UP_IN_FLIGHT);
  await Promise.all(
    records.map((record) =>
      limit(async () => {
        const link = byRecord.get(record.id);
        if (!link) return;
        const runTally = new RunTally();
        try {
          await applyRecordToLink(ctx, record, link, runTally);
        } catch (err) {
          if (!isRecordLevel(err)) throw err;
          tally.note(`record ${record.id}: ${describeError(err)}`);
        }
        for (const e of runTally.errors) tally.note(e);
      }),
    ),
  );
  await fieldMemory(ctx).flush();
}
