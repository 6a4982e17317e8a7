// The admin page's view of a tenant's Zoho connection (F4, F5): mode, data center, automation and scope
// cards, built from the ZohoConnection row. Nothing secret leaves here: the client secret and tokens are
// reported only as "stored" or not.
import {
  defaultZohoEndpoints,
  missingScopes,
  ZOHO_APP_SCOPES,
  ZOHO_ATTACHMENT_SYNC_SCOPES,
  ZOHO_DC_IDS,
  ZOHO_DC_LABELS,
  ZOHO_USER_SCOPES,
  zohoDcSchema,
  type ZohoDc,
  type ZohoEndpoints,
} from '../../clients/zoho';
import type { ZohoConnection, ZohoUserToken } from '../../prisma/generated/client';
import type { ConnectionMode, ConnectionState, ConnectionSummary } from '../../contracts/connection';

export const DEFAULT_DC: ZohoDc = 'us';
/** RUN_HISTORY_RETENTION_DAYS's default (lib/config.ts). */
const DEFAULT_HISTORY_RETENTION_DAYS = 90;

/** The scopes each mode asks Zoho for. One list per mode, kept in clients/zoho/scopes.ts. */
export function requiredScopes(mode: ConnectionMode): readonly string[] {
  return mode === 'APP_OAUTH' ? ZOHO_APP_SCOPES : ZOHO_USER_SCOPES;
}

/** Zoho API Console of a data center (where the admin creates the client and generates the code). */
export function apiConsoleUrl(dc: ZohoDc): string {
  return defaultZohoEndpoints[dc].accountsServer.replace('://accounts.', '://api-console.');
}

const MODE_CARDS: Record<ConnectionMode, { title: string; description: string; points: string[] }> = {
  PROVIDERS: {
    title: 'Providers',
    description: 'Best when each Jira user should connect with their own Zoho CRM account from the issue panel.',
    points: ['Per-user Zoho CRM login.', 'Good for manual linking and user-by-user access.', 'Background automation does not run in this mode.'],
  },
  APP_OAUTH: {
    title: 'App OAuth 2.0',
    description: 'Stores a shared Zoho CRM token for the app and unlocks the scheduler and Jira push events.',
    points: [
      'Required for auto-create, status sync, CRM notes sync, and attachment sync.',
      'Users are not prompted to sign in from the issue panel.',
      'Supports scheduled CRM polling every five minutes.',
    ],
  },
};

const AUTOMATION_FEATURES = [
  'Scheduled Zoho CRM polling every five minutes',
  'Jira issue, comment and attachment triggers',
  'Auto-create',
  'Status sync',
  'CRM notes sync',
  'Attachment sync',
];

function scopeHint(mode: ConnectionMode, missing: string[]): string | null {
  if (missing.length === 0) return null;
  const reconnect = mode === 'APP_OAUTH' ? 'reconnect App OAuth 2.0' : 'sign in to Zoho CRM again';
  const attachment = missing.filter((s) => (ZOHO_ATTACHMENT_SYNC_SCOPES as readonly string[]).includes(s));
  if (attachment.length > 0 && attachment.length === missing.length) {
    return `Attachment sync needs ${attachment.join(' and ')}, which the stored token lacks: ${reconnect} with a code generated for every required scope.`;
  }
  return `The stored token lacks ${missing.join(', ')}: ${reconnect} with a code generated for every required scope.`;
}

function stateMessage(mode: ConnectionMode | null, state: ConnectionState): string {
  if (!mode || state === 'NOT_CONFIGURED') {
    return mode === 'PROVIDERS'
      ? 'Zoho CRM authentication required: register the Zoho client for per-user sign-in.'
      : 'Zoho CRM authentication required: select the data center and complete the connection flow.';
  }
  if (state === 'REAUTH_REQUIRED') {
    return mode === 'APP_OAUTH'
      ? 'Zoho CRM re-authentication required: Zoho refused the stored authorization. Reconnect App OAuth 2.0; automation is paused until then.'
      : 'Zoho CRM re-authentication required: register the Zoho client again.';
  }
  if (state === 'ERROR') return 'The Zoho CRM connection failed; see the last error and reconnect.';
  return mode === 'APP_OAUTH' ? 'Connected to Zoho CRM with App OAuth 2.0.' : 'Providers mode is set up: each Jira user signs in to Zoho CRM from the issue panel.';
}

export function summarize(
  connection: ZohoConnection | null,
  endpoints: ZohoEndpoints,
  user: { accountId: string; token: ZohoUserToken | null } | undefined,
  retention: { historyRetentionDays: number } = { historyRetentionDays: DEFAULT_HISTORY_RETENTION_DAYS },
): ConnectionSummary {
  const parsedDc = zohoDcSchema.safeParse(connection?.dataCenter);
  const dc = parsedDc.success ? parsedDc.data : DEFAULT_DC;
  const mode = connection?.mode ?? null;
  const state = connection?.state ?? 'NOT_CONFIGURED';
  const required = [...requiredScopes(mode ?? 'APP_OAUTH')];
  // Granted scopes are those of the stored grant: the tenant's (App OAuth) or the calling user's (Providers).
  const grantedList = mode === 'PROVIDERS' ? user?.token?.grantedScopes : connection?.refreshTokenCiphertext ? connection.grantedScopes : undefined;
  const granted = grantedList && grantedList.length > 0 ? grantedList : null;
  const missing = granted ? missingScopes(granted, required) : [];
  const automationActive = mode === 'APP_OAUTH' && state === 'CONNECTED';
  return {
    state,
    mode,
    modeCard: mode ? MODE_CARDS[mode] : null,
    dataCenter: { id: dc, label: ZOHO_DC_LABELS[dc], accountsServer: endpoints[dc].accountsServer, apiConsoleUrl: apiConsoleUrl(dc) },
    dataCenters: ZOHO_DC_IDS.map((id) => ({ id, label: ZOHO_DC_LABELS[id] })),
    automation: {
      active: automationActive,
      description: automationActive
        ? 'Background automation is running: the scheduler, Jira push events and every sync option are available.'
        : mode === 'APP_OAUTH'
          ? 'Background automation is paused until App OAuth 2.0 is connected.'
          : 'Background automation requires App OAuth 2.0. Provider mode supports per-user Zoho CRM logins in the issue panel only.',
      features: AUTOMATION_FEATURES,
    },
    apiDomain: mode === 'APP_OAUTH' ? (connection?.apiDomain ?? null) : null,
    clientId: connection?.clientId ?? null,
    clientSecretStored: Boolean(connection?.clientSecretCiphertext),
    connectedAt: connection?.connectedAt?.toISOString() ?? null,
    lastError: connection?.lastError ?? null,
    scopes: { required, granted, missing, hint: mode ? scopeHint(mode, missing) : null },
    currentUser:
      mode === 'PROVIDERS' && user
        ? {
            accountId: user.accountId,
            signedIn: Boolean(user.token?.refreshTokenCiphertext) && user.token?.state === 'CONNECTED',
            state: user.token?.state ?? null,
            zohoEmail: user.token?.zohoEmail ?? null,
          }
        : null,
    message: stateMessage(mode, state),
    historyRetentionDays: retention.historyRetentionDays,
  };
}
