// The admin page's Zoho connection (api/routes/connection.ts, connection-summary.ts; F1–F6): what the
// connection read answers and what each write takes.
import { z } from 'zod';
import { zohoDcSchema } from './zoho';

export const connectionModeSchema = z.enum(['APP_OAUTH', 'PROVIDERS']);
export type ConnectionMode = z.infer<typeof connectionModeSchema>;
export const connectionStateSchema = z.enum(['NOT_CONFIGURED', 'CONNECTED', 'REAUTH_REQUIRED', 'ERROR']);
export type ConnectionState = z.infer<typeof connectionStateSchema>;

export const connectionSummarySchema = z.object({
  state: connectionStateSchema,
  mode: connectionModeSchema.nullable(),
  modeCard: z.object({ title: z.string(), description: z.string(), points: z.array(z.string()) }).nullable(),
  dataCenter: z.object({ id: zohoDcSchema, label: z.string(), accountsServer: z.string(), apiConsoleUrl: z.string() }),
  dataCenters: z.array(z.object({ id: zohoDcSchema, label: z.string() })),
  automation: z.object({
    active: z.boolean(),
    description: z.string(),
    features: z.array(z.string()),
  }),
  /** App OAuth 2.0: the API domain Zoho returned with the grant (already checked against the allow-list). */
  apiDomain: z.string().nullable(),
  clientId: z.string().nullable(),
  clientSecretStored: z.boolean(),
  connectedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  scopes: z.object({
    required: z.array(z.string()),
    /** What Zoho reported for the stored grant; null when nothing is stored or Zoho did not say. */
    granted: z.array(z.string()).nullable(),
    missing: z.array(z.string()),
    /** What to do about missing scopes, in plain words; null when nothing is missing. */
    hint: z.string().nullable(),
  }),
  /** Providers mode: the calling Jira user's own sign-in. */
  currentUser: z
    .object({
      accountId: z.string(),
      signedIn: z.boolean(),
      state: connectionStateSchema.nullable(),
      zohoEmail: z.string().nullable(),
    })
    .nullable(),
  message: z.string(),
  /** Days sync run history is kept (RUN_HISTORY_RETENTION_DAYS); the admin page says so under the run history. */
  historyRetentionDays: z.number().int().positive(),
});
export type ConnectionSummary = z.infer<typeof connectionSummarySchema>;

// Zoho client ids look like `1000.XXXX`; secrets and codes are opaque. Bounds keep absurd input out.
const clientId = z.string().trim().min(1).max(200).regex(/^[\w.-]+$/, 'a Zoho Client ID such as 1000.ABC…');
const clientSecret = z.string().trim().min(1).max(200);
const grantCode = z.string().trim().min(1).max(1000).regex(/^[\w.-]+$/, 'a Zoho grant code such as 1000.abc….def…');

export const connectBody = z.object({ clientId, clientSecret, code: grantCode, dataCenter: zohoDcSchema.optional() });
export const dataCenterBody = z.object({ dataCenter: zohoDcSchema });
export const modeBody = z.object({ mode: connectionModeSchema });
export const providersClientBody = z.object({ clientId, clientSecret });
export const signInReply = z.object({ authorizationUrl: z.string(), expiresAt: z.string() });
export const signOutReply = z.object({ signedOut: z.boolean() });
