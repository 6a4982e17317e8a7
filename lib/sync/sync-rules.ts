// Conditional sync rules (F40), the pure part: which operators a Zoho field's type allows, whether a
// condition's values fit that type (the API refuses the SCI otherwise), and whether a record matches the
// conditions. The field's kind comes from its metadata through lib/sync/field-types.ts, so rules and
// mappings read Zoho's types the same way. No I/O: the engine, the panel and the API all call this.
import {
  OPERATOR_ARITY,
  SYNC_RULE_OPERATOR_LABELS,
  type SyncCondition,
  type SyncRuleOperator,
  type SyncRules,
} from '../../contracts/sync-rules';
import { zohoKind, type ZohoFieldType } from './field-types';

type Kind = ReturnType<typeof zohoKind>;

const EQUALITY: SyncRuleOperator[] = ['equals', 'not_equals', 'in', 'not_in', 'empty', 'not_empty'];
const ORDERED: SyncRuleOperator[] = ['equals', 'not_equals', 'greater_than', 'greater_equal', 'less_than', 'less_equal', 'empty', 'not_empty'];

const OPERATORS: Record<Kind, SyncRuleOperator[]> = {
  text: EQUALITY,
  richtext: ['empty', 'not_empty'],
  option: EQUALITY,
  // A multi-select matches `in` when any chosen value is selected, `not in` when none is.
  options: ['in', 'not_in', 'empty', 'not_empty'],
  labels: ['in', 'not_in', 'empty', 'not_empty'],
  number: ORDERED,
  date: ORDERED,
  datetime: ORDERED,
  boolean: ['equals', 'not_equals'],
  user: EQUALITY,
  unsupported: [],
};

/** The operators a condition on this field may use; none for types rules cannot read. */
export function operatorsFor(field: ZohoFieldType): SyncRuleOperator[] {
  return OPERATORS[zohoKind(field)];
}

