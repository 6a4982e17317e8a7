// Status sync (F17): a Zoho picklist value maps to a Jira status, reached through one of the issue's
// available transitions; fields the transition screen requires are filled with their first allowed value.
// A value without a mapping, or a status no transition reaches, is reported — never guessed.
import type { JiraClient, JiraIssue } from '../../clients/jira';
import type { StatusSync } from '../../lib/sci/definition';
import type { SciContext } from './context';
import type { RunTally } from './counts';

export function jiraStatusFor(zohoValue: unknown, statusSync: StatusSync): string | undefined {
  if (typeof zohoValue !== 'string') return undefined;
  return statusSync.valueMap.find((v) => v.zohoValue === zohoValue)?.jiraStatusId;
}

/** The Zoho value for a Jira status; the current value wins when it already maps there (several may). */
export function zohoValueFor(jiraStatusId: string, current: unknown, statusSync: StatusSync): string | undefined {
  const candidates = statusSync.valueMap.filter((v) => v.jiraStatusId === jiraStatusId).map((v) => v.zohoValue);
  if (typeof current === 'string' && candidates.includes(current)) return current;
  return candidates[0];
}

export async function moveJiraStatus(
  _ctx: SciContext,
  jira: JiraClient,
  issueId: string,
  issue: JiraIssue,
  zohoValue: unknown,
  statusSync: StatusSync,
  tally: RunTally,
): Promise<boolean> {
  if (zohoValue === null || zohoValue === undefined) return false;
  const target = jiraStatusFor(zohoValue, statusSync);
  if (!target) {
    tally.error(
      `${issue.key}: Zoho ${statusSync.zohoField} "${typeof zohoValue === 'string' ? zohoValue : JSON.stringify(zohoValue)}" has no Jira status mapping`,
    );
    return false;
  }
  const currentStatus = (issue.fields as { status?: { id?: string } } | undefined)?.status?.id;
  if (currentStatus === target) return false;
  const transitions = await jira.issues.getTransitions(issueId);
  const transition = transitions.find((t) => t.to.id === target);
  if (!transition) {
    tally.error(`${issue.key}: no transition leads from the current status to status ${target}`);
    return false;
  }
  const fields: Record<string, unknown> = {};
  for (const [fieldId, meta] of Object.entries(
    (
      transition as {
        fields?: Record<string, { required?: boolean; hasDefaultValue?: boolean; allowedValues?: unknown[] }>;
      }
    ).fields ?? {},
  )) {
    if (meta.required && !meta.hasDefaultValue && meta.allowedValues && meta.allowedValues.length > 0) {
      const first = meta.allowedValues[0] as { id?: string; name?: string };
      fields[fieldId] = first.id ? { id: first.id } : { name: first.name };
    }
  }
  await jira.issues.transition(issueId, {
    transitionId: transition.id,
    ...(Object.keys(fields).length ? { fields } : {}),
  });
  return true;
}
