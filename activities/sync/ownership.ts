// Per-field ownership in 2 Way SCIs (F35). ZOHO-owned fields follow the CRM, JIRA-owned fields follow Jira,
// and a conflicting edit on the other side is overwritten by the owner and noted in the run history. BOTH
// means latest change wins on the field's own modification time: Jira's changelog dates each field; Zoho's
// API dates only the record, so the record's Modified_Time stands in for its fields.
import type { JiraIssue } from '../../clients/jira';
import type { FieldMapping } from '../../lib/sci/definition';

/** When each Jira field last changed, from the issue's changelog (fetched with `changelog: true`). */
export function jiraFieldTimes(issue: JiraIssue): Map<string, Date> {
  const times = new Map<string, Date>();
  for (const h of issue.changelog?.histories ?? []) {
    const at = Date.parse(h.created.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (Number.isNaN(at)) continue;
    for (const item of h.items) {
      const id = item.fieldId ?? item.field;
      const prev = times.get(id);
      if (!prev || prev.getTime() < at) times.set(id, new Date(at));
    }
  }
  return times;
}

export type FieldDecision = 'zoho' | 'jira' | 'none';

/**
 * Which side's value should stand for a mapping whose two values differ. `jiraChangedAt` is the field's
 * last Jira change (undefined: never changed in Jira's history); `zohoChangedAt` the record's Modified_Time.
 */
export function winner(m: FieldMapping, jiraChangedAt: Date | undefined, zohoChangedAt: Date | null): FieldDecision {
  if (m.owner === 'ZOHO') return 'zoho';
  if (m.owner === 'JIRA') return 'jira';
  if (!jiraChangedAt) return 'zoho';
  if (!zohoChangedAt) return 'jira';
  // Zoho's times have one-second resolution: a Jira change inside the same second counts as later.
  return jiraChangedAt.getTime() >= zohoChangedAt.getTime() ? 'jira' : 'zoho';
}
