// Validation of an SCI's conditional sync rules (F40) against live metadata: each condition's field must
// exist in the module and its operator and values must fit the field's type (lib/sync/sync-rules.ts), and
// the JQL filter must be one Jira itself accepts (POST /rest/api/3/jql/parse, in the app's context). Problems
// name the body path, as sci-validation.ts does, so the editor shows each message at its control.
import type { JiraClient } from '../../clients/jira';
import type { ZohoFieldMeta } from '../../clients/zoho';
import type { SciDefinition } from '../../lib/sci/definition';
import { zohoFieldType } from '../../lib/sync/field-types';
import { conditionProblems } from '../../lib/sync/sync-rules';
import type { Problem } from './api-errors';

/** What Jira said about the JQL filter: nothing to check, accepted, or its errors. */
export type JqlVerdict = { state: 'none' } | { state: 'ok'; ordered: boolean } | { state: 'invalid'; errors: string[] };

const labelOf = (f: ZohoFieldMeta) => f.field_label ?? f.display_label ?? f.api_name;

/** Every problem with the sync rules; `zohoFields` null means the module was already reported. */
export function validateSyncRules(def: SciDefinition, zohoFields: ZohoFieldMeta[] | null, jql: JqlVerdict): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const rules = def.options.syncRules;
  const hasRules = rules.conditions.length > 0 || rules.jql !== '';
  if (hasRules && def.syncMode === 'DISPLAY') add('options.syncRules', 'Sync rules need a synchronized item (1 Way or 2 Way); Display items do not sync.');

  if (zohoFields) {
    const fields = new Map(zohoFields.map((f) => [f.api_name, f]));
    rules.conditions.forEach((condition, i) => {
      const base = `options.syncRules.conditions.${i}`;
      const field = fields.get(condition.zohoField);
      if (!field) {
        add(`${base}.zohoField`, `The Zoho CRM module ${def.zohoModule} has no field "${condition.zohoField}".`);
        return;
      }
      for (const p of conditionProblems(condition, zohoFieldType(field), labelOf(field))) add(`${base}.${p.on}`, p.message);
    });
  }

  if (jql.state === 'invalid') add('options.syncRules.jql', `Jira does not accept this JQL filter: ${jql.errors.join(' ')}`);
  else if (jql.state === 'ok' && jql.ordered) add('options.syncRules.jql', 'The JQL filter chooses issues; it cannot sort them. Remove ORDER BY.');
  return problems;
}

/** Asks Jira to parse the JQL filter (no call when there is none). */
export async function checkJqlFilter(def: SciDefinition, jira: JiraClient): Promise<JqlVerdict> {
  const jql = def.options.syncRules.jql;
  if (!jql) return { state: 'none' };
  const [parsed] = await jira.issues.parseJql([jql]);
  const errors = parsed?.errors ?? [];
  if (errors.length > 0) return { state: 'invalid', errors };
  return { state: 'ok', ordered: (parsed?.structure?.orderBy?.fields.length ?? 0) > 0 };
}
