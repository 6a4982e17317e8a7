// The one contract between the Custom UI screens and the resolvers: for every resolver key, the payload the
// UI sends and the data it gets back, as zod schemas (types are derived, never restated). The resolvers
// parse payloads with these schemas and parse the backend's answers with them too, so drift between the
// API and the screens shows up as one clear error instead of a blank card.
//
// This module is bundled into the browser: it may import zod and nothing that touches Node.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------
// Shared atoms

export const DATA_CENTERS = ['us', 'eu', 'in', 'au', 'jp', 'cn', 'uk', 'ca', 'sa'] as const;
export const dataCenterSchema = z.enum(DATA_CENTERS);
export type DataCenter = z.infer<typeof dataCenterSchema>;

/** Labels as the seed lists them: "US, EU, IN, AU, JP, CN, UK, CA, or SA". */
export const DATA_CENTER_LABELS: Record<DataCenter, string> = {
  us: 'US (zoho.com)',
  eu: 'EU (zoho.eu)',
  in: 'IN (zoho.in)',
  au: 'AU (zoho.com.au)',
  jp: 'JP (zoho.jp)',
  cn: 'CN (zoho.com.cn)',
  uk: 'UK (zoho.uk)',
  ca: 'CA (zohocloud.ca)',
  sa: 'SA (zoho.sa)',
};

export const AUTH_MODES = ['PROVIDERS', 'APP_OAUTH'] as const;
export const authModeSchema = z.enum(AUTH_MODES);
export type AuthMode = z.infer<typeof authModeSchema>;
export const AUTH_MODE_LABELS: Record<AuthMode, string> = { PROVIDERS: 'Providers', APP_OAUTH: 'App OAuth 2.0' };

export const SYNC_MODES = ['DISPLAY', 'ONE_WAY', 'TWO_WAY'] as const;
export const syncModeSchema = z.enum(SYNC_MODES);
export type SyncMode = z.infer<typeof syncModeSchema>;
export const SYNC_MODE_LABELS: Record<SyncMode, string> = { DISPLAY: 'Display', ONE_WAY: '1 Way', TWO_WAY: '2 Way' };

/** The scopes the seed's admin page lists for the Zoho API Console client (F5). */
export const REQUIRED_SCOPES_FALLBACK = [
  'AaaServer.profile.Read',
  'ZohoCRM.modules.ALL',
  'ZohoCRM.settings.ALL',
  'ZohoCRM.org.Read',
  'ZohoCRM.modules.notes.ALL',
  'ZohoCRM.modules.attachments.ALL',
  'WorkDrive.files.READ',
  'ZohoFiles.files.READ',
] as const;

export const ZOHO_API_CONSOLE_URL = 'https://api-console.zoho.com/';

const id = z.string().trim().min(1).max(200);
const empty = z.object({}).strict();

// ---------------------------------------------------------------------------------------------------
// Connection (F1–F6)

export const connectionSchema = z.object({
  mode: authModeSchema.nullable(),
  dataCenter: dataCenterSchema,
  state: z.string(),
  /** What a person reads on the summary cards. */
  summary: z.object({
    modeLabel: z.string(),
    dataCenterLabel: z.string(),
    automation: z.string(),
    apiDomain: z.string().nullable(),
  }),
  requiredScopes: z.array(z.string()),
  missingScopes: z.array(z.string()),
  /** e.g. "Reconnect App OAuth 2.0 to grant WorkDrive.files.READ" (F5); null when nothing is missing. */
  hint: z.string().nullable(),
  /** Providers mode: whether the requesting Jira user has signed in to Zoho CRM. */
  userSignedIn: z.boolean().nullable(),
  apiConsoleUrl: z.string(),
});
export type Connection = z.infer<typeof connectionSchema>;

export const appOAuthInputSchema = z.object({
  clientId: z.string().trim().min(1, 'Enter the Client ID from the Zoho API Console.').max(500),
  clientSecret: z.string().trim().min(1, 'Enter the Client Secret from the Zoho API Console.').max(500),
  code: z.string().trim().min(1, 'Paste the grant Code generated in the Zoho API Console.').max(2000),
});
export type AppOAuthInput = z.infer<typeof appOAuthInputSchema>;

// ---------------------------------------------------------------------------------------------------
// Metadata for the pickers (F8)

