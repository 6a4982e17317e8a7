// "Map values" and "Map users" on a field mapping row (F41). Map values: each Zoho CRM picklist value
// (from the module's field metadata) gets a Jira value (priorities, a select field's options, labels, from
// live metadata), several Zoho values may share one; a default for values with no entry, and otherwise
// leave the field unchanged or clear it. Map users: users are matched by e-mail address; the table sets
// overrides for those who are not (different addresses), and the fallback says what an unmatched user does.
import Button from '@atlaskit/button/new';
import { Box, Grid, Inline, Stack } from '@atlaskit/primitives';
import Select, { CreatableSelect } from '@atlaskit/select';
import {
  UNMAPPED_LABELS,
  USER_FALLBACK_LABELS,
  unmappedActions,
  userFallbacks,
  userMapSchema,
  valueMapSchema,
  type UnmappedAction,
  type UserFallback,
  type UserMap,
  type ValueMap,
} from '../../../../contracts';
import type { DataOf, FieldMappingInput } from '../../../src/types';
import { useCall } from '../shared/hooks';
import { useState } from 'react';
import { ErrorMessage } from '../shared/ErrorMessage';
import { Subtle } from '../shared/layout';

type ZohoField = DataOf<'metadata/zoho-fields'>[number];
type JiraField = DataOf<'metadata/jira-fields'>[number];
type Opt = { value: string; label: string };

const NOT_MAPPED = '';
const ZOHO_CHOICE_TYPES = ['picklist', 'multiselectpicklist'];
const ZOHO_USER_TYPES = ['ownerlookup', 'userlookup'];
const ZOHO_TEXT_TYPES = ['text', 'textarea', 'email', 'phone', 'website'];

export function isChoicePair(z: ZohoField | undefined, j: JiraField | undefined): boolean {
  if (!z || !j || !ZOHO_CHOICE_TYPES.includes(z.dataType)) return false;
  return (
    j.schemaType === 'priority' ||
    j.schemaType === 'option' ||
    (j.schemaType === 'array' && (j.items === 'option' || j.items === 'string'))
  );
}
export function isUserPair(z: ZohoField | undefined, j: JiraField | undefined): boolean {
  return !!z && !!j && ZOHO_USER_TYPES.includes(z.dataType) && j.schemaType === 'user';
}

const opt = (v: string): Opt => ({ value: v, label: v });

interface Props {
  index: number;
  mapping: FieldMappingInput;
  zohoField: ZohoField | undefined;
  jiraField: JiraField | undefined;
  zohoFields: ZohoField[];
  jiraFields: JiraField[];
  twoWay: boolean;
  onChange: (patch: Partial<FieldMappingInput>) => void;
}

/** The toggle and panel under one mapping row; nothing for pairs no map applies to. */
export function MappingValuesPanel(props: Props) {
  const choice = isChoicePair(props.zohoField, props.jiraField);
  const user = isUserPair(props.zohoField, props.jiraField);
  const [open, setOpen] = useState(false);
  if (!choice && !user) return null;
  const label = choice ? 'Map values' : 'Map users';
  const configured = choice ? !!props.mapping.valueMap : !!props.mapping.userMap;
  return (
    <Stack space="space.100" testId={`mapping-${props.index}-map`}>
      <Inline space="space.100" alignBlock="center">
        <Button appearance="subtle" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? `Hide ${label.toLowerCase()}` : label}
        </Button>
        {!open && configured && (
          <Subtle>{choice ? 'Values are mapped.' : 'Users have overrides or a fallback.'}</Subtle>
        )}
      </Inline>
      {open && choice && <ValueMapPanel {...props} />}
      {open && user && <UserMapPanel {...props} />}
    </Stack>
  );
}

