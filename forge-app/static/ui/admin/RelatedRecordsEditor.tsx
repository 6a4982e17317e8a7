// Related records of a Smart Connected Item (F42): which lookup fields of the module the issue panel
// follows (a Deal's Account, Contact and Owner), and which fields of each looked-up record it previews.
// Lookup fields and their modules' fields come from live metadata; owner/user lookups preview user details.
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import { Box, Grid, Stack } from '@atlaskit/primitives';
import Select from '@atlaskit/select';
import { MAX_RELATED_RECORDS, USER_LOOKUP_TYPES, USER_PREVIEW_FIELDS, type RelatedRecordSetting } from '../../../../contracts';
import type { DataOf } from '../../../src/types';
import { useCall } from '../shared/hooks';
import { Subtle } from '../shared/layout';

type ZohoField = DataOf<'metadata/zoho-fields'>[number];
type Opt = { value: string; label: string };

const isUserLookup = (f: ZohoField | undefined) => f !== undefined && (USER_LOOKUP_TYPES as readonly string[]).includes(f.dataType);
export const isLookupField = (f: ZohoField) => (f.dataType === 'lookup' && f.lookupModule !== null) || isUserLookup(f);

const USER_OPTS: Opt[] = USER_PREVIEW_FIELDS.map((f) => ({ value: f.apiName, label: f.label }));

interface Props {
  /** Fields of the SCI's module (live metadata). */
  fields: ZohoField[];
  value: RelatedRecordSetting[];
  onChange: (value: RelatedRecordSetting[]) => void;
}

function RelatedRow(props: { index: number; fields: ZohoField[]; setting: RelatedRecordSetting; onChange: (s: RelatedRecordSetting) => void; onRemove: () => void }) {
  const { index: i, fields, setting } = props;
  const lookup = fields.find((f) => f.apiName === setting.lookupField);
  const target = lookup && !isUserLookup(lookup) ? lookup.lookupModule : null;
  const targetFields = useCall('metadata/zoho-fields', target ? { module: target } : null, [target]);
  const lookupOpts: Opt[] = fields.filter(isLookupField).map((f) => ({ value: f.apiName, label: isUserLookup(f) ? `${f.label} (user)` : `${f.label} (${f.lookupModule})` }));
  const fieldOpts: Opt[] = isUserLookup(lookup) ? USER_OPTS : (targetFields.state.data ?? []).filter((f) => f.syncable).map((f) => ({ value: f.apiName, label: f.label }));
  const optionFor = (opts: Opt[], v: string): Opt => opts.find((o) => o.value === v) ?? { value: v, label: v };
  return (
    <Grid templateColumns="1fr 2fr auto" gap="space.100" alignItems="center" testId={`related-${i}`}>
      <Select
        inputId={`related-${i}-lookup`}
        aria-label="Lookup field"
        placeholder="Lookup field"
        options={lookupOpts}
        value={setting.lookupField ? optionFor(lookupOpts, setting.lookupField) : null}
        onChange={(o) => o && props.onChange({ lookupField: o.value, displayFields: [] })}
      />
      <Select
        inputId={`related-${i}-fields`}
        aria-label="Fields shown for the related record"
        placeholder="Fields shown for the related record"
        isMulti
        isDisabled={!lookup}
        isLoading={target !== null && targetFields.state.status === 'loading'}
        options={fieldOpts}
        value={setting.displayFields.map((v) => optionFor(fieldOpts, v))}
        onChange={(opts) => props.onChange({ ...setting, displayFields: opts.map((o) => o.value) })}
      />
      <Button appearance="subtle" onClick={props.onRemove}>
        Remove
      </Button>
    </Grid>
  );
}

export function RelatedRecordsEditor({ fields, value, onChange }: Props) {
  return (
    <Stack space="space.100" testId="related-records-editor">
      <Heading size="xsmall" as="h3">
        Related records
      </Heading>
      <Subtle>
        Records this record points at (for a Deal: its Account, Contact and Owner), shown with it in the issue panel, each with its own fields.
      </Subtle>
      {value.map((s, i) => (
        <RelatedRow
          key={i}
          index={i}
          fields={fields}
          setting={s}
          onChange={(next) => onChange(value.map((v, j) => (j === i ? next : v)))}
          onRemove={() => onChange(value.filter((_, j) => j !== i))}
        />
      ))}
      <Box>
        <Button isDisabled={value.length >= MAX_RELATED_RECORDS} onClick={() => onChange([...value, { lookupField: '', displayFields: [] }])}>
          Add related record
        </Button>
      </Box>
    </Stack>
  );
}
