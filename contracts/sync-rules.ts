// Conditional sync rules (F40): per SCI, which CRM records and which Jira issues are in scope beyond the
// module, project and issue type. Conditions on Zoho fields (combined with all/any) and a JQL filter on the
// Jira side, stored in the SCI's options (`options.syncRules`). No conditions and no JQL (the default) means
// every record and issue is in scope. Pure zod, so the Forge bundle can import it.
import { z } from 'zod';

/** Most conditions one SCI may have, and most values of one `in` / `not in` condition. */
export const MAX_SYNC_CONDITIONS = 20;
export const MAX_CONDITION_VALUES = 100;
export const MAX_JQL_FILTER_LENGTH = 2000;

export const SYNC_RULE_OPERATORS = [
  'equals',
  'not_equals',
  'in',
  'not_in',
  'empty',
  'not_empty',
  'greater_than',
  'greater_equal',
  'less_than',
  'less_equal',
] as const;
export type SyncRuleOperator = (typeof SYNC_RULE_OPERATORS)[number];

/** How the editor names each operator (and the API's messages quote it). */
export const SYNC_RULE_OPERATOR_LABELS: Record<SyncRuleOperator, string> = {
  equals: 'is',
  not_equals: 'is not',
  in: 'is any of',
  not_in: 'is none of',
  empty: 'is empty',
  not_empty: 'is not empty',
  greater_than: 'is greater than',
  greater_equal: 'is at least',
  less_than: 'is less than',
  less_equal: 'is at most',
};

/** How many values each operator takes: none, exactly one, or a list of one or more. */
export const OPERATOR_ARITY: Record<SyncRuleOperator, 'none' | 'one' | 'many'> = {
  equals: 'one',
  not_equals: 'one',
  in: 'many',
  not_in: 'many',
  empty: 'none',
  not_empty: 'none',
  greater_than: 'one',
  greater_equal: 'one',
  less_than: 'one',
  less_equal: 'one',
};

export const syncConditionSchema = z.object({
  /** A Zoho field API name of the SCI's module, e.g. `Stage`. */
  zohoField: z.string().trim().min(1).max(200),
  operator: z.enum(SYNC_RULE_OPERATORS),
  /**
   * The values compared with, as text: a number (`50000`), a date (`2026-01-31`), a date-time
   * (`2026-01-31T09:00:00+00:00`), `true`/`false`, or a picklist's actual value. None for empty / not empty.
   */
  values: z.array(z.string().trim().min(1).max(500)).max(MAX_CONDITION_VALUES).default([]),
});
export type SyncCondition = z.infer<typeof syncConditionSchema>;

export const syncRulesSchema = z
  .object({
    /** all: every condition must hold; any: one is enough. */
    match: z.enum(['all', 'any']).default('all'),
    conditions: z.array(syncConditionSchema).max(MAX_SYNC_CONDITIONS).default([]),
    /** Jira issues in scope, as a JQL filter (no ORDER BY); empty means every issue of the project and type. */
    jql: z.string().trim().max(MAX_JQL_FILTER_LENGTH).default(''),
  })
  .default({ match: 'all', conditions: [], jql: '' });
export type SyncRules = z.infer<typeof syncRulesSchema>;

/** What the panel says on a linked card whose record or issue is outside the SCI's rules. */
export const OUTSIDE_RULES_MESSAGE = "Outside this SCI's rules";
