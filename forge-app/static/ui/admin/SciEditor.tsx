// Create/edit a Smart Connected Item in two steps (F8): step 1 the sync mode, Jira scope and Zoho module;
// step 2 the display fields or mappings plus the sync options. Every picker is filled from live metadata.
// Options that need App OAuth 2.0 are disabled with the reason in Providers mode (F9).
import Button from '@atlaskit/button/new';
import { Label } from '@atlaskit/form';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import { Box, Grid, Inline, Stack, xcss } from '@atlaskit/primitives';
import { RadioGroup } from '@atlaskit/radio';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import Toggle from '@atlaskit/toggle';
import Heading from '@atlaskit/heading';
import { useMemo, useState, type ReactNode } from 'react';
import { conflictDefaultFor, DEFAULT_ATTACHMENT_MAX_BYTES, ZOHO_ATTACHMENT_LIMIT_BYTES } from '../../../../contracts';
import type { AuthMode, BackfillOption, FieldMappingInput, Sci, SciDefinition, SyncMode } from '../../../src/types';
import { bytesToMb, formatMb, mbToBytes, SYNC_MODE_LABELS } from '../shared/labels';
import { call } from '../shared/api';
import { ErrorMessage } from '../shared/ErrorMessage';
import { useAction, useCall } from '../shared/hooks';
import { Subtle } from '../shared/layout';
import { JqlFieldsEditor } from './JqlFieldsEditor';
import { RelatedRecordsEditor } from './RelatedRecordsEditor';
import { EMPTY_SYNC_RULES, SyncRulesEditor } from './SyncRulesEditor';
import { MappingValuesPanel } from './ValueMapEditor';

interface Props {
  mode: AuthMode | null;
  existing: Sci | null;
  onClose: () => void;
  onSaved: (sci: Sci) => void;
}

type Opt = { value: string; label: string };

/** The option for a saved value; when live metadata cannot be read (e.g. no Zoho sign-in) the raw name keeps it visible. */
function optionFor(opts: Opt[], value: string): Opt | null {
  if (!value) return null;
  return opts.find((o) => o.value === value) ?? { value, label: value };
}

const MODE_HELP: Record<SyncMode, string> = {
  DISPLAY: 'Manual link only. The issue panel shows the selected Zoho CRM fields after linking, with no sync.',
  ONE_WAY: 'The scheduler keeps mapped Jira fields aligned with the linked Zoho CRM record.',
  TWO_WAY: 'The scheduler applies CRM changes to Jira, and Jira events push mapped changes back to Zoho CRM.',
};

/** F34: what the item does with records that exist before it. */
const BACKFILL_OPTIONS: Opt[] = [
  { value: 'NONE', label: 'Leave them (only new and changed records sync)' },
  { value: 'IMPORT', label: 'Import them: one new Jira issue per record' },
  { value: 'MATCH', label: 'Match them to existing Jira issues by a field' },
];

const OWNER_OPTIONS: Opt[] = [
  { value: 'BOTH', label: 'Both (latest change wins)' },
  { value: 'ZOHO', label: 'Zoho CRM owns it' },
  { value: 'JIRA', label: 'Jira owns it' },
];

/** F48: when a both-owned field changed on both sides since it last synced. */
const CONFLICT_OPTIONS: Opt[] = [
  { value: 'ask', label: 'Ask: hold it for a person to choose' },
  { value: 'zoho', label: 'Zoho CRM wins' },
  { value: 'jira', label: 'Jira wins' },
  { value: 'latest', label: 'Latest change wins' },
];

export const APP_OAUTH_REASON = 'Requires App OAuth 2.0: Providers mode runs no background automation.';

function emptyDefinition(): SciDefinition {
  return {
    name: '',
    syncMode: 'TWO_WAY',
    jiraProjectId: '',
    jiraIssueTypeId: '',
    zohoModule: '',
    displayFields: [],
    fieldMappings: [],
    options: {
      autoCreate: false,
      statusSync: null,
      notesSync: false,
      attachmentSync: false,
      attachmentMaxBytes: DEFAULT_ATTACHMENT_MAX_BYTES,
      backfill: { mode: 'NONE' },
      relatedRecords: [],
      syncRules: EMPTY_SYNC_RULES,
      jqlFields: [],
    },
  };
}

