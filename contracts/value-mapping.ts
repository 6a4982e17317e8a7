// Value mapping and user mapping on one field mapping (F41). A value map turns picklist/select values of
// one side into the other's (one to one or many to one); a user map says which Jira account is which Zoho
// CRM user beyond matching e-mail addresses, and what to do with a user neither finds. Both live on the
// field mapping they convert (`fieldMappings[i].valueMap` / `.userMap`). Pure zod, so the Forge bundle can
// import it.
import { z } from 'zod';

const value = z.string().trim().min(1).max(500);
const apiName = z.string().trim().min(1).max(200);

/** Most value pairs and user overrides one mapping holds. */
export const MAX_VALUE_MAP_ENTRIES = 500;

/** What an unmapped value does when no default is set for its direction. */
export const unmappedActions = ['LEAVE', 'CLEAR'] as const;
export type UnmappedAction = (typeof unmappedActions)[number];

export const valueMapEntrySchema = z.object({
  /** A Zoho picklist value (its actual value). */
  zohoValue: value,
  /** A Jira value: a priority's name, a select option's value or a label. */
  jiraValue: value,
});
export type ValueMapEntry = z.infer<typeof valueMapEntrySchema>;

/**
 * Several Zoho values may share one Jira value (many to one) and the other way round. Going back (2 Way),
 * a value listed more than once takes the first entry that lists it.
 */
export const valueMapSchema = z.object({
  entries: z.array(valueMapEntrySchema).max(MAX_VALUE_MAP_ENTRIES).default([]),
  /** Written to Jira for a Zoho value with no entry. */
  defaultJiraValue: value.nullable().default(null),
  /** Written to Zoho for a Jira value with no entry (2 Way). */
  defaultZohoValue: value.nullable().default(null),
  /** An unmapped value without a default: leave the other side's field unchanged, or clear it. */
  unmapped: z.enum(unmappedActions).default('LEAVE'),
});
export type ValueMap = z.infer<typeof valueMapSchema>;
export type ValueMapInput = z.input<typeof valueMapSchema>;

/** What happens to a user found on neither side by e-mail or override. */
export const userFallbacks = ['LEAVE', 'DEFAULT_USER', 'NAME_AS_TEXT'] as const;
export type UserFallback = (typeof userFallbacks)[number];

export const userOverrideSchema = z.object({
  jiraAccountId: z.string().trim().min(1).max(128),
  zohoUserId: z
    .string()
    .trim()
    .regex(/^\d{1,30}$/, 'a Zoho CRM user id'),
});
export type UserOverride = z.infer<typeof userOverrideSchema>;

export const userMapSchema = z.object({
  /** Pairs that e-mail matching would miss (different addresses on the two sides); checked first. */
  overrides: z.array(userOverrideSchema).max(MAX_VALUE_MAP_ENTRIES).default([]),
  fallback: z.enum(userFallbacks).default('LEAVE'),
  /** DEFAULT_USER: the Jira account written for an unmatched Zoho user. */
  defaultJiraAccountId: z.string().trim().min(1).max(128).nullable().default(null),
  /** DEFAULT_USER: the Zoho CRM user written for an unmatched Jira user (2 Way). */
  defaultZohoUserId: z
    .string()
    .trim()
    .regex(/^\d{1,30}$/, 'a Zoho CRM user id')
    .nullable()
    .default(null),
  /** NAME_AS_TEXT: a Jira text field that receives an unmatched Zoho user's name. */
  nameJiraField: apiName.nullable().default(null),
  /** NAME_AS_TEXT: a Zoho text field that receives an unmatched Jira user's name (2 Way). */
  nameZohoField: apiName.nullable().default(null),
});
export type UserMap = z.infer<typeof userMapSchema>;
export type UserMapInput = z.input<typeof userMapSchema>;

/** The labels the editor shows for each choice. */
export const UNMAPPED_LABELS: Record<UnmappedAction, string> = { LEAVE: 'Leave unchanged', CLEAR: 'Clear the field' };
export const USER_FALLBACK_LABELS: Record<UserFallback, string> = {
  LEAVE: 'Leave unchanged',
  DEFAULT_USER: 'Use a default user',
  NAME_AS_TEXT: "Write the user's name in a text field",
};

// ── What the editor's "Map values" and "Map users" panels are filled from (live metadata) ──

/** A Jira field id in a path: system ids (`priority`, `labels`) or `customfield_<n>`. */
export const jiraFieldIdParam = z.object({
  fieldId: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'a Jira field id'),
});

export const jiraFieldValuesDto = z.object({
  /** Priorities' names, a select field's options, or the labels in use. */
  values: z.array(z.string()),
  /** Labels: any value without spaces may be typed, the list only suggests. */
  anyValue: z.boolean(),
});
export type JiraFieldValuesDto = z.infer<typeof jiraFieldValuesDto>;

export const mappingUsersDto = z.object({
  jira: z.array(z.object({ accountId: z.string(), displayName: z.string(), emailAddress: z.string().nullable() })),
  zoho: z.array(z.object({ id: z.string(), name: z.string(), email: z.string().nullable() })),
});
export type MappingUsersDto = z.infer<typeof mappingUsersDto>;
