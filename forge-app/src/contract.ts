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
// Connection (F1–F6). Shapes follow the API's route schemas (api/routes/connection-summary.ts); only the
// fields the screens read are listed, so additions on the API side do not break an older app version.

export const connectionStates = ['NOT_CONFIGURED', 'CONNECTED', 'REAUTH_REQUIRED', 'ERROR'] as const;

export const connectionSchema = z.object({
  state: z.enum(connectionStates),
  mode: authModeSchema.nullable(),
  modeCard: z.object({ title: z.string(), description: z.string(), points: z.array(z.string()) }).nullable(),
  dataCenter: z.object({ id: dataCenterSchema, label: z.string(), apiConsoleUrl: z.string() }),
  automation: z.object({ active: z.boolean(), description: z.string(), features: z.array(z.string()) }),
  apiDomain: z.string().nullable(),
  clientId: z.string().nullable(),
  clientSecretStored: z.boolean(),
  connectedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  scopes: z.object({ required: z.array(z.string()), missing: z.array(z.string()), hint: z.string().nullable() }),
  /** Providers mode: the calling Jira user's own Zoho CRM sign-in. */
  currentUser: z.object({ signedIn: z.boolean(), zohoEmail: z.string().nullable() }).nullable(),
  message: z.string(),
  /** Days sync run history is kept; absent from an older API. */
  historyRetentionDays: z.number().int().positive().optional(),
});
export type Connection = z.infer<typeof connectionSchema>;

export const clientCredentialsSchema = z.object({
  clientId: z.string().trim().min(1, 'Enter the Client ID from the Zoho API Console.').max(200),
  clientSecret: z.string().trim().min(1, 'Enter the Client Secret from the Zoho API Console.').max(200),
});
export const appOAuthInputSchema = clientCredentialsSchema.extend({
  code: z.string().trim().min(1, 'Paste the grant Code generated in the Zoho API Console.').max(1000),
  dataCenter: dataCenterSchema.optional(),
});
export type AppOAuthInput = z.infer<typeof appOAuthInputSchema>;

// ---------------------------------------------------------------------------------------------------
// Metadata for the pickers (F8)

export const zohoModuleSchema = z.object({ apiName: z.string(), label: z.string(), pollingReady: z.boolean() });
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
// Smart Connected Items (F7–F11, F22); the definition mirrors lib/sci/definition.ts.

export const fieldMappingSchema = z.object({ zohoField: id, jiraField: id, owner: z.enum(['ZOHO', 'JIRA', 'BOTH']) });
export type FieldMappingInput = z.infer<typeof fieldMappingSchema>;

export const statusSyncSchema = z.object({
  zohoField: id,
  valueMap: z.array(z.object({ zohoValue: z.string().min(1), jiraStatusId: id })).min(1, 'Map at least one Zoho CRM value to a Jira status.'),
});

/** F34: what happens to records that exist before the item does. */
export const BACKFILL_MODES = ['NONE', 'IMPORT', 'MATCH'] as const;
export const backfillOptionSchema = z.object({
  mode: z.enum(BACKFILL_MODES),
  matchZohoField: id.optional(),
  matchJiraField: id.optional(),
});
export type BackfillOption = z.infer<typeof backfillOptionSchema>;

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
    statusSync: statusSyncSchema.nullable(),
    notesSync: z.boolean(),
    attachmentSync: z.boolean(),
    backfill: backfillOptionSchema.default({ mode: 'NONE' }),
  }),
});
export type SciDefinition = z.infer<typeof sciDefinitionSchema>;

export const RUN_OUTCOMES = ['RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED'] as const;
export const syncRunSchema = z.object({
  id: z.string(),
  kind: z.string(),
  outcome: z.enum(RUN_OUTCOMES),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  recordsSeen: z.number(),
  recordsChanged: z.number(),
  recordsCreated: z.number(),
  recordsSkipped: z.number(),
  errors: z.array(z.object({ message: z.string(), recordId: z.string().optional() })),
});
export type SyncRun = z.infer<typeof syncRunSchema>;

export const sciSchema = z.object({
  id: z.string(),
  name: z.string(),
  syncMode: syncModeSchema,
  jiraProjectId: z.string(),
  jiraProjectKey: z.string(),
  jiraIssueTypeId: z.string().nullable(),
  zohoModule: z.string(),
  displayFields: z.array(z.string()),
  fieldMappings: z.array(fieldMappingSchema),
  options: sciDefinitionSchema.shape.options,
  enabled: z.boolean(),
  paused: z.boolean(),
  automated: z.boolean(),
  lastSyncedAt: z.string().nullable(),
  temporalUiUrl: z.string().nullable(),
  latestRun: syncRunSchema.nullable(),
  /** The workflow's own view (waiting, syncing, paused, blocked), or null when none runs or it did not answer. */
  workflow: z
    .object({ state: z.string(), pendingEvents: z.number(), parkedEvents: z.number(), lastError: z.string().nullable(), retryingAt: z.string().nullable().optional() })
    .nullable(),
  workflowQuery: z.string(),
});
export type Sci = z.infer<typeof sciSchema>;

export const sciLinkSchema = z.object({ id: z.string(), jiraIssueKey: z.string(), zohoRecordId: z.string(), managed: z.enum(['AUTO', 'MANUAL']) });
export type SciLink = z.infer<typeof sciLinkSchema>;

const accepted = z.object({ accepted: z.boolean(), message: z.string() });

// Backfill (F34) and notification channels (F33); shapes follow api/services/backfill.ts and api/routes/channels.ts.