function definitionOf(sci: Sci): SciDefinition {
  const { name, syncMode, jiraProjectId, jiraIssueTypeId, zohoModule, displayFields, fieldMappings, options } = sci;
  return { name, syncMode, jiraProjectId, jiraIssueTypeId: jiraIssueTypeId ?? '', zohoModule, displayFields, fieldMappings, options };
}

function OptionToggle(props: { id: string; label: string; checked: boolean; disabledReason: string | null; onChange: (v: boolean) => void; help: string }) {
  return (
    <Stack space="space.050">
      <Inline space="space.100" alignBlock="center">
        <Toggle
          id={props.id}
          isChecked={props.checked && !props.disabledReason}
          isDisabled={props.disabledReason !== null}
          onChange={(e) => props.onChange(e.currentTarget.checked)}
          label={props.label}
        />
        <Label htmlFor={props.id}>{props.label}</Label>
      </Inline>
      <Subtle>{props.disabledReason ?? props.help}</Subtle>
    </Stack>
  );
}

function Labelled({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <Stack space="space.050">
      <Label htmlFor={id}>{label}</Label>
      {children}
    </Stack>
  );
}

const MAX_MB = bytesToMb(ZOHO_ATTACHMENT_LIMIT_BYTES);

/** The limit in bytes for what the admin typed (a comma works as the decimal sign), or null when the API would refuse it. */
function limitBytes(text: string): number | null {
  const mb = Number(text.trim().replace(',', '.'));
  if (text.trim() === '' || !Number.isFinite(mb)) return null;
  const bytes = mbToBytes(mb);
  return bytes >= 1 && bytes <= ZOHO_ATTACHMENT_LIMIT_BYTES ? bytes : null;
}

/**
 * The attachment size limit in MB, within what the API accepts (more than 0, at most Zoho's own 20 MB per
 * file). What the admin types stays in the field while it is not a valid size; the definition keeps the
 * last valid one and the field says why.
 */
function AttachmentLimit({ bytes, onChange }: { bytes: number; onChange: (bytes: number) => void }) {
  const [text, setText] = useState(() => String(bytesToMb(bytes)));
  const valid = limitBytes(text) !== null;
  return (
    <Labelled id="opt-attachment-max" label="Largest attachment to copy (MB)">
      <Textfield
        id="opt-attachment-max"
        type="number"
        min={0.01}
        max={MAX_MB}
        step={0.5}
        width="small"
        value={text}
        isInvalid={!valid}
        onChange={(e) => {
          setText(e.currentTarget.value);
          const next = limitBytes(e.currentTarget.value);
          if (next !== null) onChange(next);
        }}
      />
      <Subtle>
        {valid
          ? `Files larger than ${formatMb(bytes)} are skipped and listed in the run history. Zoho CRM accepts at most ${MAX_MB} MB per file.`
          : `Enter a size above 0 and at most ${MAX_MB} MB (Zoho CRM's limit per file). ${formatMb(bytes)} is kept until then.`}
      </Subtle>
    </Labelled>
  );
}