export const zohoModuleSchema = z.object({
  apiName: z.string(),
  label: z.string(),
  pollingReady: z.boolean(),
});
export const zohoFieldSchema = z.object({
  apiName: z.string(),
  label: z.string(),
  dataType: z.string(),
  readOnly: z.boolean(),
  pickListValues: z.array(z.object({ displayValue: z.string(), actualValue: z.string() })),
  syncable: z.boolean(),
});
export const jiraProjectSchema = z.object({ id: z.string(), key: z.string(), name: z.string() });
export const jiraIssueTypeSchema = z.object({ id: z.string(), name: z.string() });
export const jiraFieldSchema = z.object({ id: z.string(), name: z.string(), schemaType: z.string().nullable(), syncable: z.boolean() });
export const jiraStatusSchema = z.object({ id: z.string(), name: z.string() });
export type ZohoModule = z.infer<typeof zohoModuleSchema>;
export type ZohoField = z.infer<typeof zohoFieldSchema>;
export type JiraProject = z.infer<typeof jiraProjectSchema>;
export type JiraIssueType = z.infer<typeof jiraIssueTypeSchema>;
export type JiraField = z.infer<typeof jiraFieldSchema>;
export type JiraStatus = z.infer<typeof jiraStatusSchema>;

// ---------------------------------------------------------------------------------------------------
// Smart Connected Items (F7–F11, F22)

export const fieldMappingSchema = z.object({
  zohoField: id,
  jiraField: id,
  owner: z.enum(['ZOHO', 'JIRA', 'BOTH']),
});
export type FieldMappingInput = z.infer<typeof fieldMappingSchema>;

export const sciDefinitionSchema = z.object({
  name: z.string().trim().min(1, 'Give the Smart Connected Item a name.').max(120),
  syncMode: syncModeSchema,
  jiraProjectId: id,
  jiraIssueTypeId: id,
  zohoModule: id,
  displayFields: z.array(id).max(50),
  fieldMappings: z.array(fieldMappingSchema).max(100),
  options: z.object({
    autoCreate: z.boolean(),
    statusSync: z
      .object({ zohoField: id, valueMap: z.array(z.object({ zohoValue: z.string().min(1), jiraStatusId: id })).min(1) })
      .nullable(),
    notesSync: z.boolean(),
    attachmentSync: z.boolean(),
  }),
});
export type SciDefinition = z.infer<typeof sciDefinitionSchema>;

export const latestRunSchema = z.object({
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  outcome: z.string(),
  recordsSeen: z.number(),
  recordsChanged: z.number(),
  recordsCreated: z.number(),
  errorCount: z.number(),
  error: z.string().nullable(),
});
export type LatestRun = z.infer<typeof latestRunSchema>;

export const sciSchema = sciDefinitionSchema.extend({
  id: z.string(),
  enabled: z.boolean(),
  /** e.g. "DEMO · Task"; the backend names the scope so the table need not fetch metadata per row. */
  jiraScopeLabel: z.string(),
  zohoModuleLabel: z.string(),
  latestRun: latestRunSchema.nullable(),
  /** Workflow state as Temporal reports it (running, blocked on re-auth, paused...), or null (Display). */
  workflowState: z.string().nullable(),
  temporalUiUrl: z.string().nullable(),
});
export type Sci = z.infer<typeof sciSchema>;

export const syncRunSchema = latestRunSchema.extend({
  id: z.string(),
  trigger: z.string(),
  errors: z.array(z.object({ message: z.string(), recordId: z.string().nullable(), linkId: z.string().nullable() })),
});
export type SyncRun = z.infer<typeof syncRunSchema>;

// ---------------------------------------------------------------------------------------------------
// Issue panel (F23–F27)

export const PANEL_STATES = ['ok', 'login_required', 'auth_required', 'reauth_required'] as const;

export const previewFieldSchema = z.object({ label: z.string(), value: z.string() });
export const panelLinkSchema = z.object({
  id: z.string(),
  sciId: z.string(),
  sciName: z.string(),
  zohoModule: z.string(),
  recordId: z.string(),
  title: z.string(),
  managed: z.enum(['AUTO', 'MANUAL']),
  webUrl: z.string().nullable(),
  fields: z.array(previewFieldSchema),
  refreshedAt: z.string().nullable(),
});
export type PanelLink = z.infer<typeof panelLinkSchema>;

export const panelSciSchema = z.object({ id: z.string(), name: z.string(), zohoModule: z.string(), syncMode: syncModeSchema });
export type PanelSci = z.infer<typeof panelSciSchema>;

