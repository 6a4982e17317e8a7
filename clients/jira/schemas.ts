// Raw Jira shapes as the REST API v3 returns them (names as Jira spells them). Loose objects: Jira adds
// fields over time, and a new field must not break a sync. Only what callers read is declared.
// Reference: https://developer.atlassian.com/cloud/jira/platform/rest/v3/
import { z } from 'zod';

export const avatarUrlsSchema = z.record(z.string(), z.string()).optional();

export const userSchema = z.looseObject({
  accountId: z.string(),
  accountType: z.string().optional(),
  displayName: z.string().optional(),
  emailAddress: z.string().optional(),
  active: z.boolean().optional(),
  timeZone: z.string().optional(),
  self: z.string().optional(),
});
export type JiraUser = z.infer<typeof userSchema>;

export const statusCategorySchema = z.looseObject({
  id: z.number().optional(),
  key: z.string(),
  name: z.string().optional(),
  colorName: z.string().optional(),
});

export const statusSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  statusCategory: statusCategorySchema.optional(),
  self: z.string().optional(),
});
export type JiraStatus = z.infer<typeof statusSchema>;

export const issueTypeSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  subtask: z.boolean().optional(),
  hierarchyLevel: z.number().optional(),
  iconUrl: z.string().optional(),
  self: z.string().optional(),
});
export type JiraIssueType = z.infer<typeof issueTypeSchema>;

export const projectSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  projectTypeKey: z.string().optional(),
  simplified: z.boolean().optional(),
  style: z.string().optional(),
  self: z.string().optional(),
  issueTypes: z.array(issueTypeSchema).optional(),
});
export type JiraProject = z.infer<typeof projectSchema>;

export const pageOfProjectsSchema = z.looseObject({
  startAt: z.number(),
  maxResults: z.number(),
  total: z.number().optional(),
  isLast: z.boolean().optional(),
  nextPage: z.string().optional(),
  values: z.array(projectSchema),
});

export const fieldSchema = z.looseObject({
  id: z.string(),
  key: z.string().optional(),
  name: z.string(),
  custom: z.boolean(),
  orderable: z.boolean().optional(),
  navigable: z.boolean().optional(),
  searchable: z.boolean().optional(),
  clauseNames: z.array(z.string()).optional(),
  schema: z
    .looseObject({
      type: z.string(),
      items: z.string().optional(),
      system: z.string().optional(),
      custom: z.string().optional(),
      customId: z.number().optional(),
    })
    .optional(),
});
export type JiraField = z.infer<typeof fieldSchema>;

export const changeItemSchema = z.looseObject({
  field: z.string(),
  fieldtype: z.string().optional(),
  fieldId: z.string().optional(),
  // Jira sends null when the field was or became empty.
  from: z.string().nullable().optional(),
  fromString: z.string().nullable().optional(),
  to: z.string().nullable().optional(),
  toString: z.string().nullable().optional(),
});
export type JiraChangeItem = z.infer<typeof changeItemSchema>;

export const changelogEntrySchema = z.looseObject({
  id: z.string(),
  author: userSchema.optional(),
  created: z.string(),
  items: z.array(changeItemSchema),
});
export type JiraChangelogEntry = z.infer<typeof changelogEntrySchema>;

export const fieldMetaSchema = z.looseObject({
  key: z.string(),
  name: z.string(),
  required: z.boolean(),
  schema: z.looseObject({ type: z.string() }).optional(),
  operations: z.array(z.string()).optional(),
  allowedValues: z.array(z.unknown()).optional(),
});

export const transitionSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  to: statusSchema,
  hasScreen: z.boolean().optional(),
  isGlobal: z.boolean().optional(),
  isInitial: z.boolean().optional(),
  isAvailable: z.boolean().optional(),
  isConditional: z.boolean().optional(),
  fields: z.record(z.string(), fieldMetaSchema).optional(),
});
export type JiraTransition = z.infer<typeof transitionSchema>;

export const transitionsSchema = z.looseObject({ transitions: z.array(transitionSchema) });

export const issueSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  self: z.string().optional(),
  fields: z.record(z.string(), z.unknown()).default({}),
  changelog: z
    .looseObject({
      startAt: z.number().optional(),
      maxResults: z.number().optional(),
      total: z.number().optional(),
      histories: z.array(changelogEntrySchema),
    })
    .optional(),
  transitions: z.array(transitionSchema).optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  names: z.record(z.string(), z.string()).optional(),
});
export type JiraIssue = z.infer<typeof issueSchema>;

export const createdIssueSchema = z.looseObject({ id: z.string(), key: z.string(), self: z.string() });
export type JiraCreatedIssue = z.infer<typeof createdIssueSchema>;

/** POST /rest/api/3/issue/bulk: the issues made, and one entry per failed element (its index in the request). */
export const createdIssuesSchema = z.looseObject({
  issues: z.array(createdIssueSchema).default([]),
  errors: z
    .array(
      z.looseObject({
        status: z.number().optional(),
        failedElementNumber: z.number().int(),
        elementErrors: z.looseObject({ errorMessages: z.array(z.string()).optional(), errors: z.record(z.string(), z.string()).optional() }).optional(),
      }),
    )
    .default([]),
});
export type JiraCreatedIssues = z.infer<typeof createdIssuesSchema>;

// /search/jql returns only `id` unless fields are asked for, so key and fields may be absent here.
export const searchIssueSchema = issueSchema.extend({ key: z.string().optional() });
export type JiraSearchIssue = z.infer<typeof searchIssueSchema>;

export const searchResultsSchema = z.looseObject({
  issues: z.array(searchIssueSchema),
  nextPageToken: z.string().optional(),
  isLast: z.boolean().optional(),
});

export const entityPropertySchema = z.looseObject({ key: z.string(), value: z.unknown() });
export const propertyKeysSchema = z.looseObject({
  keys: z.array(z.looseObject({ key: z.string(), self: z.string().optional() })),
});

export const attachmentSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  filename: z.string(),
  size: z.number(),
  mimeType: z.string().optional(),
  created: z.string().optional(),
  content: z.string().optional(),
  self: z.string().optional(),
  author: userSchema.optional(),
});
export type JiraAttachment = z.infer<typeof attachmentSchema>;

export const attachmentSettingsSchema = z.looseObject({ enabled: z.boolean(), uploadLimit: z.number() });
export type JiraAttachmentSettings = z.infer<typeof attachmentSettingsSchema>;

export const issueTypeWithStatusSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  subtask: z.boolean().optional(),
  statuses: z.array(statusSchema),
});
