// "Outside this SCI's rules" on a linked card (F40): a link whose record no longer matches the SCI's
// conditions, or whose issue does not match its JQL filter, keeps its link but is not synced (or, for the
// JQL filter, not sent to Zoho CRM); the card says which. Judged as the engine judges it: the record's
// current values against the conditions (lib/sync/sync-rules.ts), the issue through Jira's search.
import type { JiraClient } from '../../clients/jira';
import type { ZohoRecord } from '../../clients/zoho';
import { OUTSIDE_RULES_MESSAGE } from '../../contracts/sync-rules';
import { PromiseCache } from '../../lib/cache';
import { definitionOf } from '../../lib/sci/definition';
import { zohoFieldType, type ZohoFieldType } from '../../lib/sync/field-types';
import { issuesMatchingJql } from '../../lib/sync/jql-scope';
import { recordMatches, ruleFields } from '../../lib/sync/sync-rules';
import type { SmartConnectedItem } from '../../prisma/generated/client';
import type { ZohoAccess } from './zoho-access';

// Field types change rarely; the panel opens often.
const fieldTypes = new PromiseCache({ ttlMs: 5 * 60_000 });

/** The Zoho fields the SCI's conditions read: the panel reads them with the preview fields. */
export function ruleFieldNames(sci: SmartConnectedItem): string[] {
  return ruleFields(definitionOf(sci).options.syncRules);
}

function typesFor(tenantId: string, access: Extract<ZohoAccess, { state: 'ok' }>, module: string): Promise<Map<string, ZohoFieldType>> {
  return fieldTypes.get(`${tenantId}:${access.mode}:${module}`, async () => {
    const fields = await access.client.metadata.fields(module);
    return new Map(fields.map((f) => [f.api_name, zohoFieldType(f)]));
  });
}

/**
 * Why the link is outside its SCI's rules, in the user's words; null when it is inside them or when the
 * record could not be read (then the card already says why).
 */
export async function outsideRules(
  tenantId: string,
  access: ZohoAccess,
  jira: () => Promise<JiraClient>,
  sci: SmartConnectedItem,
  link: { jiraIssueId: string; zohoModule: string },
  record: ZohoRecord | undefined,
): Promise<string | null> {
  const rules = definitionOf(sci).options.syncRules;
  if (rules.conditions.length > 0 && access.state === 'ok' && record) {
    if (!recordMatches(rules, record, await typesFor(tenantId, access, link.zohoModule))) {
      return `${OUTSIDE_RULES_MESSAGE}: this Zoho CRM record does not match the item's conditions, so it is not synced until it does.`;
    }
  }
  if (rules.jql) {
    // When Jira cannot judge the filter now, the card shows without the note rather than failing the panel.
    const matching = await issuesMatchingJql(await jira(), [link.jiraIssueId], rules.jql).catch(() => null);
    if (matching && !matching.has(link.jiraIssueId)) {
      return `${OUTSIDE_RULES_MESSAGE}: this issue does not match the item's JQL filter, so its changes are not sent to Zoho CRM.`;
    }
  }
  return null;
}
