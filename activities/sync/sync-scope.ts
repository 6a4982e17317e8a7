// Whether a record or an issue is in scope of its SCI's conditional sync rules (F40), for the engine.
// Records are judged locally on the values the poll already read (lib/sync/sync-rules.ts): the poll lists
// records by modification time and costs the same Zoho credits with or without a filter, while Zoho's
// criteria search has no modified-since paging and caps results, so it could not keep the poll's cursor.
// Issues are judged by Jira's search with the SCI's JQL filter, one search per batch of events.
import { JiraError } from '../../clients/jira';
import type { ZohoRecord } from '../../clients/zoho';
import { issuesMatchingJql } from '../../lib/sync/jql-scope';
import { recordMatches } from '../../lib/sync/sync-rules';
import { signalOption } from '../activity-context';
import { describeError } from '../errors';
import type { SciContext } from './context';

/** The record matches the SCI's conditions (always, when it has none). */
export async function recordInScope(ctx: SciContext, record: ZohoRecord): Promise<boolean> {
  const rules = ctx.def.options.syncRules;
  if (rules.conditions.length === 0) return true;
  return recordMatches(rules, record, await ctx.zohoFields());
}

/** Issues of a batch outside the JQL filter, or why Jira would not judge them (the filter no longer parses). */
export async function issuesOutsideJql(ctx: SciContext, issueIds: string[]): Promise<{ outside: Set<string>; refused?: string }> {
  const jql = ctx.def.options.syncRules.jql;
  if (!jql || issueIds.length === 0) return { outside: new Set() };
  try {
    const matching = await issuesMatchingJql(await ctx.jira(), issueIds, jql);
    return { outside: new Set(issueIds.filter((id) => !matching.has(id))) };
  } catch (err) {
    // A 400 means Jira no longer accepts the saved filter (a field was removed, say): nothing is judged in
    // scope, and the events are parked with Jira's reason until the admin fixes the filter and retries.
    if (err instanceof JiraError && err.status === 400) {
      return { outside: new Set(issueIds), refused: `Jira no longer accepts this SCI's JQL filter: ${describeError(err)}` };
    }
    throw err;
  }
}

/**
 * The links whose records match the SCI's conditions, for work that starts from links rather than from
 * records read by the poll (quiet notes, the attachment sweep): one Zoho read per 100 links, and none when
 * the SCI has no conditions. A record Zoho no longer returns is left to the existing not-found handling.
 */
export async function linksInScope<L extends { zohoRecordId: string }>(ctx: SciContext, links: L[]): Promise<L[]> {
  const rules = ctx.def.options.syncRules;
  if (rules.conditions.length === 0 || links.length === 0) return links;
  const zoho = await ctx.zoho();
  const outside = new Set<string>();
  const ids = [...new Set(links.map((l) => l.zohoRecordId))];
  for (let i = 0; i < ids.length; i += 100) {
    const page = await zoho.records.list(ctx.module, { fields: ctx.recordFields, ids: ids.slice(i, i + 100), ...signalOption() });
    for (const record of page.records) if (!(await recordInScope(ctx, record))) outside.add(record.id);
  }
  return links.filter((l) => !outside.has(l.zohoRecordId));
}
