// Conditional sync rules of a Smart Connected Item (F40): conditions on Zoho CRM fields (the field picker and
// each field's operators come from live metadata), combined with all/any, and a JQL filter on the Jira side.
// The API checks them against the same metadata and Jira's own JQL parser; its messages show at each control.
import Button from '@atlaskit/button/new';
import { ErrorMessage as FieldError, Label } from '@atlaskit/form';
import Heading from '@atlaskit/heading';
import { Box, Grid, Stack } from '@atlaskit/primitives';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { useState } from 'react';
import {
  MAX_SYNC_CONDITIONS,
  OPERATOR_ARITY,
  SYNC_RULE_OPERATOR_LABELS,
  type SyncCondition,
  type SyncRuleOperator,
  type SyncRules,
} from '../../../../contracts';
import type { DataOf } from '../../../src/types';
import { Subtle } from '../shared/layout';

type ZohoField = DataOf<'metadata/zoho-fields'>[number];
type Opt = { value: string; label: string };
type Problem = { path: string; message: string };

const MATCH_OPTS: Opt[] = [
  { value: 'all', label: 'All conditions hold' },
  { value: 'any', label: 'Any condition holds' },
];

const PLACEHOLDERS: Record<string, string> = {
  date: 'A date, e.g. 2026-01-31',
  datetime: 'e.g. 2026-01-31T09:00:00+00:00',
  boolean: 'true or false',
  integer: 'A number, e.g. 50000',
  bigint: 'A number, e.g. 50000',
  double: 'A number, e.g. 50000',
  decimal: 'A number, e.g. 50000',
  currency: 'An amount, e.g. 50000',
  percent: 'A number, e.g. 50',
  long: 'A number, e.g. 50000',
};

export const EMPTY_SYNC_RULES: SyncRules = { match: 'all', conditions: [], jql: '' };

interface Props {
  /** Fields of the SCI's module (live metadata). */
  fields: ZohoField[];
  value: SyncRules;
  onChange: (value: SyncRules) => void;
  /** The API's problems from the last save; those under `options.syncRules` show at their control. */
  problems: Problem[];
}

function messagesAt(problems: Problem[], prefix: string): string[] {
  return problems.filter((p) => p.path === prefix || p.path.startsWith(`${prefix}.`)).map((p) => p.message);
}

/** Free-text values: one value, or a comma-separated list for "is any of" / "is none of". */
function TextValues(props: { id: string; many: boolean; placeholder: string; values: string[]; onChange: (v: string[]) => void }) {
  const [text, setText] = useState(props.values.join(', '));
  return (
    <Textfield
      id={props.id}
      aria-label="Value"
      placeholder={props.many ? `${props.placeholder} (separate values with commas)` : props.placeholder}
      value={text}
      onChange={(e) => {
        const raw = e.currentTarget.value;
        setText(raw);
        const parts = props.many ? raw.split(',') : [raw];
        props.onChange(parts.map((p) => p.trim()).filter((p) => p !== ''));
      }}
    />
  );
}

