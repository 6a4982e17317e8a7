// Validation of an SCI definition against live metadata (F8, F9, F11). The body's shape is checked by
// sciDefinitionSchema at the route edge; this adds what only the two vendors know: that the module, fields,
// project, issue type and statuses exist, that mapped types are compatible (lib/sync/field-types.ts), and
// which options the connection mode allows. Every problem names the body path it concerns, so the admin
// page can put the message next to the right control. Pure: metadata is loaded separately.
import { JiraError, type JiraClient, type JiraField } from '../../clients/jira';
import { isPollingReadyModule, type ZohoClient, type ZohoFieldMeta, type ZohoModuleMeta } from '../../clients/zoho';
import { APP_OAUTH_ONLY_OPTIONS, type SciDefinition } from '../../lib/sci/definition';
import { jiraFieldType, mappingProblem, zohoFieldType } from '../../lib/sync/field-types';
import type { Problem } from './api-errors';
import {
  JIRA_READ_ONLY_FIELDS,
  listJiraIssueTypes,
  projectStatuses,
  type JiraIssueTypeDto,
  type JiraProjectDto,
  type JiraStatusDto,
} from './metadata';
import type { ZohoMode } from './zoho-access';

export interface SciMetadata {
  mode: ZohoMode;
  zohoModules: ZohoModuleMeta[];
  /** Fields of the chosen module; null when the module is unknown. */
  zohoFields: ZohoFieldMeta[] | null;
  /** The chosen project; null when Jira has no such project (or the app cannot see it). */
  project: JiraProjectDto | null;
  issueTypes: JiraIssueTypeDto[];
  jiraFields: JiraField[];
  /** Statuses of the project's workflow for the chosen issue type (loaded only for status sync). */
  statuses: JiraStatusDto[];
}

const OPTION_LABELS: Record<(typeof APP_OAUTH_ONLY_OPTIONS)[number], string> = {
  autoCreate: 'Auto-create',
  statusSync: 'Status sync',
  notesSync: 'CRM notes sync',
  attachmentSync: 'Attachment sync',
};

function optionEnabled(def: SciDefinition, option: (typeof APP_OAUTH_ONLY_OPTIONS)[number]): boolean {
  const v = def.options[option];
  return v !== false && v !== null;
}

