// The admin page's Zoho connection (F1–F6): read the state, pick the data center, connect App OAuth 2.0
// with a pasted grant code, switch modes, and the Providers-mode per-user sign-in.
//
// Why per-user tokens live here and not in Forge's `providers` feature (jira-forge.md §1.10): provider
// tokens are reachable only through `api.asUser().withProvider()` inside a Forge function; nothing documents
// a way to hand them to a Forge Remote backend, and every Zoho call of the panel (search, link, preview)
// is made by this backend. So the backend runs the authorization-code flow itself with the Zoho client the
// admin registers, and keeps each user's grant sealed in ZohoUserToken, bound to the tenant and the Jira
// account that started the sign-in (the OAuth `state` carries both, sealed: see api/services/oauth-state.ts).
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ZOHO_DC_LABELS, zohoDcSchema, type ZohoDc } from '../../clients/zoho';
import { clearedTokenColumns, sealTokenColumns } from '../../lib/secrets/token-store';
import { appTokenColumns, sealTo } from '../../lib/tenant-clients';
import type { AppDeps } from '../deps';
import { ApiError, errorResponses } from '../services/api-errors';
import { DEFAULT_DC, summarize } from '../services/connection-summary';
import { newSignInNonce, sealOAuthState, OAUTH_STATE_TTL_MS } from '../services/oauth-state';
import { routeErrorHandler, tenantOf } from '../services/route-support';
import { isAutomated, sciRef } from '../services/sci-automation';
import { exchangeCode, OAUTH_BEGIN_PATH, OAUTH_REDIRECT_PATH, publicBaseUrl, revokeReplacedGrant } from '../services/zoho-oauth';
import { connectBody, connectionSummarySchema, dataCenterBody, modeBody, providersClientBody, signInReply, signOutReply, type ConnectionMode } from '../../contracts/connection';

type Deps = AppDeps;

async function loadSummary(deps: Deps, tenantId: string, accountId: string | undefined) {
  const [connection, token] = await Promise.all([
    deps.prisma.zohoConnection.findUnique({ where: { tenantId } }),
    accountId ? deps.prisma.zohoUserToken.findUnique({ where: { tenantId_jiraAccountId: { tenantId, jiraAccountId: accountId } } }) : null,
  ]);
  return summarize(connection, deps.zohoEndpoints, accountId ? { accountId, token } : undefined, { historyRetentionDays: deps.config.RUN_HISTORY_RETENTION_DAYS });
}

/**
 * Tells every automated SCI workflow of the tenant to re-read its configuration: after a (re)connect the
 * blocked ones resume; after a mode switch they notice automation is off. Best effort: the connection is
 * already saved, and the reconciler (and the next signal) brings stragglers in line.
 */
export async function notifyWorkflows(deps: Pick<Deps, 'prisma' | 'workflows'>, tenantId: string, log: FastifyBaseLogger): Promise<number> {
  const scis = await deps.prisma.smartConnectedItem.findMany({ where: { tenantId, enabled: true, syncMode: { not: 'DISPLAY' } } });
  const results = await Promise.allSettled(scis.filter(isAutomated).map((sci) => deps.workflows.control(sciRef(sci), 'configChanged')));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) log.warn({ tenantId, failed: failed.length }, 'could not signal configChanged to every SCI workflow');
  return results.length - failed.length;
}

/** Clears every stored credential of the tenant (F3): SCIs, links and run history are untouched. */
const clearedAuth = {
  state: 'NOT_CONFIGURED' as const,
  clientId: null,
  clientSecretCiphertext: null,
  clientSecretKeyId: null,
  ...clearedTokenColumns,
  grantedScopes: [],
  apiDomain: null,
  accountsUrl: null,
  zohoOrgId: null,
  connectedAt: null,
  lastError: null,
  lastErrorAt: null,
};

