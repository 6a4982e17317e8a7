// "Create a Zoho CRM record" (F44): the fields of the Smart Connected Item's module, prefilled from the issue
// through its field mappings, required ones marked; the user edits them and the record is created in Zoho
// CRM and linked to the issue at once. The request key lives as long as the dialog, so a double click or a
// retry after an error creates one record.
import Button from '@atlaskit/button/new';
import { Label } from '@atlaskit/form';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import { Stack } from '@atlaskit/primitives';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import Textfield from '@atlaskit/textfield';
import { useRef, useState } from 'react';
import type { CreateField, CreateRecordForm, LinkCard, PanelSci, PayloadOf } from '../../../src/types';
import { call } from '../shared/api';
import { ErrorMessage } from '../shared/ErrorMessage';
import { useAction, useCall } from '../shared/hooks';
import { Subtle } from '../shared/layout';

type Value = CreateField['value'];
type Option = { value: string; label: string };

function newRequestKey(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c?.randomUUID) return c.randomUUID();
  return `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
}

const NUMBER_TYPES = new Set(['integer', 'bigint', 'double', 'decimal', 'currency', 'percent', 'long']);

const isEmpty = (v: Value | undefined) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

function hint(field: CreateField): string | null {
  if (field.note) return field.note;
  if (field.dataType === 'date') return 'Format: YYYY-MM-DD';
  if (field.dataType === 'datetime') return 'Format: YYYY-MM-DDTHH:MM:SS+00:00';
  if (field.jiraField) return `From the issue's ${field.jiraField}`;
  return null;
}

function FieldInput({ field, value, onChange }: { field: CreateField; value: Value; onChange: (v: Value) => void }) {
  const id = `create-${field.apiName}`;
  const options: Option[] = field.pickListValues.map((p) => ({ value: p.actualValue, label: p.displayValue }));
  if (field.dataType === 'picklist') {
    return (
      <Select
        inputId={id}
        isClearable
        options={options}
        value={options.find((o) => o.value === value) ?? null}
        onChange={(o) => onChange(o ? o.value : null)}
        placeholder="Choose a value"
      />
    );
  }
  if (field.dataType === 'multiselectpicklist') {
    const chosen = Array.isArray(value) ? value : [];
    return <Select inputId={id} isMulti options={options} value={options.filter((o) => chosen.includes(o.value))} onChange={(list) => onChange(list.map((o) => o.value))} />;
  }
  if (field.dataType === 'boolean') {
    const yesNo: Option[] = [
      { value: 'true', label: 'Yes' },
      { value: 'false', label: 'No' },
    ];
    return <Select inputId={id} options={yesNo} value={yesNo.find((o) => o.value === String(value === true)) ?? null} onChange={(o) => onChange(o?.value === 'true')} />;
  }
  const text = value === null ? '' : Array.isArray(value) ? value.join(', ') : String(value);
  return <Textfield id={id} value={text} inputMode={NUMBER_TYPES.has(field.dataType) ? 'decimal' : 'text'} onChange={(e) => onChange(e.currentTarget.value)} />;
}

function Fields({
  form,
  values,
  missing,
  setValue,
}: {
  form: CreateRecordForm;
  values: Record<string, Value>;
  missing: Set<string>;
  setValue: (apiName: string, v: Value) => void;
}) {
  return (
    <Stack space="space.150" testId="create-record-fields">
      {form.fields.map((f) => (
        <Stack key={f.apiName} space="space.050" testId={`create-field-${f.apiName}`}>
          <Label htmlFor={`create-${f.apiName}`}>
            {f.label}
            {f.required && <span title="Required"> *</span>}
          </Label>
          <FieldInput field={f} value={values[f.apiName] ?? null} onChange={(v) => setValue(f.apiName, v)} />
          {missing.has(f.apiName) ? <Subtle>{f.label} is required.</Subtle> : hint(f) && <Subtle>{hint(f)}</Subtle>}
        </Stack>
      ))}
    </Stack>
  );
}

