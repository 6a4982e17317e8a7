// A record link as the admin page (links of an SCI) and the issue panel (links of an issue) see it; the
// shape is the contract's LinkDto (contracts/scis.ts).
import type { LinkDto } from '../../contracts/scis';
import type { RecordLink } from '../../prisma/generated/client';

export function linkToDto(link: RecordLink): LinkDto {
  return {
    id: link.id,
    sciId: link.sciId,
    jiraIssueId: link.jiraIssueId,
    jiraIssueKey: link.jiraIssueKey,
    zohoModule: link.zohoModule,
    zohoRecordId: link.zohoRecordId,
    managed: link.managed,
    primary: link.primary,
    lastSyncedAt: link.lastSyncedAt?.toISOString() ?? null,
    createdAt: link.createdAt.toISOString(),
  };
}
