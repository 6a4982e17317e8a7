// The issue panel's "CRM sync" timeline and health badge (F46): every change set a sync applied to or failed
// to apply to a link, newest first, and a one-word state per link.
import { z } from 'zod';

export const TIMELINE_DIRECTIONS = ['ZOHO_TO_JIRA', 'JIRA_TO_ZOHO'] as const;
export const TIMELINE_OUTCOMES = ['APPLIED', 'FAILED'] as const;
/**
 * in sync; a sync asked for or queued but not yet done; the last sync failed or an event of the link is
 * parked. "Outside rules" (F40) comes from the panel card's `outsideRules`, which already read the record.
 */
export const LINK_HEALTH = ['in_sync', 'syncing', 'failed'] as const;

export const fieldChangeDto = z.object({
  /** The field's label on the side that was written. */
  field: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
});
export type FieldChange = z.infer<typeof fieldChangeDto>;

export const timelineEntryDto = z.object({
  id: z.string(),
  linkId: z.string(),
  sciName: z.string(),
  direction: z.enum(TIMELINE_DIRECTIONS),
  outcome: z.enum(TIMELINE_OUTCOMES),
  at: z.iso.datetime(),
  changes: z.array(fieldChangeDto),
  /** Notes, attachments and status moves that went with the change set. */
  items: z.array(z.string()),
  /** Why it failed (FAILED only). */
  reason: z.string().nullable(),
  /** The run-history row of the sync that wrote it. */
  runId: z.string().nullable(),
});
export type TimelineEntry = z.infer<typeof timelineEntryDto>;

export const linkHealthDto = z.object({
  linkId: z.string(),
  state: z.enum(LINK_HEALTH),
  lastSyncedAt: z.iso.datetime().nullable(),
  /** The last failure's reason while the state is failed. */
  reason: z.string().nullable(),
});
export type LinkHealth = z.infer<typeof linkHealthDto>;

export const timelineDto = z.object({
  entries: z.array(timelineEntryDto),
  health: z.array(linkHealthDto),
  /** Whether this user may retry failed syncs (Jira's Edit issues permission on the issue). */
  canRetry: z.boolean(),
});
export type TimelineDto = z.infer<typeof timelineDto>;

export const retryDto = z.object({
  /** Parked Jira events of the SCI put back in its queue. */
  retriedEvents: z.boolean(),
  /** The linked record handed to the workflow to be applied again. */
  resyncQueued: z.boolean(),
});
export type RetryDto = z.infer<typeof retryDto>;
