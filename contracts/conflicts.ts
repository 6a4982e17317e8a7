// Held field conflicts (F48): what the admin page's Conflicts tab and the issue panel list, and the choice
// that resolves one. Values are shown as each side holds them; `*Display` is the text a person reads.
import { z } from 'zod';

export const conflictSideSchema = z.object({
  /** The raw value as that side holds it (a number, a string, an object for users and options). */
  value: z.unknown(),
  /** The value as text for people. */
  display: z.string(),
  /** Who changed it last, as that side names them; null when the vendor did not say. */
  changedBy: z.string().nullable(),
  changedAt: z.string().nullable(),
});

export const conflictDto = z.object({
  id: z.string(),
  sciId: z.string(),
  sciName: z.string(),
  linkId: z.string(),
  issueKey: z.string(),
  zohoModule: z.string(),
  zohoRecordId: z.string(),
  zohoField: z.string(),
  jiraField: z.string(),
  /** "Amount → Story points": the mapping as the admin page names it. */
  fieldLabel: z.string(),
  zoho: conflictSideSchema,
  jira: conflictSideSchema,
  heldAt: z.string(),
});
export type ConflictDto = z.infer<typeof conflictDto>;

export const conflictListDto = z.object({ conflicts: z.array(conflictDto) });
export type ConflictList = z.infer<typeof conflictListDto>;

export const resolveConflictBody = z.object({
  /** Whose value stays: it is written to the other side. */
  keep: z.enum(['zoho', 'jira']),
});
export type ResolveConflictBody = z.infer<typeof resolveConflictBody>;

export const resolvedConflictDto = z.object({
  id: z.string(),
  status: z.literal('RESOLVED'),
  keep: z.enum(['zoho', 'jira']),
});
export type ResolvedConflict = z.infer<typeof resolvedConflictDto>;