export const BACKFILL_PHASES = ['starting', 'running', 'paused-budget', 'retrying', 'succeeded', 'failed', 'cancelled'] as const;
export const backfillSchema = z.object({
  configuredMode: z.enum(BACKFILL_MODES),
  progress: z
    .object({
      mode: z.enum(['IMPORT', 'MATCH']).nullable(),
      phase: z.enum(BACKFILL_PHASES),
      total: z.number().nullable(),
      done: z.number(),
      created: z.number(),
      linked: z.number(),
      skipped: z.number(),
      failed: z.number(),
      rate: z.number(),
      startedAt: z.string().nullable(),
      resumesAt: z.string().nullable(),
      lastError: z.string().nullable(),
    })
    .nullable(),
  temporalUiUrl: z.string().nullable(),
});
export type Backfill = z.infer<typeof backfillSchema>;

export const channelsSchema = z.object({
  enabled: z.boolean(),
  channels: z.array(z.object({ module: z.string(), state: z.string(), expiresAt: z.string(), lastRenewedAt: z.string().nullable() })),
  keeper: z.object({ reconciliations: z.number(), lastError: z.string().nullable(), skipped: z.string().nullable(), nextCheckAt: z.string().nullable() }).nullable(),
  keeperQuery: z.string(),
  temporalUiUrl: z.string().nullable(),
});
export type Channels = z.infer<typeof channelsSchema>;

// ---------------------------------------------------------------------------------------------------
// Issue panel (F23–F27); shapes follow api/services/panel.ts.

export const PANEL_STATES = ['ok', 'login_required', 'auth_required', 'reauth_required'] as const;

export const previewFieldSchema = z.object({ apiName: z.string(), label: z.string(), value: z.string().nullable() });
export const linkCardSchema = z.object({
  id: z.string(),
  sciId: z.string(),
  sciName: z.string(),
  syncMode: syncModeSchema,
  zohoModule: z.string(),
  zohoRecordId: z.string(),
  managed: z.enum(['AUTO', 'MANUAL']),
  canUnlink: z.boolean(),
  recordName: z.string().nullable(),
  recordFound: z.boolean().nullable(),
  previewFields: z.array(previewFieldSchema),
  openUrl: z.string().nullable(),
  lastSyncedAt: z.string().nullable(),
});
export type LinkCard = z.infer<typeof linkCardSchema>;

export const panelSciSchema = z.object({ id: z.string(), name: z.string(), zohoModule: z.string(), syncMode: syncModeSchema });
export type PanelSci = z.infer<typeof panelSciSchema>;

export const panelSchema = z.object({
  issue: z.object({ id: z.string(), key: z.string() }),
  state: z.enum(PANEL_STATES),
  /** What the state means in words the user can act on (from the backend). */
  message: z.string().nullable(),
  links: z.array(linkCardSchema),
  /** SCIs covering the issue's project and type: the dialog asks which one to link through (F27). */
  scis: z.array(panelSciSchema),
});
export type Panel = z.infer<typeof panelSchema>;

export const recordHitSchema = z.object({
  sciId: z.string(),
  zohoModule: z.string(),
  recordId: z.string(),
  name: z.string().nullable(),
  previewFields: z.array(previewFieldSchema),
  linkedIssueKey: z.string().nullable(),
});
export type RecordHit = z.infer<typeof recordHitSchema>;

// ---------------------------------------------------------------------------------------------------
// Resolver keys: payload in, data out.

export const contract = {
  'connection/get': { payload: empty, data: connectionSchema },
  'connection/set-data-center': { payload: z.object({ dataCenter: dataCenterSchema }), data: connectionSchema },
  'connection/connect-app-oauth': { payload: appOAuthInputSchema, data: connectionSchema },
  'connection/set-providers-client': { payload: clientCredentialsSchema, data: connectionSchema },
  'connection/switch-mode': { payload: z.object({ mode: authModeSchema }), data: connectionSchema },
  'connection/start-sign-in': { payload: empty, data: z.object({ authorizationUrl: z.string() }) },

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
  'sci/sync-now': { payload: z.object({ id }), data: accepted },
  'sci/runs': {
    payload: z.object({ id, cursor: z.string().max(500).optional() }),
    data: z.object({ runs: z.array(syncRunSchema), nextCursor: z.string().nullable() }),
  },
  'sci/links': { payload: z.object({ id }), data: z.array(sciLinkSchema) },
  'sci/resync': { payload: z.object({ id }), data: accepted },
  'sci/retry-parked': { payload: z.object({ id }), data: accepted },
  'sci/resync-link': { payload: z.object({ id, linkId: id }), data: accepted },
  'sci/backfill': { payload: z.object({ id }), data: backfillSchema },
  'sci/start-backfill': { payload: z.object({ id }), data: backfillSchema },
  'sci/cancel-backfill': { payload: z.object({ id }), data: backfillSchema },
  'connection/channels': { payload: empty, data: channelsSchema },

  'panel/get': { payload: empty, data: panelSchema },
  'panel/search': {
    payload: z.object({ sciId: id, query: z.string().trim().min(2, 'Type at least two characters of a name, a title or a record ID.').max(200) }),
    data: z.array(recordHitSchema),
  },
  'panel/link': { payload: z.object({ sciId: id, recordId: z.string().trim().regex(/^\d{1,30}$/, 'A Zoho CRM record ID is a long number.') }), data: linkCardSchema },
  'panel/unlink': { payload: z.object({ linkId: id }), data: z.object({ unlinked: z.literal(true) }) },
  'panel/refresh': { payload: z.object({ linkId: id }), data: linkCardSchema },
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
