// Which Zoho CRM identity a request may use, and the panel's state when it may use none (F1, F26).
// App OAuth 2.0: the tenant's shared connection (lib/tenant-clients.ts). Providers: the requesting Jira
// user's own grant, kept sealed in ZohoUserToken; without one the user sees "Zoho CRM login required".
import { createZohoClient, zohoDcSchema, type ZohoClient, type ZohoTokenStore } from '../../clients/zoho';
import { resealStale } from '../../lib/secrets/reseal';
import { sealedTokenStore } from '../../lib/secrets/token-store';
import { openFrom, TenantNotReadyError, userTokenColumn } from '../../lib/tenant-clients';
import type { ZohoConnection } from '../../prisma/generated/client';
import type { AppDeps } from '../deps';
import { ApiError } from './api-errors';

export type ZohoMode = 'APP_OAUTH' | 'PROVIDERS';

/** Panel/picker states (F26): `ok`, or why no Zoho call can be made for this user. */
export const zohoAccessStates = ['ok', 'login_required', 'auth_required', 'reauth_required'] as const;
export type ZohoAccessState = (typeof zohoAccessStates)[number];

export type ZohoAccess =
  | { state: 'ok'; mode: ZohoMode; client: ZohoClient; connection: ZohoConnection }
  | { state: Exclude<ZohoAccessState, 'ok'>; mode: ZohoMode | null; message: string };

export const LOGIN_REQUIRED = 'Zoho CRM login required: sign in to Zoho CRM to see and link records.';
export const AUTH_REQUIRED = 'Zoho CRM authentication required: an administrator must finish the connection in the admin page.';
export const REAUTH_REQUIRED = 'Zoho CRM re-authentication required: an administrator must reconnect App OAuth 2.0 in the admin page.';

// Secret columns of a user's grant: defined with the other sealed columns (lib/tenant-clients.ts).
export { userTokenColumn };

type Deps = Pick<AppDeps, 'prisma' | 'cipher' | 'clients' | 'zohoEndpoints'>;

/** Token store over one user's ZohoUserToken row (Providers mode); DC and client come from the connection. */
export function userTokenStore(deps: Deps, connection: ZohoConnection, accountId: string): ZohoTokenStore {
  const { prisma, cipher } = deps;
  const tenantId = connection.tenantId;
  const where = { tenantId_jiraAccountId: { tenantId, jiraAccountId: accountId } };
  return sealedTokenStore({
    cipher,
    tenantId,
    columns: { refresh: userTokenColumn.refresh(accountId), access: userTokenColumn.access(accountId) },
    async read() {
      const row = await prisma.zohoUserToken.findUnique({ where });
      // A value sealed under a previous key is re-sealed under the current one as it is read (key rotation).
      if (row) await resealStale(prisma, cipher, 'ZohoUserToken', row);
      return row;
    },
    locate: () => {
      const dc = zohoDcSchema.parse(connection.dataCenter);
      return { dc, apiDomain: deps.zohoEndpoints[dc].apiDomain };
    },
    notConnected: () => new TenantNotReadyError('not-connected', LOGIN_REQUIRED),
    async write(update) {
      await prisma.zohoUserToken.update({ where, data: update });
    },
    async markReauthRequired(error): Promise<void> {
      // A refused personal grant means the user signs in again: the panel shows "login required".
      await prisma.zohoUserToken.update({
        where,
        data: { state: 'REAUTH_REQUIRED', lastError: `Zoho refused the stored sign-in (${error.code}).` },
      });
    },
  });
}

/** Resolves the Zoho identity for a request; never throws for "not connected" states, returns them. */
export async function zohoAccess(deps: Deps, tenantId: string, accountId: string | undefined): Promise<ZohoAccess> {
  const connection = await deps.prisma.zohoConnection.findUnique({ where: { tenantId } });
  if (!connection || connection.state === 'NOT_CONFIGURED') {
    return { state: 'auth_required', mode: connection?.mode ?? null, message: AUTH_REQUIRED };
  }
  if (connection.mode === 'APP_OAUTH') {
    if (connection.state === 'REAUTH_REQUIRED') return { state: 'reauth_required', mode: 'APP_OAUTH', message: REAUTH_REQUIRED };
    try {
      return { state: 'ok', mode: 'APP_OAUTH', client: await deps.clients.zoho(tenantId), connection };
    } catch (err) {
      if (err instanceof TenantNotReadyError) {
        return err.reason === 'reauth-required'
          ? { state: 'reauth_required', mode: 'APP_OAUTH', message: REAUTH_REQUIRED }
          : { state: 'auth_required', mode: 'APP_OAUTH', message: AUTH_REQUIRED };
      }
      throw err;
    }
  }
  // Providers: the user's own sign-in, made with the connection's registered Zoho client.
  if (!accountId) return { state: 'login_required', mode: 'PROVIDERS', message: LOGIN_REQUIRED };
  const row = await deps.prisma.zohoUserToken.findUnique({
    where: { tenantId_jiraAccountId: { tenantId, jiraAccountId: accountId } },
  });
  if (!row || !row.refreshTokenCiphertext || row.state !== 'CONNECTED') {
    return { state: 'login_required', mode: 'PROVIDERS', message: LOGIN_REQUIRED };
  }
  await resealStale(deps.prisma, deps.cipher, 'ZohoConnection', connection);
  const clientSecret = openFrom(deps.cipher, tenantId, 'zoho.clientSecret', connection.clientSecretCiphertext);
  if (!connection.clientId || !clientSecret) return { state: 'auth_required', mode: 'PROVIDERS', message: AUTH_REQUIRED };
  const client = createZohoClient({
    credentials: { clientId: connection.clientId, clientSecret },
    tokenStore: userTokenStore(deps, connection, accountId),
    endpoints: deps.zohoEndpoints,
    // A user's calls spend the org's credits too (F36).
    onCall: (info) => deps.clients.reportZohoCall(tenantId, info),
  });
  return { state: 'ok', mode: 'PROVIDERS', client, connection };
}

/** As zohoAccess, but turns any state other than `ok` into the matching 409 (pickers, SCI validation). */
export async function requireZoho(deps: Deps, tenantId: string, accountId: string | undefined) {
  const access = await zohoAccess(deps, tenantId, accountId);
  if (access.state === 'ok') return access;
  const code = access.state === 'login_required' ? 'ZOHO_LOGIN_REQUIRED' : access.state === 'reauth_required' ? 'ZOHO_REAUTH_REQUIRED' : 'ZOHO_AUTH_REQUIRED';
  throw new ApiError(409, access.message, code);
}