export const connectionRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);
  const now = () => (deps.now ?? Date.now)();

  fastify.get(
    '/connection',
    {
      schema: {
        summary: 'Zoho connection state and summary cards (mode, data center, automation, scopes)',
        tags: ['connection'],
        response: { 200: connectionSummarySchema },
      },
    },
    async (request) => loadSummary(deps, tenantOf(request), request.forge.accountId),
  );

  fastify.put(
    '/connection/data-center',
    {
      schema: {
        summary: 'Select the Zoho CRM data center',
        description: 'Changing the data center of a stored App OAuth 2.0 connection is refused: its tokens belong to the old one. Switch modes (which clears stored authentication) or connect again with dataCenter.',
        tags: ['connection'],
        body: dataCenterBody,
        response: { 200: connectionSummarySchema, ...errorResponses(400, 409) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const dc = request.body.dataCenter;
      const existing = await deps.prisma.zohoConnection.findUnique({ where: { tenantId } });
      if (existing && existing.dataCenter !== dc && existing.refreshTokenCiphertext) {
        throw new ApiError(
          409,
          `Zoho CRM is connected in the ${ZOHO_DC_LABELS[existing.dataCenter as ZohoDc] ?? existing.dataCenter} data center. To move to ${ZOHO_DC_LABELS[dc]}, connect App OAuth 2.0 again with a code from that data center.`,
          'CONFLICT',
        );
      }
      await deps.prisma.zohoConnection.upsert({
        where: { tenantId },
        create: { tenantId, mode: 'APP_OAUTH', dataCenter: dc },
        update: { dataCenter: dc },
      });
      return loadSummary(deps, tenantId, request.forge.accountId);
    },
  );

  fastify.post(
    '/connection/app-oauth',
    {
      schema: {
        summary: 'Connect App OAuth 2.0: exchange a grant code from the Zoho API Console',
        description: 'Exchanges the code at the data center\'s accounts server, checks the returned API domain, stores the tokens sealed, and resumes automation. Neither the secret nor the code nor any token is ever returned.',
        tags: ['connection'],
        body: connectBody,
        response: { 200: connectionSummarySchema, ...errorResponses(400, 422, 503) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const existing = await deps.prisma.zohoConnection.findUnique({ where: { tenantId } });
      const parsedDc = zohoDcSchema.safeParse(existing?.dataCenter);
      const dc = request.body.dataCenter ?? (parsedDc.success ? parsedDc.data : DEFAULT_DC);
      const { clientId: id, clientSecret: secret, code } = request.body;
      const tokens = await exchangeCode(deps, { clientId: id, clientSecret: secret, code, dc });

      const sealedSecret = sealTo(deps.cipher, tenantId, 'zoho.clientSecret', secret);
      const data = {
        mode: 'APP_OAUTH' as const,
        state: 'CONNECTED' as const,
        dataCenter: dc,
        accountsUrl: deps.zohoEndpoints[dc].accountsServer,
        apiDomain: tokens.apiDomain,
        clientId: id,
        clientSecretCiphertext: sealedSecret.ciphertext,
        clientSecretKeyId: sealedSecret.keyId,
        ...sealTokenColumns(deps.cipher, tenantId, appTokenColumns, tokens),
        grantedScopes: tokens.scopes ?? [],
        connectedAt: new Date(now()),
        lastError: null,
        lastErrorAt: null,
      };
      await deps.prisma.$transaction(async (tx) => {
        // Coming from Providers mode is a mode switch: the users' personal grants go (F3).
        if (existing && existing.mode !== 'APP_OAUTH') await tx.zohoUserToken.deleteMany({ where: { tenantId } });
        await tx.zohoConnection.upsert({ where: { tenantId }, create: { tenantId, ...data }, update: data });
      });
      request.log.info({ tenantId, dc }, 'Zoho App OAuth 2.0 connected');
      if (existing?.mode === 'APP_OAUTH') revokeReplacedGrant(deps, existing, request.log);
      await notifyWorkflows(deps, tenantId, request.log);
      return loadSummary(deps, tenantId, request.forge.accountId);
    },
  );

  fastify.post(
    '/connection/mode',
    {
      schema: {
        summary: 'Switch between Providers and App OAuth 2.0',
        description: 'Clears stored authentication only (client, tokens, users\' sign-ins). Smart Connected Items and links stay (F3). Switching to the current mode changes nothing.',
        tags: ['connection'],
        body: modeBody,
        response: { 200: connectionSummarySchema, ...errorResponses(400) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const mode: ConnectionMode = request.body.mode;
      const existing = await deps.prisma.zohoConnection.findUnique({ where: { tenantId } });
      if (existing?.mode === mode) return loadSummary(deps, tenantId, request.forge.accountId);
      await deps.prisma.$transaction(async (tx) => {
        await tx.zohoUserToken.deleteMany({ where: { tenantId } });
        await tx.zohoConnection.upsert({
          where: { tenantId },
          create: { tenantId, mode, dataCenter: DEFAULT_DC },
          update: { ...clearedAuth, mode },
        });
      });
      request.log.info({ tenantId, mode }, 'Zoho connection mode switched; stored authentication cleared');
      if (existing?.mode === 'APP_OAUTH') revokeReplacedGrant(deps, existing, request.log);
      if (existing) await notifyWorkflows(deps, tenantId, request.log);
      return loadSummary(deps, tenantId, request.forge.accountId);
    },
  );

  fastify.put(
    '/connection/providers/client',
    {
      schema: {
        summary: 'Providers mode: register the Zoho client used for per-user sign-in',
        description: `Register ${OAUTH_REDIRECT_PATH} under this API's public URL as the client's redirect URI in the Zoho API Console.`,
        tags: ['connection'],
        body: providersClientBody,
        response: { 200: connectionSummarySchema, ...errorResponses(400, 409) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const existing = await deps.prisma.zohoConnection.findUnique({ where: { tenantId } });
      if (existing?.mode !== 'PROVIDERS') {
        throw new ApiError(409, 'The site is not in Providers mode; switch modes first.', 'CONFLICT');
      }
      const sealedSecret = sealTo(deps.cipher, tenantId, 'zoho.clientSecret', request.body.clientSecret);
      const changedClient = existing.clientId !== request.body.clientId;
      await deps.prisma.$transaction(async (tx) => {
        // Users' grants were issued to the old client; they cannot be refreshed with the new one.
        if (changedClient) await tx.zohoUserToken.deleteMany({ where: { tenantId } });
        await tx.zohoConnection.update({
          where: { tenantId },
          data: {
            clientId: request.body.clientId,
            clientSecretCiphertext: sealedSecret.ciphertext,
            clientSecretKeyId: sealedSecret.keyId,
            state: 'CONNECTED',
            connectedAt: new Date(now()),
            lastError: null,
            lastErrorAt: null,
          },
        });
      });
      return loadSummary(deps, tenantId, request.forge.accountId);
    },
  );

  fastify.post(
    '/connection/providers/sign-in',
    {
      // Any user of the site signs their own account in or out (from the issue panel); nothing else.
      config: { access: 'user' },
      schema: {
        summary: 'Providers mode: start the calling user\'s Zoho CRM sign-in',
        description:
          'Returns the URL to open in the user\'s browser: our begin route, which binds the sign-in to that browser and redirects to Zoho\'s consent (PKCE S256). Its state is bound to this site and Jira user, is single use and expires in 10 minutes.',
        tags: ['connection'],
        response: { 200: signInReply, ...errorResponses(400, 409) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const accountId = request.forge.accountId;
      if (!accountId) throw new ApiError(400, 'Sign-in needs a Jira user: call this from the issue panel or admin page.', 'VALIDATION_FAILED');
      const connection = await deps.prisma.zohoConnection.findUnique({ where: { tenantId } });
      if (connection?.mode !== 'PROVIDERS' || !connection.clientId || !connection.clientSecretCiphertext) {
        throw new ApiError(409, 'Zoho CRM authentication required: an administrator must set up Providers mode in the admin page.', 'ZOHO_AUTH_REQUIRED');
      }
      const dc = zohoDcSchema.catch(DEFAULT_DC).parse(connection.dataCenter);
      const at = now();
      const nonce = newSignInNonce();
      const expiresAt = new Date(at + OAUTH_STATE_TTL_MS);
      // The state is single use: this row is begun once (begin route) and consumed once (callback). This
      // user's sign-ins that ran out unfinished go at the same time.
      await deps.prisma.$transaction([
        deps.prisma.zohoSignIn.deleteMany({ where: { tenantId, jiraAccountId: accountId, expiresAt: { lt: new Date(at) } } }),
        deps.prisma.zohoSignIn.create({ data: { id: nonce, tenantId, jiraAccountId: accountId, expiresAt } }),
      ]);
      // The panel opens our public begin route, which binds the sign-in to that browser before Zoho's consent.
      const state = sealOAuthState(deps.cipher, { tenantId, accountId, dc, nonce }, at);
      const authorizationUrl = `${publicBaseUrl(deps.config)}${OAUTH_BEGIN_PATH}?${new URLSearchParams({ state }).toString()}`;
      return { authorizationUrl, expiresAt: expiresAt.toISOString() };
    },
  );

  fastify.delete(
    '/connection/providers/sign-in',
    {
      // Any user of the site signs their own account in or out (from the issue panel); nothing else.
      config: { access: 'user' },
      schema: {
        summary: 'Providers mode: sign the calling user out of Zoho CRM',
        tags: ['connection'],
        response: { 200: signOutReply, ...errorResponses(400) },
      },
    },
    async (request) => {
      const accountId = request.forge.accountId;
      if (!accountId) throw new ApiError(400, 'Sign-out needs a Jira user.', 'VALIDATION_FAILED');
      const { count } = await deps.prisma.zohoUserToken.deleteMany({ where: { tenantId: tenantOf(request), jiraAccountId: accountId } });
      return { signedOut: count > 0 };
    },
  );
};
