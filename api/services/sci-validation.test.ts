// validateSci against hand-written metadata: every rule names the body path it concerns.
import { describe, expect, it } from 'vitest';
import type { JiraField } from '../../clients/jira';
import type { ZohoFieldMeta, ZohoModuleMeta } from '../../clients/zoho';
import { sciDefinitionSchema, type SciDefinitionInput } from '../../lib/sci/definition';
import { validateSci, type SciMetadata } from './sci-validation';

const modules: ZohoModuleMeta[] = [
  { api_name: 'Deals', plural_label: 'Deals', api_supported: true },
  { api_name: 'Custom_Things', plural_label: 'Things', api_supported: true },
  { api_name: 'Home', api_supported: false },
];
const zohoFields: ZohoFieldMeta[] = [
  { api_name: 'Deal_Name', data_type: 'text', field_label: 'Deal Name' },
  { api_name: 'Amount', data_type: 'currency' },
  { api_name: 'Closing_Date', data_type: 'date' },
  { api_name: 'Modified_Time', data_type: 'datetime', read_only: true },
  { api_name: 'Description', data_type: 'textarea' },
  {
    api_name: 'Stage',
    data_type: 'picklist',
    pick_list_values: [
      { display_value: 'Qualification', actual_value: 'Qualification' },
      { display_value: 'Closed Won', actual_value: 'Closed Won' },
    ],
  },
  { api_name: 'Layout_Image', data_type: 'imageupload' },
];
const jiraFields: JiraField[] = [
  { id: 'summary', name: 'Summary', custom: false, schema: { type: 'string', system: 'summary' } },
  { id: 'description', name: 'Description', custom: false, schema: { type: 'string', system: 'description' } },
  { id: 'duedate', name: 'Due date', custom: false, schema: { type: 'date', system: 'duedate' } },
  { id: 'created', name: 'Created', custom: false, schema: { type: 'datetime', system: 'created' } },
  { id: 'customfield_10030', name: 'Story Points', custom: true, schema: { type: 'number', custom: 'x:float' } },
];

function meta(over: Partial<SciMetadata> = {}): SciMetadata {
  return {
    mode: 'APP_OAUTH',
    zohoModules: modules,
    zohoFields,
    project: { id: '10000', key: 'DEMO', name: 'Demo' },
    issueTypes: [{ id: '10001', name: 'Task', subtask: false }],
    jiraFields,
    statuses: [
      { id: '10000', name: 'To Do', category: 'new', issueTypeIds: ['10001'] },
      { id: '10001', name: 'Done', category: 'done', issueTypeIds: ['10001'] },
    ],
    ...over,
  };
}

function def(input: Partial<SciDefinitionInput> = {}) {
  return sciDefinitionSchema.parse({
    name: 'Deals',
    syncMode: 'ONE_WAY',
    jiraProjectId: '10000',
    jiraIssueTypeId: '10001',
    zohoModule: 'Deals',
    fieldMappings: [{ zohoField: 'Deal_Name', jiraField: 'summary' }],
    ...input,
  });
}

const paths = (d: ReturnType<typeof def>, m: SciMetadata = meta()) => validateSci(d, m).map((p) => p.path);

