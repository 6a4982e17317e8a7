// Identifiers that travel in request bodies and paths.
import { z } from 'zod';

/**
 * Our own row ids (uuid v7). The character set also keeps bytes PostgreSQL refuses in text (NUL) away from
 * queries: such input is a 400, never a database error.
 */
export const rowId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'an id as this API returns them');

/** Zoho record ids are long decimal numbers. */
export const zohoRecordId = z.string().regex(/^\d{1,30}$/, 'a Zoho CRM record id (digits only)');

/** A request the API took on and finishes in the background (202). */
export const acceptedDto = z.object({ accepted: z.literal(true), message: z.string() });
export type AcceptedDto = z.infer<typeof acceptedDto>;
