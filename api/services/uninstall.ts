// The app was uninstalled from a Jira site (Forge `avi:forge:uninstalled:app`). In this order:
//   1. read the Zoho grants still needed to clean up at Zoho (refresh tokens, the channel ids);
//   2. in one transaction: the tenant becomes UNINSTALLED and every secret it holds is deleted (Forge system
//      token, Zoho client secret and tokens, every user's Zoho sign-in, channel tokens, pending sign-ins);
//   3. then, with the grants read in step 1: its workflows end, its notification channels are disabled at Zoho
//      and its refresh tokens are revoked there.
// Steps 1–2 finish before the route answers; step 3 is `followUp`, which the route waits for within Forge's
// 5 s budget and otherwise lets finish in the background. The data itself stays until the retention job
// deletes it (TENANT_RETENTION_DAYS); a reinstall never sees it again (api/plugins/forge-auth.ts).
import { createZohoClient, createZohoOAuth, memoryTokenStore, zohoDcSchema, type ZohoDc } from '../../clients/zoho';
import type { Logger } from '../../lib/logger';
import { clearedTokenColumns } from '../../lib/secrets/token-store';
import { openFrom } from '../../lib/tenant-clients';
import type { AppDeps } from '../deps';
import { userTokenColumn } from './zoho-access';

type Deps = Pick<AppDeps, 'prisma' | 'cipher' | 'workflows' | 'zohoEndpoints'>;
type Log = Pick<Logger, 'warn' | 'info'>;

const ZOHO_TIMEOUT_MS = 4000;

export interface UninstallFollowUp {
  workflows: { terminated: number; failed: number };
  zoho: { channelsDisabled: number; channelsFailed: number; refreshTokensRevoked: number; revokeFailed: number };
}

export interface UninstallResult {
  uninstalledAt: Date;
  /** Ends the workflows and cleans up at Zoho; never rejects (failures are counted and logged). */
  followUp: Promise<UninstallFollowUp>;
}

interface ZohoGrants {
  dc: ZohoDc;
  apiDomain: string | undefined;
  credentials: { clientId: string; clientSecret: string } | undefined;
  appRefreshToken: string | undefined;
  appAccessToken: { token: string; expiresAt: number } | undefined;
  userRefreshTokens: string[];
  channelIds: string[];
}

function tryOpen(open: () => string | undefined): string | undefined {
  try {
    return open();
  } catch {
    return undefined; // sealed with a key no longer known: nothing to revoke with it
  }
}

async function readGrants(deps: Deps, tenantId: string): Promise<ZohoGrants | undefined> {
  const { prisma, cipher } = deps;
  const c = await prisma.zohoConnection.findUnique({ where: { tenantId } });
  if (!c) return undefined;
  const dc = zohoDcSchema.safeParse(c.dataCenter);
  if (!dc.success) return undefined;
  const users = await prisma.zohoUserToken.findMany({ where: { tenantId }, select: { jiraAccountId: true, refreshTokenCiphertext: true } });
  const channels = await prisma.zohoNotificationChannel.findMany({ where: { tenantId, state: { not: 'DISABLED' } }, select: { channelId: true } });
  const clientSecret = tryOpen(() => openFrom(cipher, tenantId, 'zoho.clientSecret', c.clientSecretCiphertext));
  const access = tryOpen(() => openFrom(cipher, tenantId, 'zoho.accessToken', c.accessTokenCiphertext));
  return {
    dc: dc.data,
    apiDomain: c.apiDomain ?? undefined,
    credentials: c.clientId && clientSecret ? { clientId: c.clientId, clientSecret } : undefined,
    appRefreshToken: tryOpen(() => openFrom(cipher, tenantId, 'zoho.refreshToken', c.refreshTokenCiphertext)),
    appAccessToken: access && c.accessTokenExpiresAt ? { token: access, expiresAt: c.accessTokenExpiresAt.getTime() } : undefined,
    userRefreshTokens: users
      .map((u) => tryOpen(() => openFrom(cipher, tenantId, userTokenColumn.refresh(u.jiraAccountId), u.refreshTokenCiphertext)))
      .filter((x): x is string => Boolean(x)),
    channelIds: channels.map((x) => x.channelId),
  };
}

