// Live metadata for the SCI editor's pickers (api/routes/metadata.ts, F8), one normalized shape per resource.
import { z } from 'zod';
import { SYNC_RULE_OPERATORS } from './sync-rules';

export const zohoModuleDto = z.object({
  apiName: z.string(),
  label: z.string(),
  singularLabel: z.string(),
  /** In the polling list (F10): auto-create and scheduled sync are offered. */
  pollingReady: z.boolean(),
  creatable: z.boolean(),
  editable: z.boolean(),
});
export type ZohoModuleDto = z.infer<typeof zohoModuleDto>;

export const zohoFieldDto = z.object({
  apiName: z.string(),
  label: z.string(),
  dataType: z.string(),
  readOnly: z.boolean(),
  mandatory: z.boolean(),
  custom: z.boolean(),
  pickListValues: z.array(z.object({ displayValue: z.string(), actualValue: z.string() })),
  lookupModule: z.string().nullable(),
  /** False for types no mapping can carry (subforms, images, formulas of unknown type...). */
  syncable: z.boolean(),
  /** F40: the sync-rule operators this field's type allows (none for types rules cannot compare). */
  ruleOperators: z.array(z.enum(SYNC_RULE_OPERATORS)),
});
export type ZohoFieldDto = z.infer<typeof zohoFieldDto>;

export const jiraProjectDto = z.object({ id: z.string(), key: z.string(), name: z.string() });
export type JiraProjectDto = z.infer<typeof jiraProjectDto>;

export const jiraIssueTypeDto = z.object({ id: z.string(), name: z.string(), subtask: z.boolean() });
export type JiraIssueTypeDto = z.infer<typeof jiraIssueTypeDto>;

export const jiraFieldDto = z.object({
  id: z.string(),
  name: z.string(),
  custom: z.boolean(),
  schemaType: z.string().nullable(),
  items: z.string().nullable(),
  /** Can be a mapping target at all (the type has a conversion and Jira lets it be edited). */
  syncable: z.boolean(),
});
export type JiraFieldDto = z.infer<typeof jiraFieldDto>;

export const jiraStatusDto = z.object({
  id: z.string(),
  name: z.string(),
  category: z.string().nullable(),
  /** Issue types of the project whose workflow has this status. */
  issueTypeIds: z.array(z.string()),
});
export type JiraStatusDto = z.infer<typeof jiraStatusDto>;

export const zohoModulesDto = z.object({ modules: z.array(zohoModuleDto) });
export const zohoFieldsDto = z.object({ fields: z.array(zohoFieldDto) });
export const jiraProjectsDto = z.object({ projects: z.array(jiraProjectDto) });
export const jiraIssueTypesDto = z.object({ issueTypes: z.array(jiraIssueTypeDto) });
export const jiraStatusesDto = z.object({ statuses: z.array(jiraStatusDto) });
export const jiraFieldsDto = z.object({ fields: z.array(jiraFieldDto) });

export const zohoModuleName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'a Zoho CRM module API name');
export const jiraProjectIdOrKey = z.string().regex(/^(\d{1,20}|[A-Za-z][A-Za-z0-9_]{0,49})$/, 'a Jira project id or key');
export const statusesQuery = z.object({ issueTypeId: z.string().regex(/^\d{1,20}$/).optional() });
