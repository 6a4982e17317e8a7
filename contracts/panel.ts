// The Jira issue panel's routes (api/routes/panel.ts, F23–F27): the panel read, record search, link,
// unlink and refresh.
import { z } from 'zod';
import { rowId, zohoRecordId } from './ids';
import { syncModes } from './sci-definition';
import { linkDto } from './scis';
import { previewFieldDto } from './preview-field';
import { relatedCardDto } from './related-records';

/** ok, or why Zoho cannot be read for this user (F26). */
export const PANEL_STATES = ['ok', 'login_required', 'auth_required', 'reauth_required'] as const;
export type PanelState = (typeof PANEL_STATES)[number];

export { previewFieldDto };

export const linkCardDto = linkDto.extend({
  sciName: z.string(),
  syncMode: z.enum(syncModes),
  /** Unlink is offered for manual links only (F24, F25). */
  canUnlink: z.boolean(),
  /** The record's name, when Zoho was read. */
  recordName: z.string().nullable(),
  /** true/false once Zoho was read; null when it could not be (see the panel state). */
  recordFound: z.boolean().nullable(),
  previewFields: z.array(previewFieldDto),
  /** "Open in Zoho" in the connection's data center (F24). */
  openUrl: z.string().nullable(),
  /** Records the primary one points at through the SCI's related-record lookups (F42). */
  related: z.array(relatedCardDto),
  /** F40: why the link is outside its SCI's sync rules ("Outside this SCI's rules: …"); null when inside. */
  outsideRules: z.string().nullable(),
});
export type LinkCard = z.infer<typeof linkCardDto>;

/** Link and refresh answers: the card, and whether the SCI's workflow was asked to apply the record now. */
export const cardWithSyncDto = linkCardDto.extend({ syncQueued: z.boolean() });
export type CardWithSync = z.infer<typeof cardWithSyncDto>;

export const coveringSciDto = z.object({
  id: z.string(),
  name: z.string(),
  syncMode: z.enum(syncModes),
  zohoModule: z.string(),
});
export type CoveringSci = z.infer<typeof coveringSciDto>;

export const issueRefDto = z.object({ id: z.string(), key: z.string(), projectId: z.string(), issueTypeId: z.string() });
export type IssueRef = z.infer<typeof issueRefDto>;

export const panelDto = z.object({
  issue: issueRefDto,
  /** ok, or why Zoho cannot be read for this user (F26). */
  state: z.enum(PANEL_STATES),
  message: z.string().nullable(),
  links: z.array(linkCardDto),
  /** SCIs covering the issue's project and type; the user picks one when there are several (F27). */
  scis: z.array(coveringSciDto),
});
export type PanelDto = z.infer<typeof panelDto>;

export const searchResultDto = z.object({
  sciId: z.string(),
  zohoModule: z.string(),
  recordId: z.string(),
  name: z.string().nullable(),
  previewFields: z.array(previewFieldDto),
  /** When the record is already linked through this SCI, the issue it is linked to. */
  linkedIssueKey: z.string().nullable(),
});
export type SearchResult = z.infer<typeof searchResultDto>;

export const searchQuery = z.object({
  q: z.string().trim().min(2).max(200),
  sciId: rowId.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export const searchDto = z.object({ results: z.array(searchResultDto) });

export const linkBody = z.object({ sciId: rowId, recordId: zohoRecordId });