function ValueMapPanel({ index: i, mapping, zohoField, jiraField, twoWay, onChange }: Props) {
  const values = useCall('metadata/jira-field-values', jiraField ? { fieldId: jiraField.id } : null, [jiraField?.id]);
  const map: ValueMap = mapping.valueMap ? valueMapSchema.parse(mapping.valueMap) : valueMapSchema.parse({});
  const set = (patch: Partial<ValueMap>) => onChange({ valueMap: { ...map, ...patch } });
  const zohoValues = (zohoField?.pickListValues ?? []).map((p) => p.actualValue).filter((v) => v && v !== '-None-');
  const jiraOpts: Opt[] = (values.state.data?.values ?? []).map(opt);
  const anyValue = values.state.data?.anyValue ?? false;
  const ValueSelect = anyValue ? CreatableSelect : Select;
  const choiceOpts: Opt[] = [{ value: NOT_MAPPED, label: '— Not mapped —' }, ...jiraOpts];
  const entryFor = (zv: string) => map.entries.find((e) => e.zohoValue === zv)?.jiraValue ?? NOT_MAPPED;
  const setEntry = (zv: string, jv: string) => {
    const rest = map.entries.filter((e) => e.zohoValue !== zv);
    // Keep the picklist's order, so "the first entry listing a Jira value" is the first in the table.
    const next = jv === NOT_MAPPED ? rest : [...rest, { zohoValue: zv, jiraValue: jv }];
    set({ entries: zohoValues.flatMap((v) => next.filter((e) => e.zohoValue === v)) });
  };
  const unmappedOpts: Opt[] = unmappedActions.map((a) => ({ value: a, label: UNMAPPED_LABELS[a] }));
  return (
    <Stack space="space.100" testId={`mapping-${i}-value-map`}>
      {values.state.status === 'error' && (
        <ErrorMessage error={values.state.error} onRetry={() => void values.reload()} />
      )}
      <Subtle>
        Each Zoho CRM value goes to the Jira value chosen; several may share one.{' '}
        {twoWay
          ? 'Going back to Zoho CRM, a Jira value chosen for several Zoho CRM values takes the first of them in this list.'
          : ''}
      </Subtle>
      {zohoValues.map((zv, k) => (
        <Grid key={zv} templateColumns="1fr 1fr" gap="space.100" alignItems="center" testId={`mapping-${i}-value-${k}`}>
          <Box>{zv}</Box>
          <ValueSelect
            inputId={`mapping-${i}-value-${k}`}
            aria-label={`Jira value for ${zv}`}
            isLoading={values.state.status === 'loading'}
            options={choiceOpts}
            value={entryFor(zv) === NOT_MAPPED ? choiceOpts[0]! : opt(entryFor(zv))}
            onChange={(o: Opt | null) => setEntry(zv, o?.value ?? NOT_MAPPED)}
          />
        </Grid>
      ))}
      <Grid templateColumns="1fr 1fr" gap="space.100" alignItems="center">
        <Box>Default for unmapped values (to Jira)</Box>
        <ValueSelect
          inputId={`mapping-${i}-default-jira`}
          aria-label="Default Jira value"
          isClearable
          placeholder="No default"
          options={jiraOpts}
          value={map.defaultJiraValue ? opt(map.defaultJiraValue) : null}
          onChange={(o: Opt | null) => set({ defaultJiraValue: o?.value ?? null })}
        />
        {twoWay && (
          <>
            <Box>Default for unmapped values (to Zoho CRM)</Box>
            <Select
              inputId={`mapping-${i}-default-zoho`}
              aria-label="Default Zoho CRM value"
              isClearable
              placeholder="No default"
              options={zohoValues.map(opt)}
              value={map.defaultZohoValue ? opt(map.defaultZohoValue) : null}
              onChange={(o) => set({ defaultZohoValue: o?.value ?? null })}
            />
          </>
        )}
        <Box>Unmapped values without a default</Box>
        <Select
          inputId={`mapping-${i}-unmapped`}
          aria-label="Unmapped values without a default"
          options={unmappedOpts}
          value={unmappedOpts.find((o) => o.value === map.unmapped) ?? null}
          onChange={(o) => o && set({ unmapped: o.value as UnmappedAction })}
        />
      </Grid>
      <Box>
        <Button appearance="subtle" onClick={() => onChange({ valueMap: undefined })}>
          Remove value map
        </Button>
      </Box>
    </Stack>
  );
}

