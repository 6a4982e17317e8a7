// Related records (F42): per SCI, records that a lookup field of the primary record points at (a Deal's
// Account, Contact and Owner; a Contact's Account), each previewed with its own fields on the issue
// panel's card. The setting lives in the SCI's options (`options.relatedRecords`); the card shape is the
// panel's. Pure zod, so the Forge bundle can import it.
import { z } from 'zod';
import { previewFieldDto } from './preview-field';

const apiName = z.string().trim().min(1).max(200);

/** Most related records one SCI shows, and most preview fields per related record. */
export const MAX_RELATED_RECORDS = 10;
export const MAX_RELATED_FIELDS = 20;

/** Zoho field types whose value points at another record (lookup) or at a CRM user (owner/user lookups). */
export const RECORD_LOOKUP_TYPES = ['lookup'] as const;
export const USER_LOOKUP_TYPES = ['ownerlookup', 'userlookup'] as const;

/**
 * Fields of a CRM user that a user lookup (Owner) can preview: the users API (`GET /users/{id}`) answers
 * with these keys, not with module fields.
 */
export const USER_PREVIEW_FIELDS = [
  { apiName: 'full_name', label: 'Name' },
  { apiName: 'email', label: 'Email' },
  { apiName: 'role', label: 'Role' },
  { apiName: 'profile', label: 'Profile' },
  { apiName: 'status', label: 'Status' },
  { apiName: 'time_zone', label: 'Time zone' },
] as const;

export const relatedRecordSchema = z.object({
  /** A lookup, owner-lookup or user-lookup field of the SCI's module, e.g. `Account_Name` on Deals. */
  lookupField: apiName,
  /** Fields of the looked-up module (or user keys for user lookups) shown on its card. */
  displayFields: z.array(apiName).max(MAX_RELATED_FIELDS).default([]),
});
export type RelatedRecordSetting = z.infer<typeof relatedRecordSchema>;

export const relatedRecordsSchema = z.array(relatedRecordSchema).max(MAX_RELATED_RECORDS).default([]);

/** One related record on a linked card. */
export const relatedCardDto = z.object({
  lookupField: z.string(),
  /** The lookup field's label, e.g. "Account Name". */
  label: z.string(),
  /** The looked-up module's API name, or `users` for owner/user lookups. */
  module: z.string(),
  /** null when the primary record's lookup is empty (or Zoho could not be read). */
  recordId: z.string().nullable(),
  recordName: z.string().nullable(),
  /** true/false once Zoho was read; null when the lookup is empty or Zoho could not be read. */
  recordFound: z.boolean().nullable(),
  previewFields: z.array(previewFieldDto),
  /** "Open in Zoho" for records; null for users and empty lookups. */
  openUrl: z.string().nullable(),
  /** Why the record is not shown, in the user's words (empty lookup, no permission in Zoho CRM); else null. */
  message: z.string().nullable(),
});
export type RelatedCard = z.infer<typeof relatedCardDto>;

export const relatedParams = z.object({ lookupField: apiName });