export function SciEditor({ mode, existing, onClose, onSaved }: Props) {
  const [step, setStep] = useState<1 | 2>(1);
  const [def, setDef] = useState<SciDefinition>(() => (existing ? definitionOf(existing) : emptyDefinition()));
  const action = useAction();
  const set = (patch: Partial<SciDefinition>) => setDef((d) => ({ ...d, ...patch }));
  const setOptions = (patch: Partial<SciDefinition['options']>) => setDef((d) => ({ ...d, options: { ...d.options, ...patch } }));

  const projects = useCall('metadata/jira-projects', {});
  const issueTypes = useCall('metadata/jira-issue-types', def.jiraProjectId ? { projectId: def.jiraProjectId } : null, [def.jiraProjectId]);
  const modules = useCall('metadata/zoho-modules', {});
  const zohoFields = useCall('metadata/zoho-fields', step === 2 && def.zohoModule ? { module: def.zohoModule } : null, [step, def.zohoModule]);
  const jiraFields = useCall('metadata/jira-fields', step === 2 ? {} : null, [step]);
  const statuses = useCall(
    'metadata/jira-statuses',
    step === 2 && def.options.statusSync ? { projectId: def.jiraProjectId, issueTypeId: def.jiraIssueTypeId } : null,
    [step, def.options.statusSync !== null, def.jiraProjectId, def.jiraIssueTypeId],
  );

  const projectOpts: Opt[] = (projects.state.data ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.key})` }));
  const typeOpts: Opt[] = (issueTypes.state.data ?? []).map((t) => ({ value: t.id, label: t.name }));
  const moduleOpts: Opt[] = (modules.state.data ?? []).map((m) => ({ value: m.apiName, label: m.pollingReady ? m.label : `${m.label} (not polling-ready)` }));
  const selectedModule = modules.state.data?.find((m) => m.apiName === def.zohoModule);
  const zohoFieldOpts: Opt[] = (zohoFields.state.data ?? []).filter((f) => f.syncable).map((f) => ({ value: f.apiName, label: f.label }));
  const jiraFieldOpts: Opt[] = (jiraFields.state.data ?? []).filter((f) => f.syncable).map((f) => ({ value: f.id, label: f.name }));
  const picklists = (zohoFields.state.data ?? []).filter((f) => f.pickListValues.length > 0);
  const statusField = picklists.find((f) => f.apiName === def.options.statusSync?.zohoField);
  const statusOpts: Opt[] = (statuses.state.data ?? []).map((s) => ({ value: s.id, label: s.name }));

  const providers = mode !== 'APP_OAUTH';
  const synced = def.syncMode !== 'DISPLAY';
  const optionReason = !synced ? 'Display items do not sync.' : providers ? APP_OAUTH_REASON : null;
  const autoCreateReason =
    optionReason ??
    (selectedModule && !selectedModule.pollingReady
      ? `Auto-create needs a polling-ready Zoho CRM module; ${selectedModule.label} is not in the polling list.`
      : null);

  const step1Ready = def.name.trim() !== '' && def.jiraProjectId !== '' && def.jiraIssueTypeId !== '' && def.zohoModule !== '';

  const finalDefinition = useMemo<SciDefinition>(() => {
    // Options that cannot run are sent switched off, so what is saved is what will happen.
    const off = {
      autoCreate: false,
      statusSync: null,
      notesSync: false,
      attachmentSync: false,
      attachmentMaxBytes: def.options.attachmentMaxBytes,
      backfill: { mode: 'NONE' as const },
      relatedRecords: def.options.relatedRecords,
      // Rules apply to synced items only (Display items do not sync).
      syncRules: synced ? def.options.syncRules : EMPTY_SYNC_RULES,
      // The values are written by the sync, which does not run here.
      jqlFields: [],
    };
    if (!synced) return { ...def, fieldMappings: [], options: off };
    const options = optionReason ? off : { ...def.options, autoCreate: autoCreateReason ? false : def.options.autoCreate };
    const fieldMappings = def.fieldMappings.map((m) => ({ ...m, owner: def.syncMode === 'ONE_WAY' ? ('ZOHO' as const) : m.owner }));
    return { ...def, displayFields: [], fieldMappings, options };
  }, [def, synced, optionReason, autoCreateReason]);

  const save = () =>
    action.run('save', async () => {
      const sci = existing
        ? await call('sci/update', { id: existing.id, definition: finalDefinition })
        : await call('sci/create', { definition: finalDefinition });
      onSaved(sci);
    });

  const updateMapping = (i: number, patch: Partial<FieldMappingInput>) =>
    set({ fieldMappings: def.fieldMappings.map((m, j) => (j === i ? { ...m, ...patch } : m)) });

  const title = existing ? 'Edit Smart Connected Item' : 'Create Smart Connected Item';

  return (
    <Modal onClose={onClose} width="large" testId="sci-editor">
      <ModalHeader>
        <ModalTitle>
          {title} · Step {step} of 2
        </ModalTitle>
      </ModalHeader>
      <ModalBody>
        <Stack space="space.200">
          {action.error && <ErrorMessage error={action.error} title="The Smart Connected Item was not saved" />}
          {step === 1 && (
            <Stack space="space.200">
              <Labelled id="sci-name" label="Name">
                <Textfield id="sci-name" value={def.name} onChange={(e) => set({ name: e.currentTarget.value })} placeholder="e.g. Deals ↔ Support tasks" />
              </Labelled>
              <Stack space="space.050">
                <Label htmlFor="sync-mode">Synchronization mode</Label>
                <RadioGroup
                  name="sync-mode"
                  value={def.syncMode}
                  options={(['DISPLAY', 'ONE_WAY', 'TWO_WAY'] as const).map((m) => ({ name: 'sync-mode', value: m, label: SYNC_MODE_LABELS[m] }))}
                  onChange={(e) => set({ syncMode: e.currentTarget.value as SyncMode })}
                />
                <Subtle>{MODE_HELP[def.syncMode]}</Subtle>
              </Stack>
              {projects.state.status === 'error' && <ErrorMessage error={projects.state.error} onRetry={() => void projects.reload()} />}
              {modules.state.status === 'error' && <ErrorMessage error={modules.state.error} onRetry={() => void modules.reload()} />}
              <Grid templateColumns="1fr 1fr 1fr" gap="space.200">
                <Labelled id="jira-project" label="Jira project">
                  <Select
                    inputId="jira-project"
                    options={projectOpts}
                    isLoading={projects.state.status === 'loading'}
                    value={optionFor(projectOpts, def.jiraProjectId)}
                    onChange={(o) => o && set({ jiraProjectId: o.value, jiraIssueTypeId: '' })}
                  />
                </Labelled>
                <Labelled id="jira-issue-type" label="Issue type">
                  <Select
                    inputId="jira-issue-type"
                    options={typeOpts}
                    isDisabled={!def.jiraProjectId}
                    isLoading={issueTypes.state.status === 'loading' && def.jiraProjectId !== ''}
                    value={optionFor(typeOpts, def.jiraIssueTypeId)}
                    onChange={(o) => o && set({ jiraIssueTypeId: o.value })}
                  />
                </Labelled>
                <Labelled id="zoho-module" label="Zoho CRM module">
                  <Select
                    inputId="zoho-module"
                    options={moduleOpts}
                    isLoading={modules.state.status === 'loading'}
                    value={optionFor(moduleOpts, def.zohoModule)}
                    onChange={(o) => o && set({ zohoModule: o.value, displayFields: [], fieldMappings: [], options: { ...def.options, statusSync: null, relatedRecords: [], jqlFields: [] } })}
                  />
                </Labelled>
              </Grid>
            </Stack>
          )}

          {step === 2 && (
            <Stack space="space.250">
              {zohoFields.state.status === 'error' && <ErrorMessage error={zohoFields.state.error} onRetry={() => void zohoFields.reload()} />}
              {jiraFields.state.status === 'error' && <ErrorMessage error={jiraFields.state.error} onRetry={() => void jiraFields.reload()} />}
              {!synced ? (
                <Labelled id="display-fields" label="Zoho CRM fields shown in the issue panel">
                  <Select
                    inputId="display-fields"
                    isMulti
                    options={zohoFieldOpts}
                    isLoading={zohoFields.state.status === 'loading'}
                    value={def.displayFields.map((v) => optionFor(zohoFieldOpts, v)!)}
                    onChange={(opts) => set({ displayFields: opts.map((o) => o.value) })}
                  />
                </Labelled>
              ) : (
                <Stack space="space.100">
                  <Heading size="xsmall" as="h3">
                    Field mappings
                  </Heading>
                  {def.fieldMappings.length === 0 && <Subtle>No mappings yet. Add one for each Zoho CRM field that should reach Jira.</Subtle>}
                  {def.fieldMappings.map((m, i) => (
                    <Stack key={i} space="space.050">
                    <Grid templateColumns={def.syncMode === 'TWO_WAY' ? '1fr 1fr 1fr 1fr auto' : '1fr 1fr auto'} gap="space.100" alignItems="center" testId={`mapping-${i}`}>
                      <Select
                        inputId={`mapping-${i}-zoho`}
                        aria-label="Zoho CRM field"
                        placeholder="Zoho CRM field"
                        options={zohoFieldOpts}
                        value={optionFor(zohoFieldOpts, m.zohoField)}
                        onChange={(o) => {
                          if (!o) return;
                          // A new mapping's first field choice proposes its conflict policy (F48); saved
                          // mappings keep theirs (none stored: latest wins).
                          const fresh = m.zohoField === '' && m.conflict === undefined;
                          const dataType = zohoFields.state.data?.find((f) => f.apiName === o.value)?.dataType;
                          updateMapping(i, { zohoField: o.value, ...(fresh ? { conflict: conflictDefaultFor(dataType) } : {}) });
                        }}
                      />
                      <Select
                        inputId={`mapping-${i}-jira`}
                        aria-label="Jira field"
                        placeholder="Jira field"
                        options={jiraFieldOpts}
                        value={optionFor(jiraFieldOpts, m.jiraField)}
                        onChange={(o) => o && updateMapping(i, { jiraField: o.value })}
                      />
                      {def.syncMode === 'TWO_WAY' && (
                        <Select
                          inputId={`mapping-${i}-owner`}
                          aria-label="Direction"
                          options={OWNER_OPTIONS}
                          value={OWNER_OPTIONS.find((o) => o.value === m.owner) ?? null}
                          onChange={(o) => o && updateMapping(i, { owner: o.value as FieldMappingInput['owner'] })}
                        />
                      )}
                      {def.syncMode === 'TWO_WAY' &&
                        (m.owner === 'BOTH' ? (
                          <Select
                            inputId={`mapping-${i}-conflict`}
                            aria-label="When both sides changed"
                            options={CONFLICT_OPTIONS}
                            value={CONFLICT_OPTIONS.find((o) => o.value === (m.conflict ?? 'latest')) ?? null}
                            onChange={(o) => o && updateMapping(i, { conflict: o.value as NonNullable<FieldMappingInput['conflict']> })}
                          />
                        ) : (
                          <Subtle>The owner&apos;s value wins</Subtle>
                        ))}
                      <Button appearance="subtle" onClick={() => set({ fieldMappings: def.fieldMappings.filter((_, j) => j !== i) })}>
                        Remove
                      </Button>
                    </Grid>
                    <MappingValuesPanel
                      index={i}
                      mapping={m}
                      zohoField={zohoFields.state.data?.find((f) => f.apiName === m.zohoField)}
                      jiraField={jiraFields.state.data?.find((f) => f.id === m.jiraField)}
                      zohoFields={zohoFields.state.data ?? []}
                      jiraFields={jiraFields.state.data ?? []}
                      twoWay={def.syncMode === 'TWO_WAY'}
                      onChange={(patch) => updateMapping(i, patch)}
                    />
                    </Stack>
                  ))}
                  <Box>
                    <Button onClick={() => set({ fieldMappings: [...def.fieldMappings, { zohoField: '', jiraField: '', owner: 'BOTH' }] })}>Add mapping</Button>
                  </Box>
                </Stack>
              )}

              <RelatedRecordsEditor
                fields={zohoFields.state.data ?? []}
                value={def.options.relatedRecords}
                onChange={(relatedRecords) => setOptions({ relatedRecords })}
              />

              {synced && !optionReason && (
                <JqlFieldsEditor fields={zohoFields.state.data ?? []} value={def.options.jqlFields} onChange={(jqlFields) => setOptions({ jqlFields })} />
              )}

              {synced && (
                <SyncRulesEditor
                  fields={zohoFields.state.data ?? []}
                  value={def.options.syncRules}
                  onChange={(syncRules) => setOptions({ syncRules })}
                  problems={action.error?.problems ?? []}
                />
              )}

              <Stack space="space.150">
                <Heading size="xsmall" as="h3">
                  Sync features
                </Heading>
                <OptionToggle
                  id="opt-auto-create"
                  label="Auto-create"
                  help="New Zoho CRM records of this module become Jira issues, linked automatically."
                  checked={def.options.autoCreate}
                  disabledReason={autoCreateReason}
                  onChange={(v) => setOptions({ autoCreate: v })}
                />
                <OptionToggle
                  id="opt-status-sync"
                  label="Status sync"
                  help="Latest change wins between a Zoho CRM status field and the Jira status."
                  checked={def.options.statusSync !== null}
                  disabledReason={optionReason}
                  onChange={(v) => setOptions({ statusSync: v ? { zohoField: '', valueMap: [] } : null })}
                />
                {def.options.statusSync && !optionReason && (
                  <Box xcss={xcss({ paddingInlineStart: 'space.400' })}>
                    <Stack space="space.100">
                      <Labelled id="status-field" label="Zoho CRM status field">
                        <Select
                          inputId="status-field"
                          options={picklists.map((f) => ({ value: f.apiName, label: f.label }))}
                          value={statusField ? { value: statusField.apiName, label: statusField.label } : null}
                          onChange={(o) => o && setOptions({ statusSync: { zohoField: o.value, valueMap: [] } })}
                        />
                      </Labelled>
                      {statusField?.pickListValues.map((v) => {
                        const mapped = def.options.statusSync?.valueMap.find((e) => e.zohoValue === v.actualValue);
                        return (
                          <Grid key={v.actualValue} templateColumns="1fr 1fr" gap="space.100" alignItems="center">
                            <span>{v.displayValue}</span>
                            <Select
                              inputId={`status-map-${v.actualValue}`}
                              aria-label={`Jira status for ${v.displayValue}`}
                              placeholder="Jira status (not synced)"
                              isClearable
                              options={statusOpts}
                              value={statusOpts.find((o) => o.value === mapped?.jiraStatusId) ?? null}
                              onChange={(o) => {
                                const rest = (def.options.statusSync?.valueMap ?? []).filter((e) => e.zohoValue !== v.actualValue);
                                const valueMap = o ? [...rest, { zohoValue: v.actualValue, jiraStatusId: o.value }] : rest;
                                setOptions({ statusSync: { zohoField: statusField.apiName, valueMap } });
                              }}
                            />
                          </Grid>
                        );
                      })}
                    </Stack>
                  </Box>
                )}
                <OptionToggle
                  id="opt-notes-sync"
                  label="CRM notes sync"
                  help="Zoho CRM notes become Jira comments, and Jira comments become Zoho CRM notes."
                  checked={def.options.notesSync}
                  disabledReason={optionReason}
                  onChange={(v) => setOptions({ notesSync: v })}
                />
                <OptionToggle
                  id="opt-attachment-sync"
                  label="Attachment sync"
                  help={`Attachments are copied both ways; files over ${formatMb(def.options.attachmentMaxBytes)} are skipped and reported.`}
                  checked={def.options.attachmentSync}
                  disabledReason={optionReason}
                  onChange={(v) => setOptions({ attachmentSync: v })}
                />
                {def.options.attachmentSync && !optionReason && (
                  <Box xcss={xcss({ paddingInlineStart: 'space.400' })}>
                    <AttachmentLimit bytes={def.options.attachmentMaxBytes} onChange={(bytes) => setOptions({ attachmentMaxBytes: bytes })} />
                  </Box>
                )}
                <Labelled id="opt-backfill" label="Records that already exist in Zoho CRM">
                  <Select
                    inputId="opt-backfill"
                    options={BACKFILL_OPTIONS}
                    isDisabled={optionReason !== null}
                    value={optionFor(BACKFILL_OPTIONS, optionReason ? 'NONE' : def.options.backfill.mode)}
                    onChange={(o) => o && setOptions({ backfill: { ...def.options.backfill, mode: o.value as BackfillOption['mode'] } })}
                  />
                  <Subtle>
                    {optionReason ??
                      (existing
                        ? 'Runs when the item is created; run it again from the dashboard. Records linked already are skipped.'
                        : 'Runs once the item is created, in the background, with its progress on the dashboard.')}
                  </Subtle>
                </Labelled>
                {def.options.backfill.mode === 'MATCH' && !optionReason && (
                  <Grid templateColumns="1fr 1fr" gap="space.100" testId="backfill-match">
                    <Select
                      inputId="backfill-match-zoho"
                      aria-label="Zoho CRM field to match on"
                      placeholder="Zoho CRM field to match on"
                      options={zohoFieldOpts}
                      value={def.options.backfill.matchZohoField ? optionFor(zohoFieldOpts, def.options.backfill.matchZohoField) : null}
                      onChange={(o) => o && setOptions({ backfill: { ...def.options.backfill, matchZohoField: o.value } })}
                    />
                    <Select
                      inputId="backfill-match-jira"
                      aria-label="Jira field holding the same value"
                      placeholder="Jira field holding the same value"
                      options={jiraFieldOpts}
                      value={def.options.backfill.matchJiraField ? optionFor(jiraFieldOpts, def.options.backfill.matchJiraField) : null}
                      onChange={(o) => o && setOptions({ backfill: { ...def.options.backfill, matchJiraField: o.value } })}
                    />
                  </Grid>
                )}
              </Stack>
            </Stack>
          )}
        </Stack>
      </ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={onClose}>
          Cancel
        </Button>
        {step === 2 && <Button onClick={() => setStep(1)}>Back</Button>}
        {step === 1 ? (
          <Button appearance="primary" isDisabled={!step1Ready} onClick={() => setStep(2)}>
            Next
          </Button>
        ) : (
          <Button appearance="primary" onClick={() => void save()} isLoading={action.pending === 'save'}>
            {existing ? 'Save changes' : 'Create'}
          </Button>
        )}
      </ModalFooter>
    </Modal>
  );
}
