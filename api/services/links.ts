// The record-link shape shared by the admin page (links of an SCI) and the issue panel (links of an issue).
import { z } from 'zod';
import type { RecordLink } from '../../prisma/generated/client';

export const linkDto = z.object({
  id: z.string(),
  sciId: z.string(),
  jiraIssueId: z.string(),
  jiraIssueKey: z.string(),
  zohoModule: z.string(),
  zohoRecordId: z.string(),
  /** AUTO links were made by the sync engine and are read-only in the panel (F25). */
  managed: z.enum(['AUTO', 'MANUAL']),
  lastSyncedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type LinkDto = z.infer<typeof linkDto>;

export function linkToDto(link: RecordLink): LinkDto {
  return {
    id: link.id,
    sciId: link.sciId,
    jiraIssueId: link.jiraIssueId,
    jiraIssueKey: link.jiraIssueKey,
    zohoModule: link.zohoModule,
    zohoRecordId: link.zohoRecordId,
    managed: link.managed,
    lastSyncedAt: link.lastSyncedAt?.toISOString() ?? null,
    createdAt: link.createdAt.toISOString(),
  };
}
