// The shape of a Smart Connected Item's configuration (F8, F35): one schema used by the API to validate
// admin input, by the database layer to read the JSON columns back (lib/sci/definition.ts), by the sync
// engine and by the admin page's editor. Pure zod, so the Forge bundle can import it.
import { z } from 'zod';
import { jqlFieldsSchema } from './jql-fields';
import { relatedRecordsSchema } from './related-records';
import { syncRulesSchema } from './sync-rules';
import { userMapSchema, valueMapSchema } from './value-mapping';

export const syncModes = ['DISPLAY', 'ONE_WAY', 'TWO_WAY'] as const;
export type SyncModeName = (typeof syncModes)[number];

/** Which side owns a mapped field in 2 Way mode (F35). ONE_WAY SCIs treat every mapping as ZOHO. */
export const fieldOwners = ['ZOHO', 'JIRA', 'BOTH'] as const;

/**
 * F48: what a both-owned mapping does when both sides changed the field since it was last synced: hold it
 * for a person to choose (ask), let one side win, or the latest change wins (F35's behaviour). A mapping
 * without a policy (every mapping saved before F48, or an API call that leaves it out) keeps latest wins;
 * the admin page's editor proposes `ask` for text and number fields of new mappings (conflictDefaultFor).
 */
export const conflictPolicies = ['ask', 'zoho', 'jira', 'latest'] as const;
export type ConflictPolicy = (typeof conflictPolicies)[number];

/** The policy the editor proposes for a new mapping of a Zoho field of this data type. */
export function conflictDefaultFor(zohoDataType: string | undefined): ConflictPolicy {
  return zohoDataType && ['text', 'textarea', 'email', 'phone', 'website', 'integer', 'bigint', 'double', 'currency', 'decimal'].includes(zohoDataType)
    ? 'ask'
    : 'latest';
}

/** The policy a stored mapping follows: only both-owned mappings have conflicts; none stored means latest. */
export function conflictPolicyOf(m: { owner: (typeof fieldOwners)[number]; conflict?: ConflictPolicy | undefined }): ConflictPolicy {
  return m.owner === 'BOTH' ? (m.conflict ?? 'latest') : 'latest';
}

/** F34: what happens to records that exist before the item does. */
export const backfillModes = ['NONE', 'IMPORT', 'MATCH'] as const;

const apiName = z.string().trim().min(1).max(200);

export const fieldMappingSchema = z.object({
  /** Zoho field API name, e.g. `Deal_Name`. */
  zohoField: apiName,
  /** Jira field id, e.g. `summary`, `duedate`, `customfield_10010`. */
  jiraField: apiName,
  /** ZOHO: CRM-owned; JIRA: Jira-owned; BOTH: latest change wins on that field's own modification time. */
  owner: z.enum(fieldOwners).default('BOTH'),
  /** F41: picklist/select values converted through a table (contracts/value-mapping.ts). */
  valueMap: valueMapSchema.optional(),
  /** F41: overrides and fallback for user fields (matched by e-mail otherwise). */
  userMap: userMapSchema.optional(),
  /** F48: both-owned fields changed on both sides since the last sync (see conflictPolicies). */
  conflict: z.enum(conflictPolicies).optional(),
});
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

export const statusSyncSchema = z.object({
  /** A picklist field of the module, e.g. `Stage` on Deals. */
  zohoField: apiName,
  /** Zoho picklist value ↔ Jira status id. Several Zoho values may map to one Jira status. */
  valueMap: z
    .array(z.object({ zohoValue: z.string().min(1).max(500), jiraStatusId: z.string().min(1).max(100) }))
    .min(1)
    .max(500),
});
export type StatusSync = z.infer<typeof statusSyncSchema>;

/** Zoho's own per-file limit for attachments is 20 MB; the seed's default is 10 MB. */
export const ZOHO_ATTACHMENT_LIMIT_BYTES = 20 * 1024 * 1024;
export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

export const sciOptionsSchema = z.object({
  autoCreate: z.boolean().default(false),
  statusSync: statusSyncSchema.nullable().default(null),
  notesSync: z.boolean().default(false),
  attachmentSync: z.boolean().default(false),
  /** Largest attachment copied by attachment sync, in bytes (1 byte up to Zoho's 20 MB). */
  attachmentMaxBytes: z.number().int().positive().max(ZOHO_ATTACHMENT_LIMIT_BYTES).default(DEFAULT_ATTACHMENT_MAX_BYTES),
  /** F34: on creation, link or import records that already exist. */
  backfill: z
    .object({ mode: z.enum(backfillModes).default('NONE'), matchJiraField: apiName.optional(), matchZohoField: apiName.optional() })
    .default({ mode: 'NONE' }),
  /** F42: records the primary one points at (lookup fields), previewed with it on the panel. */
  relatedRecords: relatedRecordsSchema,
  /** F40: conditions on Zoho fields and a JQL filter; the default (none) keeps every record and issue in scope. */
  syncRules: syncRulesSchema,
  /** F45: CRM values written to the linked issues' indexed property, searchable by these JQL names. */
  jqlFields: jqlFieldsSchema,
});
export type SciOptions = z.infer<typeof sciOptionsSchema>;

export const sciDefinitionSchema = z.object({
  name: z.string().trim().min(1).max(120),
  syncMode: z.enum(syncModes),
  jiraProjectId: z.string().trim().min(1).max(50),
  jiraIssueTypeId: z.string().trim().min(1).max(50),
  zohoModule: apiName,
  displayFields: z.array(apiName).max(50).default([]),
  fieldMappings: z.array(fieldMappingSchema).max(100).default([]),
  options: sciOptionsSchema.default(sciOptionsSchema.parse({})),
});
export type SciDefinition = z.infer<typeof sciDefinitionSchema>;
export type SciDefinitionInput = z.input<typeof sciDefinitionSchema>;

/** Options that need App OAuth 2.0 (F9): in Providers mode nothing runs in the background. */
export const APP_OAUTH_ONLY_OPTIONS = ['autoCreate', 'statusSync', 'notesSync', 'attachmentSync'] as const;
