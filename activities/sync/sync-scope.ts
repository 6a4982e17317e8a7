// Whether a record or an issue is in scope of its SCI's conditional sync rules (F40), for the engine.
// Records are judged locally on the values the poll already read (lib/sync/sync-rules.ts): the poll lists
// records by modification time and costs the same Zoho credits with or without a filter, while Zoho's
// criteria search has no modified-since paging and caps results, so it could not keep the poll's cursor.
// Issues are judged by Jira's search with the SCI's JQL filter, one search per batch of events.
import { JiraError } from '../../clients/jira';
import type { ZohoRecord } from '../../clients/zoho';
import { issuesMatchingJql } from '../../lib/sync/jql-scope';
import { recordMatches } from '../../lib/sync/sync-rules';
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
