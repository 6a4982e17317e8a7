// Per-tenant vendor clients for the API and the worker: a Zoho client whose tokens live (sealed) in the
// tenant's ZohoConnection row, and a Jira client that calls the installation's apiBaseUrl with the Forge
// system token the API stored. Both processes build clients the same way, so refreshes made by one are
// seen by the other.
import { createJiraClient, type JiraCallInfo, type JiraClient } from '../clients/jira';
import {
  createZohoClient,
  zohoDcSchema,
  type ZohoCallInfo,
  type ZohoClient,
  type ZohoEndpoints,
  type ZohoTokenStore,
} from '../clients/zoho';
import type { PrismaClient } from '../prisma/generated/client';
import type { SecretCipher } from './secrets/cipher';
import { appTokenColumns, openFrom } from './secrets/columns';
import { resealStale } from './secrets/reseal';
import { sealedTokenStore } from './secrets/token-store';

/** Why a tenant cannot run automation right now; the message is safe to show to an admin. */
export class TenantNotReadyError extends Error {
  override name = 'TenantNotReadyError';
  constructor(
    readonly reason: 'no-tenant' | 'uninstalled' | 'not-connected' | 'providers-mode' | 'reauth-required' | 'no-jira-token',
    message: string,
  ) {
    super(message);
  }
}

const UNINSTALLED_MESSAGE = 'The app was uninstalled from this Jira site: its automation has ended and its secrets are deleted.';

export interface TenantClientsOptions {
  prisma: PrismaClient;
  cipher: SecretCipher;
  zohoEndpoints: ZohoEndpoints;
  /** Every Zoho call, for API-budget accounting (F36). */
  onZohoCall?: (tenantId: string, info: ZohoCallInfo) => void;
  zohoTimeoutMs?: number;
}

// Seal/open helpers and the sealed columns' names live in lib/secrets/columns.ts (shared with the re-seal walk).
export { appTokenColumns, openFrom, sealTo, secretContext, signInVerifierColumn, userTokenColumn } from './secrets/columns';

/** A Zoho token store backed by the tenant's ZohoConnection row (App OAuth 2.0). */
export function connectionTokenStore(prisma: PrismaClient, cipher: SecretCipher, tenantId: string): ZohoTokenStore {
  return sealedTokenStore({
    cipher,
    tenantId,
    columns: appTokenColumns,
    async read() {
      const c = await prisma.zohoConnection.findUnique({ where: { tenantId } });
      // A value sealed under a previous key is re-sealed under the current one as it is read (key rotation).
      if (c) await resealStale(prisma, cipher, 'ZohoConnection', c);
      return c;
    },
    locate: (c) => (c.apiDomain ? { dc: zohoDcSchema.parse(c.dataCenter), apiDomain: c.apiDomain } : undefined),
    notConnected: () => new TenantNotReadyError('not-connected', 'Zoho CRM is not connected for this Jira site.'),
    async write(update, tokens) {
      await prisma.zohoConnection.update({ where: { tenantId }, data: { ...update, apiDomain: tokens.apiDomain } });
    },
    async markReauthRequired(error): Promise<void> {
      await prisma.zohoConnection.update({
        where: { tenantId },
        data: {
          state: 'REAUTH_REQUIRED',
          lastError: `Zoho refused the stored authorization (${error.code}). Reconnect App OAuth 2.0 in the admin page.`,
          lastErrorAt: new Date(),
        },
      });
    },
  });
}

export class TenantClients {
  private readonly zohoCallListeners = new Set<(tenantId: string, info: ZohoCallInfo) => void>();
  private readonly jiraCallListeners = new Set<(tenantId: string, info: JiraCallInfo) => void>();

  constructor(private readonly opts: TenantClientsOptions) {}

  /** Adds a listener for every Zoho call made through these clients (API budgets, F36); returns its remover. */
  onZohoCall(listener: (tenantId: string, info: ZohoCallInfo) => void): () => void {
    this.zohoCallListeners.add(listener);
    return () => this.zohoCallListeners.delete(listener);
  }