describe('validateSci', () => {
  it('accepts a valid 1 Way definition with status sync and options', () => {
    const d = def({
      fieldMappings: [
        { zohoField: 'Deal_Name', jiraField: 'summary' },
        { zohoField: 'Amount', jiraField: 'customfield_10030' },
        { zohoField: 'Closing_Date', jiraField: 'duedate' },
      ],
      options: { autoCreate: true, notesSync: true, statusSync: { zohoField: 'Stage', valueMap: [{ zohoValue: 'Closed Won', jiraStatusId: '10001' }] } },
    });
    expect(validateSci(d, meta())).toEqual([]);
  });

  it('names unknown module, project and issue type', () => {
    expect(paths(def({ zohoModule: 'Nope' }), meta({ zohoFields: null }))).toEqual(['zohoModule']);
    expect(paths(def({ zohoModule: 'Home' }), meta({ zohoFields: null }))).toEqual(['zohoModule']);
    expect(paths(def(), meta({ project: null, issueTypes: [] }))).toEqual(['jiraProjectId']);
    expect(paths(def({ jiraIssueTypeId: '99' }))).toEqual(['jiraIssueTypeId']);
  });

  it('names unknown and incompatible mapped fields, duplicate targets and Jira-only fields', () => {
    const d = def({
      fieldMappings: [
        { zohoField: 'Deal_Name', jiraField: 'summary' },
        { zohoField: 'No_Such', jiraField: 'summary' },
        { zohoField: 'Deal_Name', jiraField: 'customfield_99999' },
        { zohoField: 'Closing_Date', jiraField: 'customfield_10030' },
        { zohoField: 'Layout_Image', jiraField: 'description' },
        { zohoField: 'Modified_Time', jiraField: 'created' },
        { zohoField: 'Description', jiraField: 'summary' },
      ],
    });
    const problems = validateSci(d, meta());
    expect(problems.map((p) => p.path)).toEqual([
      'fieldMappings.1.zohoField',
      'fieldMappings.1.jiraField',
      'fieldMappings.2.jiraField',
      'fieldMappings.3',
      'fieldMappings.4',
      'fieldMappings.5.jiraField',
      'fieldMappings.6.jiraField',
    ]);
    expect(problems[3]!.message).toMatch(/Closing_Date \(date\) cannot map to Jira field customfield_10030/);
    expect(problems[6]!.message).toMatch(/already filled by mapping 1/);
  });

  it('in 2 Way refuses Jira-to-Zoho flow into a read-only Zoho field, but not a CRM-owned mapping', () => {
    const twoWay = (owner: 'ZOHO' | 'JIRA' | 'BOTH') =>
      def({ syncMode: 'TWO_WAY', fieldMappings: [{ zohoField: 'Modified_Time', jiraField: 'duedate', owner }] });
    expect(paths(twoWay('BOTH'))).toEqual(['fieldMappings.0.owner']);
    expect(paths(twoWay('ZOHO'))).toEqual([]);
  });

  it('checks status sync: picklist field, known values, statuses of the workflow, no value twice', () => {
    const d = def({
      options: {
        statusSync: {
          zohoField: 'Stage',
          valueMap: [
            { zohoValue: 'Closed Won', jiraStatusId: '10001' },
            { zohoValue: 'Closed Won', jiraStatusId: '10000' },
            { zohoValue: 'Closed Lost', jiraStatusId: '10000' },
            { zohoValue: 'Qualification', jiraStatusId: '3' },
          ],
        },
      },
    });
    expect(paths(d)).toEqual(['options.statusSync.valueMap.1.zohoValue', 'options.statusSync.valueMap.2.zohoValue', 'options.statusSync.valueMap.3.jiraStatusId']);
    const notPicklist = def({ options: { statusSync: { zohoField: 'Deal_Name', valueMap: [{ zohoValue: 'x', jiraStatusId: '10000' }] } } });
    expect(paths(notPicklist)).toEqual(['options.statusSync.zohoField']);
  });

  it('refuses App-OAuth-only options in Providers mode, with the reason (F9)', () => {
    const d = def({ options: { autoCreate: true, attachmentSync: true } });
    const problems = validateSci(d, meta({ mode: 'PROVIDERS' }));
    expect(problems.map((p) => p.path)).toEqual(['options.autoCreate', 'options.attachmentSync']);
    expect(problems[0]!.message).toMatch(/needs App OAuth 2.0/);
  });

  it('auto-create needs a polling-ready module (F9, F10)', () => {
    const d = def({ zohoModule: 'Custom_Things', fieldMappings: [], options: { autoCreate: true } });
    expect(paths(d)).toEqual(['options.autoCreate']);
  });

  it('Display items take display fields only: no mappings, no sync options', () => {
    const ok = def({ syncMode: 'DISPLAY', fieldMappings: [], displayFields: ['Deal_Name', 'Stage'] });
    expect(paths(ok)).toEqual([]);
    const bad = def({ syncMode: 'DISPLAY', displayFields: ['Deal_Name', 'Nope', 'Deal_Name'], options: { notesSync: true } });
    expect(paths(bad)).toEqual(['displayFields.1', 'displayFields.2', 'fieldMappings', 'options.notesSync']);
  });

  it('backfill by matching needs both match fields to exist', () => {
    const d = def({ options: { backfill: { mode: 'MATCH', matchZohoField: 'Nope' } } });
    expect(paths(d)).toEqual(['options.backfill.matchZohoField', 'options.backfill.matchJiraField']);
  });
});