/** True when no condition and no JQL filter is set: everything is in scope. */
export function hasNoRules(rules: SyncRules): boolean {
  return rules.conditions.length === 0 && rules.jql === '';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function validDate(s: string): boolean {
  return DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
}

/** Why one value does not fit the field's type, in the admin's words; null when it fits. */
function valueProblem(value: string, field: ZohoFieldType, label: string): string | null {
  switch (zohoKind(field)) {
    case 'number':
      return Number.isFinite(Number(value)) && value.trim() !== '' ? null : `${label} is a number field: "${value}" is not a number.`;
    case 'date':
      return validDate(value) ? null : `${label} is a date field: write the date as YYYY-MM-DD (for example 2026-01-31), not "${value}".`;
    case 'datetime':
      return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? null : `${label} is a date-time field: write it as 2026-01-31T09:00:00+00:00, not "${value}".`;
    case 'boolean':
      return value === 'true' || value === 'false' ? null : `${label} is a checkbox: compare it with true or false, not "${value}".`;
    case 'option':
    case 'options': {
      const values = field.pickListValues ?? [];
      return values.length === 0 || values.includes(value) ? null : `"${value}" is not a value of the Zoho CRM picklist ${label}.`;
    }
    default:
      return null;
  }
}

/** Every problem with one condition given its field's type (label = how the admin page names the field). */
export function conditionProblems(condition: SyncCondition, field: ZohoFieldType, label: string): { on: 'operator' | 'values'; message: string }[] {
  const allowed = operatorsFor(field);
  if (allowed.length === 0) return [{ on: 'operator', message: `${label} is a ${field.dataType} field, which sync rules cannot compare. Choose another field.` }];
  if (!allowed.includes(condition.operator)) {
    return [
      {
        on: 'operator',
        message: `"${SYNC_RULE_OPERATOR_LABELS[condition.operator]}" does not apply to ${label} (a ${field.dataType} field); use ${allowed.map((o) => `"${SYNC_RULE_OPERATOR_LABELS[o]}"`).join(', ')}.`,
      },
    ];
  }
  const arity = OPERATOR_ARITY[condition.operator];
  const n = condition.values.length;
  if (arity === 'none' && n > 0) return [{ on: 'values', message: `"${SYNC_RULE_OPERATOR_LABELS[condition.operator]}" takes no value; remove the value.` }];
  if (arity === 'one' && n !== 1) return [{ on: 'values', message: `"${SYNC_RULE_OPERATOR_LABELS[condition.operator]}" needs exactly one value to compare ${label} with.` }];
  if (arity === 'many' && n === 0) return [{ on: 'values', message: `"${SYNC_RULE_OPERATOR_LABELS[condition.operator]}" needs at least one value.` }];
  return condition.values.map((v) => valueProblem(v, field, label)).filter((m): m is string => m !== null).map((message) => ({ on: 'values' as const, message }));
}

/** The Zoho fields the conditions read: the poll must fetch them to evaluate the rules. */
export function ruleFields(rules: SyncRules): string[] {
  return [...new Set(rules.conditions.map((c) => c.zohoField))];
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** A record value as the texts it can be compared by: lookups and users by id and by name. */
function texts(v: unknown): string[] {
  if (isEmpty(v)) return [];
  if (Array.isArray(v)) return v.flatMap(texts);
  if (typeof v === 'string') return [v];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return [o.id, o.name, o.email].filter((x): x is string => typeof x === 'string' && x !== '');
  }
  return [];
}

/** A number, a day or an instant made comparable; undefined when the value is not one. */
function ordinal(v: unknown, kind: Kind): number | undefined {
  if (isEmpty(v)) return undefined;
  if (kind === 'number') {
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  if (typeof v !== 'string') return undefined;
  // Dates compare by calendar day; date-times by the instant, to the second (Zoho's resolution).
  const t = kind === 'date' ? Date.parse(`${v.slice(0, 10)}T00:00:00Z`) : Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
}

function sameText(a: string, b: string): boolean {
  return a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
}

/** Whether one condition holds for a record value. A value the rule cannot read never matches a comparison. */
export function conditionHolds(condition: SyncCondition, value: unknown, field: ZohoFieldType): boolean {
  const kind = zohoKind(field);
  const op = condition.operator;
  if (op === 'empty') return isEmpty(value);
  if (op === 'not_empty') return !isEmpty(value);
  if (kind === 'boolean') {
    const want = condition.values[0] === 'true';
    const is = value === true || value === 'true';
    return op === 'equals' ? is === want : is !== want;
  }
  if (kind === 'number' || kind === 'date' || kind === 'datetime') {
    const a = ordinal(value, kind);
    const b = ordinal(condition.values[0], kind);
    if (op === 'not_equals') return a === undefined || b === undefined || a !== b;
    if (a === undefined || b === undefined) return false;
    switch (op) {
      case 'equals':
        return a === b;
      case 'greater_than':
        return a > b;
      case 'greater_equal':
        return a >= b;
      case 'less_than':
        return a < b;
      case 'less_equal':
        return a <= b;
      default:
        return false;
    }
  }
  const have = texts(value);
  const anyOf = (wanted: string[]) => have.some((h) => wanted.some((w) => sameText(h, w)));
  switch (op) {
    case 'equals':
      return anyOf(condition.values.slice(0, 1));
    case 'not_equals':
      return !anyOf(condition.values.slice(0, 1));
    case 'in':
      return anyOf(condition.values);
    case 'not_in':
      return !anyOf(condition.values);
    default:
      return false;
  }
}

/**
 * Whether a record is in scope of the conditions. No conditions: always. A condition on a field the
 * metadata no longer has cannot hold (the record is treated as outside the rules rather than synced blind).
 */
export function recordMatches(rules: SyncRules, record: Record<string, unknown>, fields: ReadonlyMap<string, ZohoFieldType>): boolean {
  if (rules.conditions.length === 0) return true;
  const results = rules.conditions.map((c) => {
    const field = fields.get(c.zohoField);
    return field !== undefined && conditionHolds(c, record[c.zohoField], field);
  });
  return rules.match === 'all' ? results.every(Boolean) : results.some(Boolean);
}