export function CreateRecordDialog({ scis, onClose, onCreated }: { scis: PanelSci[]; onClose: () => void; onCreated: (card: LinkCard) => void }) {
  const [sciId, setSciId] = useState(scis[0]?.id ?? '');
  const form = useCall('panel/create-record-form', sciId ? { sciId } : null, [sciId]);
  const [edits, setEdits] = useState<Record<string, Record<string, Value>>>({});
  const [missing, setMissing] = useState<Set<string>>(new Set());
  const requestKey = useRef(newRequestKey());
  const action = useAction();
  const f = form.state.data;
  const sciOpts = scis.map((s) => ({ value: s.id, label: `${s.name} (${s.zohoModule})` }));

  const values: Record<string, Value> = f ? { ...Object.fromEntries(f.fields.map((x) => [x.apiName, x.value])), ...edits[f.sciId] } : {};
  const setValue = (apiName: string, v: Value) => {
    if (!f) return;
    setEdits((e) => ({ ...e, [f.sciId]: { ...e[f.sciId], [apiName]: v } }));
    setMissing((m) => {
      const next = new Set(m);
      next.delete(apiName);
      return next;
    });
  };

  const create = () => {
    if (!f || action.pending) return;
    const empty = f.fields.filter((x) => x.required && isEmpty(values[x.apiName])).map((x) => x.apiName);
    setMissing(new Set(empty));
    if (empty.length > 0) return;
    const sent: PayloadOf<'panel/create-record'>['values'] = {};
    for (const x of f.fields) if (!isEmpty(values[x.apiName])) sent[x.apiName] = values[x.apiName] ?? null;
    void action.run('create', async () => {
      onCreated(await call('panel/create-record', { sciId: f.sciId, requestKey: requestKey.current, values: sent }));
    });
  };

  return (
    <Modal onClose={onClose} testId="create-record-dialog" width="medium">
      <ModalHeader>
        <ModalTitle>Create a Zoho CRM record</ModalTitle>
      </ModalHeader>
      <ModalBody>
        <Stack space="space.200">
          {scis.length > 1 && (
            <Stack space="space.050">
              <Label htmlFor="create-sci">Smart Connected Item</Label>
              <Select
                inputId="create-sci"
                options={sciOpts}
                value={sciOpts.find((o) => o.value === sciId) ?? null}
                onChange={(o) => {
                  if (!o) return;
                  setSciId(o.value);
                  setMissing(new Set());
                  requestKey.current = newRequestKey();
                }}
              />
              <Subtle>Several Smart Connected Items cover this issue; the record is created in the module of the one you choose and linked through it.</Subtle>
            </Stack>
          )}
          {form.state.status === 'error' && <ErrorMessage error={form.state.error} title="This record cannot be created here" />}
          {!f && form.state.status === 'loading' && <Spinner label="Loading the fields" />}
          {f && (
            <>
              <Subtle>
                A new {f.moduleLabel} is created in Zoho CRM with these values and linked to this issue. Values come from the issue through the
                field mappings of “{f.sciName}”; fields marked * are required by Zoho CRM.
              </Subtle>
              <Fields form={f} values={values} missing={missing} setValue={setValue} />
            </>
          )}
          {missing.size > 0 && f && (
            <ErrorMessage
              error={{
                code: 'VALIDATION_FAILED',
                message: `Fill in the required ${missing.size === 1 ? 'field' : 'fields'}: ${f.fields
                  .filter((x) => missing.has(x.apiName))
                  .map((x) => x.label)
                  .join(', ')}.`,
              }}
            />
          )}
          {action.error && <ErrorMessage error={{ code: action.error.code, message: action.error.message }} />}
        </Stack>
      </ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={onClose}>
          Cancel
        </Button>
        <Button appearance="primary" onClick={create} isDisabled={!f} isLoading={action.pending === 'create'}>
          Create
        </Button>
      </ModalFooter>
    </Modal>
  );
}
