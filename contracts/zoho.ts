// Zoho facts the admin page shows and the API validates against: the data centers and the OAuth scopes
// each connection mode asks for. Pure constants (zod only), so the Forge bundle can import them.
import { z } from 'zod';

/** Zoho's nine isolated data centers (reference/zoho-crm-api.md §1.1). */
export const ZOHO_DC_IDS = ['us', 'eu', 'in', 'au', 'jp', 'cn', 'uk', 'ca', 'sa'] as const;
export const zohoDcSchema = z.enum(ZOHO_DC_IDS);
export type ZohoDc = z.infer<typeof zohoDcSchema>;

export const ZOHO_DC_LABELS: Record<ZohoDc, string> = {
  us: 'United States',
  eu: 'Europe',
  in: 'India',
  au: 'Australia',
  jp: 'Japan',
  cn: 'China',
  uk: 'United Kingdom',
  ca: 'Canada',
  sa: 'Saudi Arabia',
};

/** Everything App OAuth 2.0 mode needs (scheduler, notes, attachments, watch channels). */
export const ZOHO_APP_SCOPES = [
  'ZohoCRM.modules.ALL',
  'ZohoCRM.settings.ALL',
  'ZohoCRM.org.READ',
  'ZohoCRM.users.READ',
  'ZohoCRM.notifications.ALL',
  'ZohoCRM.modules.notes.ALL',
  'ZohoCRM.modules.attachments.ALL',
  'ZohoSearch.securesearch.READ',
  'WorkDrive.files.READ',
  'ZohoFiles.files.READ',
  'AaaServer.profile.READ',
] as const;

/** Providers mode: a signed-in user reads, links and searches records; no automation. */
export const ZOHO_USER_SCOPES = [
  'ZohoCRM.modules.ALL',
  'ZohoCRM.settings.ALL',
  'ZohoCRM.org.READ',
  'ZohoCRM.users.READ',
  'ZohoSearch.securesearch.READ',
  'AaaServer.profile.READ',
] as const;

/** Scopes attachment sync needs beyond the module scopes (F5: "reconnect App OAuth 2.0"). */
export const ZOHO_ATTACHMENT_SYNC_SCOPES = ['ZohoCRM.modules.attachments.ALL', 'WorkDrive.files.READ', 'ZohoFiles.files.READ'] as const;
