// Live metadata for the SCI editor's pickers (F8) and for validating SCI bodies against it (F11), in one
// normalized shape per resource. Raw vendor shapes stay in the clients; the admin page never sees them.
import type { JiraClient, JiraField } from '../../clients/jira';
import { isPollingReadyModule, type ZohoClient, type ZohoFieldMeta, type ZohoModuleMeta } from '../../clients/zoho';
import type { JiraFieldDto, JiraIssueTypeDto, JiraProjectDto, JiraStatusDto, ZohoFieldDto, ZohoModuleDto } from '../../contracts/metadata';
import { jiraFieldType, jiraKind, zohoFieldType, zohoKind } from '../../lib/sync/field-types';
import { operatorsFor } from '../../lib/sync/sync-rules';

// The response shapes are the Forge app's contract (contracts/metadata.ts); re-exported for the API.
export {
  jiraFieldDto,
  jiraIssueTypeDto,
  jiraProjectDto,
  jiraStatusDto,
  zohoFieldDto,
  zohoModuleDto,
  type JiraFieldDto,
  type JiraIssueTypeDto,
  type JiraProjectDto,
  type JiraStatusDto,
  type ZohoFieldDto,
  type ZohoModuleDto,
} from '../../contracts/metadata';

/**
 * Jira system fields that only Jira sets (or that move through transitions): never a mapping target.
 * `/rest/api/3/field` does not say which fields are editable, and these carry a type that otherwise looks
 * writable (datetime, user, ...).
 */
export const JIRA_READ_ONLY_FIELDS = new Set([
  'created',
  'updated',
  'resolutiondate',
  'lastViewed',
  'creator',
  'status',
  'statuscategorychangedate',
  'issuetype',
  'project',
  'resolution',
  'workratio',
  'votes',
  'watches',
  'comment',
  'attachment',
  'issuelinks',
  'subtasks',
  'thumbnail',
  'aggregateprogress',
  'progress',
  'timespent',
  'aggregatetimespent',
  'worklog',
  'statusCategory',
]);

export function zohoModuleToDto(m: ZohoModuleMeta): ZohoModuleDto {
  return {
    apiName: m.api_name,
    label: m.plural_label ?? m.module_name ?? m.api_name,
    singularLabel: m.singular_label ?? m.plural_label ?? m.api_name,
    pollingReady: isPollingReadyModule(m.api_name),
    creatable: m.creatable ?? true,
    editable: m.editable ?? true,
  };
}

/** Modules a user can pick: those the API supports (Home, Reports, Feeds... are not). */
export function pickableModules(modules: ZohoModuleMeta[]): ZohoModuleDto[] {
  return modules.filter((m) => m.api_supported !== false).map(zohoModuleToDto);
}


export function zohoFieldToDto(f: ZohoFieldMeta): ZohoFieldDto {
  return {
    apiName: f.api_name,
    label: f.field_label ?? f.display_label ?? f.api_name,
    dataType: f.data_type,
    readOnly: (f.read_only ?? false) || (f.field_read_only ?? false),
    mandatory: f.system_mandatory ?? false,
    custom: f.custom_field ?? false,
    pickListValues: (f.pick_list_values ?? []).map((p) => ({ displayValue: p.display_value, actualValue: p.actual_value })),
    lookupModule: f.lookup?.module?.api_name ?? null,
    syncable: zohoKind(zohoFieldType(f)) !== 'unsupported',
    ruleOperators: operatorsFor(zohoFieldType(f)),
  };
}


export function jiraFieldToDto(f: JiraField): JiraFieldDto {
  return {
    id: f.id,
    name: f.name,
    custom: f.custom,
    schemaType: f.schema?.type ?? null,
    items: f.schema?.items ?? null,
    syncable: !JIRA_READ_ONLY_FIELDS.has(f.id) && jiraKind(jiraFieldType(f)) !== 'unsupported',
  };
}

/** Statuses of a project's workflows, each once, with the issue types that use it. */
export function projectStatuses(perType: { id: string; statuses: { id: string; name: string; statusCategory?: { key: string } | undefined }[] }[], issueTypeId?: string): JiraStatusDto[] {
  const byId = new Map<string, JiraStatusDto>();
  for (const type of perType) {
    if (issueTypeId && type.id !== issueTypeId) continue;
    for (const s of type.statuses) {
      const dto = byId.get(s.id) ?? { id: s.id, name: s.name, category: s.statusCategory?.key ?? null, issueTypeIds: [] };
      dto.issueTypeIds.push(type.id);
      byId.set(s.id, dto);
    }
  }
  return [...byId.values()];
}

// ─── Fetchers (one vendor call each) ───

export async function listZohoModules(zoho: ZohoClient): Promise<ZohoModuleDto[]> {
  return pickableModules(await zoho.metadata.modules());
}

export async function listZohoFields(zoho: ZohoClient, module: string): Promise<ZohoFieldMeta[]> {
  return zoho.metadata.fields(module);
}

export async function listJiraProjects(jira: JiraClient): Promise<JiraProjectDto[]> {
  const projects = await jira.metadata.listAllProjects();
  return projects.map((p) => ({ id: p.id, key: p.key, name: p.name }));
}

export async function listJiraIssueTypes(jira: JiraClient, projectId: string): Promise<JiraIssueTypeDto[]> {
  const types = await jira.metadata.getProjectIssueTypes(projectId);
  return types.map((t) => ({ id: t.id, name: t.name, subtask: t.subtask ?? false }));
}