/** Every problem with `def` given `meta`; empty means the SCI may be saved. */
export function validateSci(def: SciDefinition, meta: SciMetadata): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  // ── Step 1: scope ──
  const module = meta.zohoModules.find((m) => m.api_name === def.zohoModule);
  if (!module) add('zohoModule', `Zoho CRM has no module "${def.zohoModule}".`);
  else if (module.api_supported === false) add('zohoModule', `The Zoho CRM module "${def.zohoModule}" cannot be used through the API.`);
  if (!meta.project) add('jiraProjectId', `Jira has no project "${def.jiraProjectId}" (or the app cannot see it).`);
  else if (!meta.issueTypes.some((t) => t.id === def.jiraIssueTypeId)) {
    add('jiraIssueTypeId', `Issue type "${def.jiraIssueTypeId}" is not used by project ${meta.project.key}.`);
  }

  const zohoFields = new Map((meta.zohoFields ?? []).map((f) => [f.api_name, f]));
  const jiraFields = new Map(meta.jiraFields.map((f) => [f.id, f]));
  const knownZohoField = (path: string, apiName: string): ZohoFieldMeta | undefined => {
    if (!meta.zohoFields) return undefined; // module already reported
    const f = zohoFields.get(apiName);
    if (!f) add(path, `The Zoho CRM module ${def.zohoModule} has no field "${apiName}".`);
    return f;
  };
  const knownJiraField = (path: string, id: string): JiraField | undefined => {
    const f = jiraFields.get(id);
    if (!f) add(path, `Jira has no field "${id}".`);
    return f;
  };

  // ── Step 2: display fields or mappings ──
  const seenDisplay = new Set<string>();
  def.displayFields.forEach((name, i) => {
    if (seenDisplay.has(name)) add(`displayFields.${i}`, `"${name}" is listed twice.`);
    seenDisplay.add(name);
    knownZohoField(`displayFields.${i}`, name);
  });

  if (def.syncMode === 'DISPLAY') {
    if (def.fieldMappings.length > 0) add('fieldMappings', 'Display items show fields only; field mappings need 1 Way or 2 Way.');
    for (const option of APP_OAUTH_ONLY_OPTIONS) {
      if (optionEnabled(def, option)) add(`options.${option}`, `${OPTION_LABELS[option]} needs a synchronized item (1 Way or 2 Way); Display items do not sync.`);
    }
  }

  const jiraTargets = new Map<string, number>();
  def.fieldMappings.forEach((m, i) => {
    const base = `fieldMappings.${i}`;
    const z = knownZohoField(`${base}.zohoField`, m.zohoField);
    const j = knownJiraField(`${base}.jiraField`, m.jiraField);
    // In 1 Way every mapping flows to Jira; in 2 Way the owner decides (F35).
    const toJira = def.syncMode !== 'TWO_WAY' || m.owner !== 'JIRA';
    const toZoho = def.syncMode === 'TWO_WAY' && m.owner !== 'ZOHO';
    if (toJira) {
      const earlier = jiraTargets.get(m.jiraField);
      if (earlier !== undefined) add(`${base}.jiraField`, `Jira field ${m.jiraField} is already filled by mapping ${earlier + 1}.`);
      else jiraTargets.set(m.jiraField, i);
    }
    if (!z || !j) return;
    const problem = mappingProblem(zohoFieldType(z), jiraFieldType(j));
    if (problem) {
      add(base, `${problem}.`);
      return;
    }
    if (toJira && JIRA_READ_ONLY_FIELDS.has(j.id)) add(`${base}.jiraField`, `Jira field ${j.id} is set by Jira itself and cannot be written.`);
    if (toZoho && (z.read_only || z.field_read_only)) {
      add(`${base}.owner`, `Zoho CRM field ${z.api_name} is read-only: map it as CRM-owned (owner ZOHO).`);
    }
  });

  // ── Options (F9) ──
  if (meta.mode === 'PROVIDERS') {
    for (const option of APP_OAUTH_ONLY_OPTIONS) {
      if (optionEnabled(def, option) && def.syncMode !== 'DISPLAY') {
        add(`options.${option}`, `${OPTION_LABELS[option]} needs App OAuth 2.0; this site signs in with Providers, where nothing runs in the background.`);
      }
    }
  }
  if (def.options.autoCreate && def.syncMode !== 'DISPLAY' && module && !isPollingReadyModule(def.zohoModule)) {
    add('options.autoCreate', `Auto-create needs a polling-ready module; ${def.zohoModule} is not one.`);
  }

  const status = def.options.statusSync;
  if (status && def.syncMode !== 'DISPLAY') {
    const f = knownZohoField('options.statusSync.zohoField', status.zohoField);
    const values = new Set((f?.pick_list_values ?? []).map((p) => p.actual_value));
    if (f && f.data_type !== 'picklist') {
      add('options.statusSync.zohoField', `Status sync needs a picklist field; ${f.api_name} is "${f.data_type}".`);
    }
    const statusIds = new Set(meta.statuses.map((s) => s.id));
    const seen = new Set<string>();
    status.valueMap.forEach((entry, i) => {
      const base = `options.statusSync.valueMap.${i}`;
      if (seen.has(entry.zohoValue)) add(`${base}.zohoValue`, `"${entry.zohoValue}" is mapped twice.`);
      seen.add(entry.zohoValue);
      if (f && f.data_type === 'picklist' && !values.has(entry.zohoValue)) {
        add(`${base}.zohoValue`, `"${entry.zohoValue}" is not a value of the Zoho CRM picklist ${f.api_name}.`);
      }
      if (meta.project && !statusIds.has(entry.jiraStatusId)) {
        add(`${base}.jiraStatusId`, `Status ${entry.jiraStatusId} is not in the workflow of this project and issue type.`);
      }
    });
  }

  const backfill = def.options.backfill;
  if (backfill.mode !== 'NONE' && def.syncMode === 'DISPLAY') add('options.backfill', 'Backfill needs a synchronized item (1 Way or 2 Way).');
  if (backfill.mode === 'MATCH') {
    if (!backfill.matchZohoField) add('options.backfill.matchZohoField', 'Matching existing records needs a Zoho CRM field to match on.');
    else knownZohoField('options.backfill.matchZohoField', backfill.matchZohoField);
    if (!backfill.matchJiraField) add('options.backfill.matchJiraField', 'Matching existing records needs a Jira field to match on.');
    else knownJiraField('options.backfill.matchJiraField', backfill.matchJiraField);
  }
  if (backfill.mode !== 'NONE' && meta.mode === 'PROVIDERS') add('options.backfill', 'Backfill needs App OAuth 2.0.');

  return problems;
}

/** Loads what validateSci needs, asking each vendor only for what the definition uses. */
export async function loadSciMetadata(def: SciDefinition, zoho: ZohoClient, jira: JiraClient, mode: ZohoMode): Promise<SciMetadata> {
  const needsJiraFields = def.fieldMappings.length > 0 || def.options.backfill.mode === 'MATCH';
  const zohoSide = (async () => {
    const zohoModules = await zoho.metadata.modules();
    const known = zohoModules.some((m) => m.api_name === def.zohoModule && m.api_supported !== false);
    return { zohoModules, zohoFields: known ? await zoho.metadata.fields(def.zohoModule) : null };
  })();
  // Fields are site-wide: loaded even when the project is unknown, so mappings are judged on their own.
  const jiraFieldsSide = needsJiraFields ? jira.metadata.listFields() : Promise.resolve([]);
  const jiraSide = (async () => {
    const project = await jira.metadata.getProject(def.jiraProjectId).catch((err: unknown) => {
      if (isJiraNotFound(err)) return null;
      throw err;
    });
    if (!project) return { project: null, issueTypes: [], statuses: [] };
    const [issueTypes, statuses] = await Promise.all([
      listJiraIssueTypes(jira, project.id),
      def.options.statusSync ? jira.metadata.getProjectStatuses(project.id).then((s) => projectStatuses(s, def.jiraIssueTypeId)) : Promise.resolve([]),
    ]);
    return { project: { id: project.id, key: project.key, name: project.name }, issueTypes, statuses };
  })();
  const [z, j, jiraFields] = await Promise.all([zohoSide, jiraSide, jiraFieldsSide]);
  return { mode, ...z, ...j, jiraFields };
}

function isJiraNotFound(err: unknown): boolean {
  // 404 for an unknown project; Jira answers 400 for some malformed keys.
  return err instanceof JiraError && (err.status === 404 || err.status === 400);
}
