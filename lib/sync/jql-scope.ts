// The Jira side of conditional sync rules (F40): which of some issues match an SCI's JQL filter, asked of
// Jira's search as `id in (…) AND (<filter>)`, one search per 50 issues. `reconcileIssues` names the same
// ids, so an issue created or edited a moment ago is judged as it is now, not as the lagging index has it.
import { jqlIn, type JiraClient } from '../../clients/jira';

const PER_SEARCH = 50;

/** The ids among `issueIds` that match `jql`; every id when there is no filter. */
export async function issuesMatchingJql(jira: JiraClient, issueIds: readonly string[], jql: string, signal?: AbortSignal): Promise<Set<string>> {
  const ids = [...new Set(issueIds)];
  if (!jql || ids.length === 0) return new Set(ids);
  const matching = new Set<string>();
  for (let i = 0; i < ids.length; i += PER_SEARCH) {
    const chunk = ids.slice(i, i + PER_SEARCH);
    const numeric = chunk.map(Number).filter((n) => Number.isInteger(n));
    let token: string | undefined;
    do {
      const page = await jira.issues.search({
        jql: `${jqlIn('id', chunk)} AND (${jql})`,
        fields: ['id'],
        maxResults: PER_SEARCH,
        ...(numeric.length === chunk.length ? { reconcileIssues: numeric } : {}),
        ...(token ? { nextPageToken: token } : {}),
        ...(signal ? { signal } : {}),
      });
      for (const issue of page.issues) matching.add(issue.id);
      token = page.isLast === true ? undefined : page.nextPageToken;
    } while (token);
  }
  return matching;
}