function ConditionRow(props: { index: number; fields: ZohoField[]; condition: SyncCondition; errors: string[]; onChange: (c: SyncCondition) => void; onRemove: () => void }) {
  const { index: i, fields, condition } = props;
  const field = fields.find((f) => f.apiName === condition.zohoField);
  const fieldOpts: Opt[] = fields.filter((f) => f.ruleOperators.length > 0).map((f) => ({ value: f.apiName, label: f.label }));
  const operators = field?.ruleOperators ?? [];
  const operatorOpts: Opt[] = operators.map((o) => ({ value: o, label: SYNC_RULE_OPERATOR_LABELS[o] }));
  const arity = OPERATOR_ARITY[condition.operator];
  const picks: Opt[] = (field?.pickListValues ?? []).map((p) => ({ value: p.actualValue, label: p.displayValue }));
  const pickFor = (v: string): Opt => picks.find((p) => p.value === v) ?? { value: v, label: v };
  const fieldLabel = fieldOpts.find((o) => o.value === condition.zohoField) ?? (condition.zohoField ? { value: condition.zohoField, label: condition.zohoField } : null);
  return (
    <Stack space="space.050" testId={`rule-${i}`}>
      <Grid templateColumns="1fr 1fr 2fr auto" gap="space.100" alignItems="center">
        <Select
          inputId={`rule-${i}-field`}
          aria-label="Zoho CRM field"
          placeholder="Zoho CRM field"
          options={fieldOpts}
          value={fieldLabel}
          onChange={(o) => {
            if (!o) return;
            const next = fields.find((f) => f.apiName === o.value);
            props.onChange({ zohoField: o.value, operator: next?.ruleOperators[0] ?? 'equals', values: [] });
          }}
        />
        <Select
          inputId={`rule-${i}-operator`}
          aria-label="Condition"
          placeholder="Condition"
          isDisabled={!field}
          options={operatorOpts}
          value={{ value: condition.operator, label: SYNC_RULE_OPERATOR_LABELS[condition.operator] }}
          onChange={(o) => {
            if (!o) return;
            const operator = o.value as SyncRuleOperator;
            const values = OPERATOR_ARITY[operator] === 'none' ? [] : OPERATOR_ARITY[operator] === 'one' ? condition.values.slice(0, 1) : condition.values;
            props.onChange({ ...condition, operator, values });
          }}
        />
        {arity === 'none' ? (
          <span />
        ) : picks.length > 0 ? (
          <Select
            inputId={`rule-${i}-values`}
            aria-label="Value"
            placeholder={arity === 'many' ? 'Values' : 'Value'}
            isMulti={arity === 'many'}
            options={picks}
            value={arity === 'many' ? condition.values.map(pickFor) : condition.values[0] ? pickFor(condition.values[0]) : null}
            onChange={(o) => {
              const chosen = o === null ? [] : Array.isArray(o) ? (o as readonly Opt[]).map((x) => x.value) : [(o as Opt).value];
              props.onChange({ ...condition, values: chosen });
            }}
          />
        ) : (
          <TextValues
            key={`${condition.zohoField}:${arity}`}
            id={`rule-${i}-value`}
            many={arity === 'many'}
            placeholder={PLACEHOLDERS[field?.dataType ?? ''] ?? 'Value'}
            values={condition.values}
            onChange={(values) => props.onChange({ ...condition, values })}
          />
        )}
        <Button appearance="subtle" onClick={props.onRemove}>
          Remove
        </Button>
      </Grid>
      {props.errors.map((m) => (
        <FieldError key={m} testId={`rule-${i}-error`}>
          {m}
        </FieldError>
      ))}
    </Stack>
  );
}

export function SyncRulesEditor({ fields, value, onChange, problems }: Props) {
  const jqlErrors = messagesAt(problems, 'options.syncRules.jql');
  const generalErrors = problems.filter((p) => p.path === 'options.syncRules').map((p) => p.message);
  const setCondition = (i: number, c: SyncCondition) => onChange({ ...value, conditions: value.conditions.map((x, j) => (j === i ? c : x)) });
  return (
    <Stack space="space.100" testId="sync-rules-editor">
      <Heading size="xsmall" as="h3">
        Sync rules
      </Heading>
      <Subtle>
        Which Zoho CRM records and Jira issues this item syncs, beyond the module, project and issue type. Without rules every record and issue is in scope.
        A linked record that stops matching keeps its link but stops syncing until it matches again.
      </Subtle>
      {generalErrors.map((m) => (
        <FieldError key={m}>{m}</FieldError>
      ))}
      <Stack space="space.050">
        <Label htmlFor="sync-rules-match">Zoho CRM records in scope when</Label>
        <Select
          inputId="sync-rules-match"
          options={MATCH_OPTS}
          value={MATCH_OPTS.find((o) => o.value === value.match) ?? MATCH_OPTS[0]}
          onChange={(o) => o && onChange({ ...value, match: o.value as SyncRules['match'] })}
        />
      </Stack>
      {value.conditions.map((c, i) => (
        <ConditionRow
          key={i}
          index={i}
          fields={fields}
          condition={c}
          errors={messagesAt(problems, `options.syncRules.conditions.${i}`)}
          onChange={(next) => setCondition(i, next)}
          onRemove={() => onChange({ ...value, conditions: value.conditions.filter((_, j) => j !== i) })}
        />
      ))}
      <Box>
        <Button
          isDisabled={value.conditions.length >= MAX_SYNC_CONDITIONS}
          onClick={() => onChange({ ...value, conditions: [...value.conditions, { zohoField: '', operator: 'equals', values: [] }] })}
        >
          Add condition
        </Button>
      </Box>
      <Stack space="space.050">
        <Label htmlFor="sync-rules-jql">Jira issues in scope (JQL filter)</Label>
        <Textfield
          id="sync-rules-jql"
          value={value.jql}
          placeholder="e.g. labels = customer AND priority in (High, Highest)"
          onChange={(e) => onChange({ ...value, jql: e.currentTarget.value })}
        />
        {jqlErrors.length > 0 ? (
          jqlErrors.map((m) => (
            <FieldError key={m} testId="sync-rules-jql-error">
              {m}
            </FieldError>
          ))
        ) : (
          <Subtle>Issues outside the filter are not synced to Zoho CRM. Leave it empty for every issue of the project and type.</Subtle>
        )}
      </Stack>
    </Stack>
  );
}
