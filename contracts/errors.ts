// The body of every error answer of the API (4xx/5xx): the admin page and the panel show `message` as is
// and branch on `code`, never on the text; a 422 names each bad part of a request in `problems`.
import { z } from 'zod';

/** A problem with one part of a request body, named by its path (`fieldMappings.2.jiraField`). */
export const problemSchema = z.object({ path: z.string(), message: z.string() });
export type Problem = z.infer<typeof problemSchema>;

/** Stable codes for states the UI reacts to (F26) and for the failures it explains. */
export const errorCodes = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'CONFLICT',
  'ZOHO_LOGIN_REQUIRED',
  'ZOHO_AUTH_REQUIRED',
  'ZOHO_REAUTH_REQUIRED',
  'ZOHO_SCOPE_MISSING',
  'ZOHO_PERMISSION',
  'JIRA_TOKEN_MISSING',
  'VENDOR_UNAVAILABLE',
  'RATE_LIMITED',
  'TEMPORAL_UNAVAILABLE',
  'ADMIN_REQUIRED',
  'ISSUE_NOT_VISIBLE',
  'ISSUE_NOT_EDITABLE',
  'USER_REQUIRED',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const errorBodySchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  code: z.enum(errorCodes).optional(),
  problems: z.array(problemSchema).optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