  /** Adds a listener for every Jira call made through these clients (metrics); returns its remover. */
  onJiraCall(listener: (tenantId: string, info: JiraCallInfo) => void): () => void {
    this.jiraCallListeners.add(listener);
    return () => this.jiraCallListeners.delete(listener);
  }

  get zohoEndpoints(): ZohoEndpoints {
    return this.opts.zohoEndpoints;
  }

  /** The tenant's App OAuth 2.0 Zoho client; refuses when automation cannot run (F1, F6). */
  async zoho(tenantId: string): Promise<ZohoClient> {
    const { prisma, cipher } = this.opts;
    const c = await prisma.zohoConnection.findUnique({ where: { tenantId }, include: { tenant: { select: { status: true } } } });
    if (c?.tenant.status === 'UNINSTALLED') throw new TenantNotReadyError('uninstalled', UNINSTALLED_MESSAGE);
    if (!c || c.state === 'NOT_CONFIGURED') throw new TenantNotReadyError('not-connected', 'Zoho CRM authentication required: finish the connection in the admin page.');
    if (c.mode !== 'APP_OAUTH') throw new TenantNotReadyError('providers-mode', 'Automation needs App OAuth 2.0; this site uses Providers mode.');
    if (c.state === 'REAUTH_REQUIRED') throw new TenantNotReadyError('reauth-required', 'Zoho CRM re-authentication required: reconnect App OAuth 2.0 in the admin page.');
    const clientSecret = openFrom(cipher, tenantId, 'zoho.clientSecret', c.clientSecretCiphertext);
    if (!c.clientId || !clientSecret) throw new TenantNotReadyError('not-connected', 'Zoho CRM authentication required: the client credentials are missing.');
    return createZohoClient({
      credentials: { clientId: c.clientId, clientSecret },
      tokenStore: connectionTokenStore(prisma, cipher, tenantId),
      endpoints: this.opts.zohoEndpoints,
      ...(this.opts.zohoTimeoutMs ? { timeoutMs: this.opts.zohoTimeoutMs } : {}),
      onCall: (info: ZohoCallInfo) => this.reportZohoCall(tenantId, info),
    });
  }

  /**
   * Tells the listeners (API budgets, F36) about a Zoho call made for this tenant by a client built elsewhere:
   * a Providers user's own client, the uninstall's token revocation.
   */
  reportZohoCall(tenantId: string, info: ZohoCallInfo): void {
    this.opts.onZohoCall?.(tenantId, info);
    for (const listener of this.zohoCallListeners) listener(tenantId, info);
  }

  /** Jira as the app, with the Forge system token the API last received for this installation. */
  async jira(tenantId: string): Promise<JiraClient> {
    const { prisma, cipher } = this.opts;
    const t = await prisma.tenant.findUnique({ where: { id: tenantId } });
    if (!t) throw new TenantNotReadyError('no-tenant', 'Unknown Jira site.');
    if (t.status === 'UNINSTALLED') throw new TenantNotReadyError('uninstalled', UNINSTALLED_MESSAGE);
    const systemToken = async () => {
      // Read on every call: the API refreshes the stored token whenever Forge hands it a newer one.
      const row = await prisma.tenant.findUnique({ where: { id: tenantId } });
      if (row) await resealStale(prisma, cipher, 'Tenant', row);
      const token = openFrom(cipher, tenantId, 'forge.systemToken', row?.forgeSystemTokenCiphertext ?? null);
      if (!token) throw new TenantNotReadyError('no-jira-token', 'No Jira app token stored yet for this site; open the admin page once.');
      return token;
    };
    return createJiraClient({
      baseUrl: t.apiBaseUrl,
      auth: { type: 'forge', systemToken },
      onCall: (info) => {
        for (const listener of this.jiraCallListeners) listener(tenantId, info);
      },
    });
  }
}
