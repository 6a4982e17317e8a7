// JQL fields of a Smart Connected Item (F45): which CRM values are kept on the linked issues, searchable in
// Jira under a JQL name. The names are the app's indexed entity property aliases (contracts/jql-fields.ts);
// each Zoho field is offered only the names whose index type fits it, and every row shows its JQL name.
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import { Box, Grid, Stack } from '@atlaskit/primitives';
import Select from '@atlaskit/select';
import {
  JQL_FIELD_CATALOG,
  jqlFieldType,
  ZOHO_RECORD_ID_FIELD,
  ZOHO_TYPES_BY_JQL_TYPE,
  type JqlField,
  type JqlValueType,
} from '../../../../contracts';
import type { DataOf } from '../../../src/types';
import { Subtle } from '../shared/layout';

type ZohoField = DataOf<'metadata/zoho-fields'>[number];
type Opt = { value: string; label: string };

const RECORD_ID: Opt = { value: ZOHO_RECORD_ID_FIELD, label: 'Record Id' };

/** The index type a Zoho field's values fit; undefined when Jira cannot index them. */
function typeOf(field: string, fields: ZohoField[]): JqlValueType | undefined {
  if (field === ZOHO_RECORD_ID_FIELD) return 'string';
  const f = fields.find((x) => x.apiName === field);
  if (!f) return undefined;
  return (Object.keys(ZOHO_TYPES_BY_JQL_TYPE) as JqlValueType[]).find((t) =>
    ZOHO_TYPES_BY_JQL_TYPE[t].includes(f.dataType),
  );
}

/** An example clause, so the admin sees how the name is used in a search. */
export function jqlExample(name: string): string {
  const type = jqlFieldType(name);
  return type === 'number' ? `${name} > 50000` : type === 'date' ? `${name} >= "2026-01-01"` : `${name} = "…"`;
}

interface Props {
  fields: ZohoField[];
  value: JqlField[];
  onChange: (value: JqlField[]) => void;
}

export function JqlFieldsEditor({ fields, value, onChange }: Props) {
  const fieldOpts: Opt[] = [
    RECORD_ID,
    ...fields.filter((f) => typeOf(f.apiName, fields) !== undefined).map((f) => ({ value: f.apiName, label: f.label })),
  ];
  const optionFor = (opts: Opt[], v: string): Opt => opts.find((o) => o.value === v) ?? { value: v, label: v };
  const taken = new Set(value.map((v) => v.jqlName));
  return (
    <Stack space="space.100" testId="jql-fields-editor">
      <Heading size="xsmall" as="h3">
        Searchable in Jira (JQL)
      </Heading>
      <Subtle>
        CRM values kept on each linked issue and updated with every sync, so Jira searches, filters and boards can use
        them, e.g. zohoDealStage = "Closed Won".
      </Subtle>
      {value.map((row, i) => {
        const type = typeOf(row.zohoField, fields);
        const nameOpts: Opt[] = JQL_FIELD_CATALOG.filter(
          (c) => c.type === type && (c.jqlName === row.jqlName || !taken.has(c.jqlName)),
        ).map((c) => ({ value: c.jqlName, label: c.jqlName }));
        const update = (patch: Partial<JqlField>) => onChange(value.map((v, j) => (j === i ? { ...v, ...patch } : v)));
        return (
          <Grid
            key={i}
            templateColumns="1fr 1fr 1fr auto"
            gap="space.100"
            alignItems="center"
            testId={`jql-field-${i}`}
          >
            <Select
              inputId={`jql-field-${i}-zoho`}
              aria-label="CRM field"
              placeholder="CRM field"
              options={fieldOpts}
              value={row.zohoField ? optionFor(fieldOpts, row.zohoField) : null}
              onChange={(o) => {
                if (!o) return;
                const t = typeOf(o.value, fields);
                const free = JQL_FIELD_CATALOG.find((c) => c.type === t && !taken.has(c.jqlName));
                update({
                  zohoField: o.value,
                  jqlName: jqlFieldType(row.jqlName) === t ? row.jqlName : (free?.jqlName ?? row.jqlName),
                });
              }}
            />
            <Select
              inputId={`jql-field-${i}-name`}
              aria-label="JQL name"
              placeholder="JQL name"
              isDisabled={!type}
              options={nameOpts}
              value={row.jqlName ? optionFor(nameOpts, row.jqlName) : null}
              onChange={(o) => o && update({ jqlName: o.value as JqlField['jqlName'] })}
            />
            <Box testId={`jql-field-${i}-example`}>
              <code>{row.zohoField ? jqlExample(row.jqlName) : ''}</code>
            </Box>
            <Button appearance="subtle" onClick={() => onChange(value.filter((_, j) => j !== i))}>
              Remove
            </Button>
          </Grid>
        );
      })}
      <Box>
        <Button
          isDisabled={taken.size >= JQL_FIELD_CATALOG.length}
          onClick={() =>
            onChange([
              ...value,
              { zohoField: '', jqlName: JQL_FIELD_CATALOG.find((c) => !taken.has(c.jqlName))!.jqlName },
            ])
          }
        >
          Add JQL field
        </Button>
      </Box>
    </Stack>
  );
}