/** Marks the tenant UNINSTALLED and deletes every secret it holds, in one transaction. */
export async function deleteTenantSecrets(deps: Pick<AppDeps, 'prisma'>, tenantId: string, at: Date): Promise<Date> {
  const { prisma } = deps;
  const current = await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { uninstalledAt: true } });
  const uninstalledAt = current.uninstalledAt ?? at; // a retried uninstall keeps the first date (retention counts from it)
  await prisma.$transaction([
    prisma.tenant.update({
      where: { id: tenantId },
      data: { status: 'UNINSTALLED', uninstalledAt, forgeSystemTokenCiphertext: null, forgeSystemTokenKeyId: null, forgeSystemTokenExpiresAt: null },
    }),
    prisma.zohoConnection.updateMany({
      where: { tenantId },
      data: {
        state: 'NOT_CONFIGURED',
        clientSecretCiphertext: null,
        clientSecretKeyId: null,
        ...clearedTokenColumns,
        lastError: 'The app was uninstalled from this Jira site.',
        lastErrorAt: at,
      },
    }),
    prisma.zohoUserToken.deleteMany({ where: { tenantId } }),
    prisma.zohoNotificationChannel.updateMany({ where: { tenantId }, data: { tokenCiphertext: null, tokenKeyId: null, state: 'DISABLED' } }),
    prisma.zohoSignIn.deleteMany({ where: { tenantId } }),
  ]);
  return uninstalledAt;
}

async function cleanUpAtZoho(deps: Deps, grants: ZohoGrants | undefined, log: Log, tenantId: string): Promise<UninstallFollowUp['zoho']> {
  const out = { channelsDisabled: 0, channelsFailed: 0, refreshTokensRevoked: 0, revokeFailed: 0 };
  if (!grants) return out;
  // Channels first: disabling them needs an access token, which the revocation below ends.
  if (grants.channelIds.length > 0 && grants.credentials && grants.appRefreshToken && grants.apiDomain) {
    try {
      const zoho = createZohoClient({
        credentials: grants.credentials,
        tokenStore: memoryTokenStore({
          dc: grants.dc,
          refreshToken: grants.appRefreshToken,
          apiDomain: grants.apiDomain,
          ...(grants.appAccessToken ? { accessToken: grants.appAccessToken.token, accessTokenExpiresAt: grants.appAccessToken.expiresAt } : {}),
        }),
        endpoints: deps.zohoEndpoints,
        timeoutMs: ZOHO_TIMEOUT_MS,
      });
      const outcomes = await zoho.notifications.disable(grants.channelIds);
      // NOT_SUBSCRIBED: Zoho had already dropped it (expired); that is the state we want.
      for (const o of outcomes) if (o.ok || o.error.code === 'NOT_SUBSCRIBED') out.channelsDisabled += 1;
      else out.channelsFailed += 1;
    } catch (err) {
      out.channelsFailed += grants.channelIds.length;
      log.warn({ err, tenantId }, 'uninstall: Zoho notification channels could not be disabled (they lapse at their expiry)');
    }
  }
  const tokens = [...new Set([grants.appRefreshToken, ...grants.userRefreshTokens].filter((x): x is string => Boolean(x)))];
  if (tokens.length > 0) {
    const oauth = createZohoOAuth({ credentials: grants.credentials ?? { clientId: '', clientSecret: '' }, endpoints: deps.zohoEndpoints, timeoutMs: ZOHO_TIMEOUT_MS });
    await Promise.all(
      tokens.map(async (refreshToken) => {
        try {
          await oauth.revoke({ dc: grants.dc, refreshToken });
          out.refreshTokensRevoked += 1;
        } catch (err) {
          out.revokeFailed += 1;
          log.warn({ err, tenantId }, 'uninstall: a Zoho refresh token could not be revoked');
        }
      }),
    );
  }
  return out;
}

/** Uninstalls a tenant: secrets gone when this resolves, workflows and Zoho clean-up in `followUp`. */
export async function uninstallTenant(deps: Deps, tenantId: string, log: Log, now: () => Date = () => new Date()): Promise<UninstallResult> {
  const grants = await readGrants(deps, tenantId);
  const uninstalledAt = await deleteTenantSecrets(deps, tenantId, now());
  const followUp = (async (): Promise<UninstallFollowUp> => {
    const scis = await deps.prisma.smartConnectedItem.findMany({ where: { tenantId }, select: { id: true } }).catch(() => []);
    const [workflows, zoho] = await Promise.all([
      deps.workflows.stopTenant(tenantId, scis.map((s) => s.id), 'App uninstalled from the Jira site').catch((err: unknown) => {
        log.warn({ err, tenantId }, 'uninstall: workflows could not be ended');
        return { terminated: 0, failed: scis.length * 2 + 1 };
      }),
      cleanUpAtZoho(deps, grants, log, tenantId),
    ]);
    log.info({ tenantId, workflows, zoho }, 'app uninstalled: secrets deleted, workflows ended, Zoho grants revoked');
    return { workflows, zoho };
  })();
  return { uninstalledAt, followUp };
}
