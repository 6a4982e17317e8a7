// Smart Connected Items routes (api/routes/scis.ts, backfill.ts) as the admin page calls them: request
// bodies and queries, and the answers (F7–F11, F22, F34).
import { z } from 'zod';
import { acceptedDto, rowId } from './ids';
import { backfillModes, fieldMappingSchema, sciDefinitionSchema, sciOptionsSchema, syncModes } from './sci-definition';

export const runErrorDto = z.object({ message: z.string(), recordId: z.string().optional(), at: z.string().optional() });

export const RUN_OUTCOMES = ['RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED'] as const;

export const syncRunDto = z.object({
  id: z.string(),
  kind: z.enum(['POLL', 'EVENT', 'BACKFILL', 'MANUAL']),
  outcome: z.enum(RUN_OUTCOMES),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  recordsSeen: z.number().int(),
  recordsChanged: z.number().int(),
  recordsCreated: z.number().int(),
  recordsSkipped: z.number().int(),
  errors: z.array(runErrorDto),
  workflowRunId: z.string().nullable(),
});
export type SyncRunDto = z.infer<typeof syncRunDto>;

export const workflowStatusDto = z.object({
  state: z.enum(['waiting', 'syncing', 'paused', 'blocked']),
  pendingEvents: z.number().int(),
  parkedEvents: z.number().int(),
  lastError: z.string().nullable(),
  cursor: z.string().nullable(),
  runs: z.number().int(),
  /** While Zoho or Jira is unavailable: when the workflow tries again on its own (ISO), else null. */
  retryingAt: z.string().nullable(),
});

export const sciDto = z.object({
  id: z.string(),
  name: z.string(),
  syncMode: z.enum(syncModes),
  jiraProjectId: z.string(),
  jiraProjectKey: z.string(),
  jiraIssueTypeId: z.string().nullable(),
  zohoModule: z.string(),
  displayFields: z.array(z.string()),
  fieldMappings: z.array(fieldMappingSchema),
  options: sciOptionsSchema,
  /** Options that are on, for the dashboard column (F7). */
  enabledOptions: z.array(z.enum(['autoCreate', 'statusSync', 'notesSync', 'attachmentSync', 'backfill'])),
  enabled: z.boolean(),
  paused: z.boolean(),
  /** True when this SCI runs a workflow (enabled and not Display). */
  automated: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastSyncedAt: z.string().nullable(),
  workflowId: z.string().nullable(),
  temporalUiUrl: z.string().nullable(),
  latestRun: syncRunDto.nullable(),
  /** The workflow's own view; null when it runs no workflow or Temporal did not answer in time. */
  workflow: workflowStatusDto.nullable(),
  /** `unreachable` when the status query failed or timed out (the rest of the row is still right). */
  workflowQuery: z.enum(['ok', 'not_running', 'unreachable', 'skipped']),
});
export type SciDto = z.infer<typeof sciDto>;

/**
 * Create and update bodies: the definition plus the on/off switch. PostgreSQL cannot store NUL in text or
 * JSON, so a body carrying one is refused here as bad input rather than failing in the database.
 */
export const sciBodySchema = sciDefinitionSchema
  .extend({ enabled: z.boolean().default(true) })
  .refine((body) => !hasNul(body), { message: 'text must not contain NUL characters' });
export type SciBody = z.infer<typeof sciBodySchema>;
export type SciBodyInput = z.input<typeof sciBodySchema>;

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object') return Object.values(value).some(hasNul);
  return false;
}

export const sciListDto = z.object({ items: z.array(sciDto) });

export const runsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(500).optional(),
});
export const runsDto = z.object({ runs: z.array(syncRunDto), nextCursor: z.string().nullable() });
export type RunsDto = z.infer<typeof runsDto>;

/** A record link (an SCI's links, and the base of the issue panel's cards). */
export const linkDto = z.object({
  id: z.string(),
  sciId: z.string(),
  jiraIssueId: z.string(),
  jiraIssueKey: z.string(),
  zohoModule: z.string(),
  zohoRecordId: z.string(),
  /** AUTO links were made by the sync engine and are read-only in the panel (F25). */
  managed: z.enum(['AUTO', 'MANUAL']),
  /** F43: the issue's primary link for its SCI drives field sync; the others carry notes/comments only. */
  primary: z.boolean(),
  lastSyncedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type LinkDto = z.infer<typeof linkDto>;

export const linksQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: rowId.optional().describe('Id of the last link of the previous page'),
});
export const linksDto = z.object({ links: z.array(linkDto), nextAfter: z.string().nullable() });

export const resyncBody = z.object({ since: z.iso.datetime({ offset: true }).optional() }).default({});

export { acceptedDto };

export const BACKFILL_PHASES = ['starting', 'running', 'paused-budget', 'retrying', 'succeeded', 'failed', 'cancelled'] as const;

export const backfillDto = z.object({
  /** The mode configured on the SCI (NONE: the SCI asks for no backfill; one may still have run before). */
  configuredMode: z.enum(backfillModes),
  progress: z
    .object({
      mode: z.enum(['IMPORT', 'MATCH']).nullable(),
      phase: z.enum(BACKFILL_PHASES),
      total: z.number().int().nullable(),
      done: z.number().int(),
      created: z.number().int(),
      linked: z.number().int(),
      skipped: z.number().int(),
      failed: z.number().int(),
      /** Records per second since it began. */
      rate: z.number(),
      startedAt: z.string().nullable(),
      elapsedMs: z.number(),
      /** While it waits for the Zoho API budget: when it looks again. */
      resumesAt: z.string().nullable(),
      lastError: z.string().nullable(),
    })
    .nullable(),
  temporalUiUrl: z.string().nullable(),
});
export type BackfillDto = z.infer<typeof backfillDto>;