function UserMapPanel({ index: i, mapping, twoWay, zohoFields, jiraFields, onChange }: Props) {
  const users = useCall('metadata/users', {}, []);
  const map: UserMap = mapping.userMap ? userMapSchema.parse(mapping.userMap) : userMapSchema.parse({});
  const set = (patch: Partial<UserMap>) => onChange({ userMap: { ...map, ...patch } });
  const jiraUsers = users.state.data?.jira ?? [];
  const zohoUsers = users.state.data?.zoho ?? [];
  const jiraOpts: Opt[] = jiraUsers.map((u) => ({
    value: u.accountId,
    label: u.emailAddress ? `${u.displayName} (${u.emailAddress})` : u.displayName,
  }));
  const zohoOpts: Opt[] = zohoUsers.map((u) => ({ value: u.id, label: u.email ? `${u.name} (${u.email})` : u.name }));
  const byEmail = (email: string | null) =>
    email ? jiraUsers.find((u) => u.emailAddress?.toLowerCase() === email.toLowerCase()) : undefined;
  const setOverride = (zohoUserId: string, jiraAccountId: string | null) => {
    const rest = map.overrides.filter((o) => o.zohoUserId !== zohoUserId);
    set({ overrides: jiraAccountId ? [...rest, { zohoUserId, jiraAccountId }] : rest });
  };
  const fallbackOpts: Opt[] = userFallbacks.map((f) => ({ value: f, label: USER_FALLBACK_LABELS[f] }));
  const jiraTextOpts: Opt[] = jiraFields
    .filter((f) => f.syncable && f.schemaType === 'string' && f.id !== 'summary')
    .map((f) => ({ value: f.id, label: f.name }));
  const zohoTextOpts: Opt[] = zohoFields
    .filter((f) => ZOHO_TEXT_TYPES.includes(f.dataType) && !f.readOnly)
    .map((f) => ({ value: f.apiName, label: f.label }));
  const find = (opts: Opt[], v: string | null) => (v ? (opts.find((o) => o.value === v) ?? opt(v)) : null);
  return (
    <Stack space="space.100" testId={`mapping-${i}-user-map`}>
      {users.state.status === 'error' && <ErrorMessage error={users.state.error} onRetry={() => void users.reload()} />}
      <Subtle>
        Users with the same e-mail address on both sides are matched. Choose a Jira user for those who are not, or to
        override a match.
      </Subtle>
      {zohoUsers.map((zu, k) => {
        const override = map.overrides.find((o) => o.zohoUserId === zu.id);
        const matched = byEmail(zu.email);
        return (
          <Grid
            key={zu.id}
            templateColumns="1fr 1fr"
            gap="space.100"
            alignItems="center"
            testId={`mapping-${i}-user-${k}`}
          >
            <Box>{zu.email ? `${zu.name} (${zu.email})` : zu.name}</Box>
            <Select
              inputId={`mapping-${i}-user-${k}`}
              aria-label={`Jira user for ${zu.name}`}
              isClearable
              placeholder={matched ? `Matched by e-mail: ${matched.displayName}` : 'No match: the fallback applies'}
              isLoading={users.state.status === 'loading'}
              options={jiraOpts}
              value={override ? find(jiraOpts, override.jiraAccountId) : null}
              onChange={(o) => setOverride(zu.id, o?.value ?? null)}
            />
          </Grid>
        );
      })}
      <Grid templateColumns="1fr 1fr" gap="space.100" alignItems="center">
        <Box>A user with no match</Box>
        <Select
          inputId={`mapping-${i}-user-fallback`}
          aria-label="A user with no match"
          options={fallbackOpts}
          value={fallbackOpts.find((o) => o.value === map.fallback) ?? null}
          onChange={(o) => o && set({ fallback: o.value as UserFallback })}
        />
        {map.fallback === 'DEFAULT_USER' && (
          <>
            <Box>Default Jira user</Box>
            <Select
              inputId={`mapping-${i}-default-jira-user`}
              aria-label="Default Jira user"
              options={jiraOpts}
              value={find(jiraOpts, map.defaultJiraAccountId)}
              onChange={(o) => set({ defaultJiraAccountId: o?.value ?? null })}
            />
            {twoWay && (
              <>
                <Box>Default Zoho CRM user</Box>
                <Select
                  inputId={`mapping-${i}-default-zoho-user`}
                  aria-label="Default Zoho CRM user"
                  options={zohoOpts}
                  value={find(zohoOpts, map.defaultZohoUserId)}
                  onChange={(o) => set({ defaultZohoUserId: o?.value ?? null })}
                />
              </>
            )}
          </>
        )}
        {map.fallback === 'NAME_AS_TEXT' && (
          <>
            <Box>Jira text field for the name</Box>
            <Select
              inputId={`mapping-${i}-name-jira`}
              aria-label="Jira text field for the name"
              options={jiraTextOpts}
              value={find(jiraTextOpts, map.nameJiraField)}
              onChange={(o) => set({ nameJiraField: o?.value ?? null })}
            />
            {twoWay && (
              <>
                <Box>Zoho CRM text field for the name</Box>
                <Select
                  inputId={`mapping-${i}-name-zoho`}
                  aria-label="Zoho CRM text field for the name"
                  options={zohoTextOpts}
                  value={find(zohoTextOpts, map.nameZohoField)}
                  onChange={(o) => set({ nameZohoField: o?.value ?? null })}
                />
              </>
            )}
          </>
        )}
      </Grid>
      <Subtle>An unmatched user never clears the field: the run history names them.</Subtle>
      <Box>
        <Button appearance="subtle" onClick={() => onChange({ userMap: undefined })}>
          Remove user map
        </Button>
      </Box>
    </Stack>
  );
}