export const panelSchema = z.object({
  state: z.enum(PANEL_STATES),
  /** What the state means in words the user can act on (from the backend). */
  message: z.string().nullable(),
  mode: authModeSchema.nullable(),
  issueKey: z.string(),
  links: z.array(panelLinkSchema),
  /** SCIs covering the issue's project and type: the dialog asks which one to link through (F27). */
  scis: z.array(panelSciSchema),
});
export type Panel = z.infer<typeof panelSchema>;

export const recordHitSchema = z.object({
  recordId: z.string(),
  title: z.string(),
  fields: z.array(previewFieldSchema),
});
export type RecordHit = z.infer<typeof recordHitSchema>;

// ---------------------------------------------------------------------------------------------------
// Resolver keys: payload in, data out.

export const contract = {
  'connection/get': { payload: empty, data: connectionSchema },
  'connection/set-data-center': { payload: z.object({ dataCenter: dataCenterSchema }), data: connectionSchema },
  'connection/connect-app-oauth': { payload: appOAuthInputSchema, data: connectionSchema },
  'connection/switch-mode': { payload: z.object({ mode: authModeSchema }), data: connectionSchema },
  'connection/start-sign-in': { payload: empty, data: z.object({ authorizeUrl: z.string() }) },

  'metadata/zoho-modules': { payload: empty, data: z.array(zohoModuleSchema) },
  'metadata/zoho-fields': { payload: z.object({ module: id }), data: z.array(zohoFieldSchema) },
  'metadata/jira-projects': { payload: empty, data: z.array(jiraProjectSchema) },
  'metadata/jira-issue-types': { payload: z.object({ projectId: id }), data: z.array(jiraIssueTypeSchema) },
  'metadata/jira-fields': { payload: empty, data: z.array(jiraFieldSchema) },
  'metadata/jira-statuses': { payload: z.object({ projectId: id, issueTypeId: id.optional() }), data: z.array(jiraStatusSchema) },

  'sci/list': { payload: empty, data: z.array(sciSchema) },
  'sci/create': { payload: z.object({ definition: sciDefinitionSchema }), data: sciSchema },
  'sci/update': { payload: z.object({ id, definition: sciDefinitionSchema }), data: sciSchema },
  'sci/delete': { payload: z.object({ id }), data: z.object({ deleted: z.literal(true) }) },
  'sci/pause': { payload: z.object({ id }), data: sciSchema },
  'sci/resume': { payload: z.object({ id }), data: sciSchema },
  'sci/sync-now': { payload: z.object({ id }), data: z.object({ accepted: z.boolean() }) },
  'sci/runs': {
    payload: z.object({ id, cursor: z.string().max(500).optional() }),
    data: z.object({ runs: z.array(syncRunSchema), nextCursor: z.string().nullable() }),
  },
  'sci/resync': { payload: z.object({ id }), data: z.object({ accepted: z.boolean() }) },
  'sci/retry-parked': { payload: z.object({ id }), data: z.object({ accepted: z.boolean() }) },
  'sci/resync-link': { payload: z.object({ id, linkId: id }), data: z.object({ accepted: z.boolean() }) },

  'panel/get': { payload: empty, data: panelSchema },
  'panel/search': {
    payload: z.object({ sciId: id, query: z.string().trim().min(1, 'Type a name, a title or a record ID.').max(200), by: z.enum(['name', 'id']) }),
    data: z.array(recordHitSchema),
  },
  'panel/link': { payload: z.object({ sciId: id, recordId: id }), data: panelSchema },
  'panel/unlink': { payload: z.object({ linkId: id }), data: panelSchema },
  'panel/refresh': { payload: z.object({ linkId: id }), data: panelLinkSchema },
} as const;

export type ResolverKey = keyof typeof contract;
export type PayloadOf<K extends ResolverKey> = z.input<(typeof contract)[K]['payload']>;
export type DataOf<K extends ResolverKey> = z.infer<(typeof contract)[K]['data']>;
export const RESOLVER_KEYS = Object.keys(contract) as ResolverKey[];

/**
 * What a person sees when a call fails. `code` lets a screen react (e.g. show the sign-in card) without
 * reading the text; `problems` name the fields of a form that were refused (F11).
 */
export const resolverErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  problems: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ResolverError = z.infer<typeof resolverErrorSchema>;

/** Every resolver answers with this envelope: Forge's invoke turns thrown errors into opaque text. */
export type ResolverResult<K extends ResolverKey> = { ok: true; data: DataOf<K> } | { ok: false; error: ResolverError };
