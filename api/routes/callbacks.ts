// Vendor callbacks that reach the API without a Forge Invocation Token, each verified by its own proof:
// - Zoho notification (watch) callbacks carry the channel token we registered; it is compared in constant
//   time with the sealed copy on the ZohoNotificationChannel row, which also names the tenant.
// - The Providers-mode sign-in: the begin route and the consent redirect carry the sealed `state` made when
//   the user started the sign-in (oauth-state.ts), which names the tenant, the Jira user and the single-use
//   ZohoSignIn row; the redirect must also bring the browser-binding cookie the begin route set. Nothing
//   else in the request is trusted.
import escapeHtml from 'escape-html';
import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import fastifyCookie from '@fastify/cookie';
import { createZohoOAuth, isZohoError, notificationCallbackSchema, verifyChannelToken, zohoDcSchema, type ZohoDc } from '../../clients/zoho';
import { channelTokenColumn, watchedModules } from '../../lib/channels';
import { sealTokenColumns } from '../../lib/secrets/token-store';
import { openFrom, sealTo } from '../../lib/tenant-clients';
import type { ZohoNotificationSignal } from '../../workflows/messages';
import type { AppDeps } from '../deps';
import { requestLimit } from '../plugins/rate-limit';
import { ApiError, errorResponses } from '../services/api-errors';
import { routeErrorHandler } from '../services/route-support';
import { isAutomated } from '../services/sci-automation';
import { recordIntake } from '../services/intake-outbox';
import { userTokenColumn } from '../services/zoho-access';
import { requiredScopes } from '../services/connection-summary';
import { browserBindingMatches, browserCookieName, newPkcePair, openOAuthState, sealBrowserBinding, signInVerifierColumn } from '../services/oauth-state';
import { exchangeCode, oauthRedirectUri, publicBaseUrl } from '../services/zoho-oauth';

// Channel tokens are sealed per tenant and channel (lib/channels.ts), shared with the channel keeper.
export { channelTokenColumn, sealChannelToken } from '../../lib/channels';

/** `queued`: SCI workflows the notification is recorded for; the intake dispatcher delivers it to them. */
const notificationReply = z.object({ accepted: z.boolean(), duplicate: z.boolean(), queued: z.number().int(), reason: z.string().optional() });

// Zoho sends `ids` for every record of the change; its documented page is at most 100 per callback,
// a generous cap keeps a hostile body from fanning out.
const notificationBody = notificationCallbackSchema.extend({
  module: z.string().min(1).max(100),
  ids: z.array(z.union([z.string().max(40), z.number()]).transform(String)).max(1000),
  channel_id: z.union([z.string().min(1).max(40), z.number()]).transform(String),
  token: z.string().max(200).nullish(),
});

const oauthQuery = z.looseObject({
  code: z.string().max(1000).optional(),
  state: z.string().max(2000).optional(),
  location: z.string().max(20).optional(),
  'accounts-server': z.string().max(300).optional(),
  error: z.string().max(200).optional(),
});

/** Whether the callback carries the token sealed on the channel row (compared in constant time). */
function channelTokenMatches(
  channel: { tenantId: string; channelId: string; tokenCiphertext: Uint8Array | null },
  cb: z.infer<typeof notificationBody>,
  cipher: AppDeps['cipher'],
): boolean {
  try {
    const token = openFrom(cipher, channel.tenantId, channelTokenColumn(channel.channelId), channel.tokenCiphertext);
    return token !== undefined && verifyChannelToken(cb, token);
  } catch {
    return false; // unreadable (key rotated away): no callback can prove itself
  }
}


const beginQuery = z.looseObject({ state: z.string().max(2000).optional() });

/** What a person sees when a sign-in link is spent, or is finished in another browser than it began in. */
export const SIGN_IN_USED_MESSAGE =
  'This sign-in link was already used or was opened by someone else. Start the sign-in again from the Zoho CRM panel of a Jira issue.';
const SIGN_IN_EXPIRED_MESSAGE = 'This Zoho CRM sign-in link is invalid or has expired. Start the sign-in again from the Zoho CRM panel of a Jira issue.';


function page(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
}

export const callbackRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);
  // Per client address: these routes are public, so the address is all there is to count by before the
  // proof (channel token, sealed state) is checked. Zoho posts every org's notifications from its own few
  // servers, hence a generous limit.
  await fastify.register(requestLimit, { by: 'ip', limit: { max: deps.config.RATE_LIMIT_CALLBACK_IP_MAX, windowMs: deps.config.RATE_LIMIT_WINDOW } });
  const now = () => (deps.now ?? Date.now)();
  // Cookies only for the sign-in's browser binding (encapsulated in this plugin's routes).
  await fastify.register(fastifyCookie);
  const secureCookie = publicBaseUrl(deps.config).startsWith('https:');
  // The cookie goes to the consent redirect only (and its begin route below it), under any PUBLIC_URL prefix.
  const cookiePath = new URL(oauthRedirectUri(deps.config)).pathname;

  fastify.post(
    '/callbacks/zoho/notifications',
    {
      schema: {
        summary: 'Zoho CRM notification (watch) callback, verified by its channel token',
        tags: ['callbacks'],
        body: notificationBody,
        response: { 200: notificationReply, ...errorResponses(400, 401, 503) },
      },
    },
    async (request) => {
      const cb = request.body;
      // One indexed read by Zoho's channel_id (@@index([channelId])). Channel ids are random 48-bit numbers
      // the keeper chooses, so one row answers; the token then proves the callback is for that channel.
      const channel = await deps.prisma.zohoNotificationChannel.findFirst({
        where: { channelId: cb.channel_id, state: { not: 'DISABLED' } },
        orderBy: { createdAt: 'desc' },
      });
      if (!channel || !channelTokenMatches(channel, cb, deps.cipher)) throw new ApiError(401, 'Unknown notification channel or wrong channel token.');

      // Only the modules the channel watches (its events, e.g. ["Deals.all"]): a verified channel still
      // does not make the body's `module` true, and a channel never wakes another module's SCIs.
      if (!watchedModules(channel.events).has(cb.module)) {
        request.log.warn({ tenantId: channel.tenantId, channelId: channel.channelId, module: cb.module }, 'notification for a module its channel does not watch');
        return { accepted: false, duplicate: false, queued: 0, reason: 'This notification channel does not watch this module.' };
      }

      const tenantId = channel.tenantId;
      const scis = (
        await deps.prisma.smartConnectedItem.findMany({
          where: { tenantId, enabled: true, syncMode: { not: 'DISPLAY' }, zohoModule: cb.module, ...(channel.sciId ? { id: channel.sciId } : {}) },
        })
      ).filter(isAutomated);
      if (scis.length === 0) return { accepted: false, duplicate: false, queued: 0, reason: 'No enabled Smart Connected Item syncs this module.' };

      const eventKey = `${cb.channel_id}:${createHash('sha256').update(`${cb.server_time}\0${cb.operation}\0${cb.module}\0${cb.ids.join(',')}`).digest('hex')}`;
      const receivedAt = new Date(now());
      const signal: ZohoNotificationSignal = {
        channelId: cb.channel_id,
        operation: cb.operation,
        recordIds: cb.ids,
        receivedAt: receivedAt.toISOString(),
      };
      // Recorded with its identity in one transaction; the intake dispatcher delivers it (as for Jira events).
      const outcome = await recordIntake(deps.prisma, { tenantId, source: 'ZOHO', eventKey, receivedAt, sciIds: scis.map((sci) => sci.id), event: { source: 'zoho', event: signal } });
      if (outcome === 'duplicate') return { accepted: true, duplicate: true, queued: 0 };
      if (outcome === 'sci-gone') throw new ApiError(503, 'A Smart Connected Item was deleted while this notification arrived; send it again.');
      deps.intake?.nudge();
      return { accepted: true, duplicate: false, queued: scis.length };
    },
  );

  fastify.get(
    '/callbacks/zoho/oauth/begin',
    {
      schema: {
        summary: 'Providers mode: begin the user\'s Zoho CRM sign-in in this browser, then go to Zoho\'s consent',
        description:
          'The URL POST /api/v1/connection/providers/sign-in answers. Usable once: marks the sign-in begun, sets an HttpOnly cookie that binds it to this browser, and redirects (302) to Zoho\'s consent with a PKCE S256 challenge. Otherwise answers an HTML page.',
        tags: ['callbacks'],
        querystring: beginQuery,
        response: { 302: z.null(), 400: z.string(), 409: z.string() },
      },
    },
    async (request, reply) => {
      const html = (status: 400 | 409, title: string, message: string) =>
        reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page(title, message));
      const sealedState = request.query.state;
      const state = sealedState ? openOAuthState(deps.cipher, sealedState, now()) : undefined;
      if (!sealedState || !state) return html(400, 'Sign-in link expired', SIGN_IN_EXPIRED_MESSAGE);
      const connection = await deps.prisma.zohoConnection.findUnique({ where: { tenantId: state.tenantId } });
      if (connection?.mode !== 'PROVIDERS' || !connection.clientId || !connection.clientSecretCiphertext) {
        return html(409, 'Zoho CRM authentication required', 'This Jira site is no longer set up for per-user Zoho CRM sign-in. Ask an administrator.');
      }
      // Begun once: the PKCE verifier is stored (sealed) only if none is yet, so a second begin of the same
      // state (another browser, a forwarded link) finds the row taken.
      const at = new Date(now());
      const pkce = newPkcePair();
      const verifier = sealTo(deps.cipher, state.tenantId, signInVerifierColumn(state.nonce), pkce.verifier);
      const { count } = await deps.prisma.zohoSignIn.updateMany({
        where: { id: state.nonce, tenantId: state.tenantId, jiraAccountId: state.accountId, codeVerifierCiphertext: null, consumedAt: null, expiresAt: { gt: at } },
        data: { codeVerifierCiphertext: verifier.ciphertext, codeVerifierKeyId: verifier.keyId },
      });
      if (count !== 1) {
        const row = await deps.prisma.zohoSignIn.findUnique({ where: { id: state.nonce } });
        if (!row || row.expiresAt <= at) return html(400, 'Sign-in link expired', SIGN_IN_EXPIRED_MESSAGE);
        request.log.warn({ tenantId: state.tenantId }, 'Zoho sign-in link begun a second time; refused');
        return html(409, 'Sign-in link already used', SIGN_IN_USED_MESSAGE);
      }
      const row = await deps.prisma.zohoSignIn.findUniqueOrThrow({ where: { id: state.nonce } });
      reply.setCookie(browserCookieName(state.nonce), sealBrowserBinding(deps.cipher, state.nonce), {
        httpOnly: true,
        secure: secureCookie,
        sameSite: 'lax',
        path: cookiePath,
        maxAge: Math.max(1, Math.floor((row.expiresAt.getTime() - at.getTime()) / 1000)),
      });
      const dc = zohoDcSchema.catch(state.dc).parse(connection.dataCenter);
      const oauth = createZohoOAuth({ credentials: { clientId: connection.clientId, clientSecret: '' }, endpoints: deps.zohoEndpoints });
      const consent = oauth.authorizationUrl({
        dc,
        scopes: requiredScopes('PROVIDERS'),
        redirectUri: oauthRedirectUri(deps.config),
        state: sealedState,
        codeChallenge: pkce.challenge,
        codeChallengeMethod: 'S256',
      });
      return reply.header('cache-control', 'no-store').redirect(consent, 302);
    },
  );

  fastify.get(
    '/callbacks/zoho/oauth',
    {
      schema: {
        summary: 'Providers mode: Zoho consent redirect (the browser returns here after the user signs in)',
        description:
          'Answers an HTML page. Verified by the sealed, single-use state made by POST /api/v1/connection/providers/sign-in and by the cookie its begin route set in this browser.',
        tags: ['callbacks'],
        querystring: oauthQuery,
        response: { 200: z.string(), 400: z.string(), 409: z.string(), 422: z.string(), 503: z.string() },
      },
    },
    async (request, reply) => {
      const html = (status: 200 | 400 | 409 | 422 | 503, title: string, message: string) =>
        reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page(title, message));
      const q = request.query;
      const opened = q.state ? openOAuthState(deps.cipher, q.state, now()) : undefined;
      if (!opened) return html(400, 'Sign-in link expired', SIGN_IN_EXPIRED_MESSAGE);
      // The browser that began this sign-in, and no other: checked before the row is consumed, so a link
      // finished elsewhere cannot spend the user's sign-in.
      const cookieName = browserCookieName(opened.nonce);
      if (!browserBindingMatches(deps.cipher, request.cookies[cookieName], opened.nonce)) {
        request.log.warn({ tenantId: opened.tenantId }, 'Zoho sign-in redirect without the browser cookie of its begin; refused');
        return html(409, 'Sign-in link already used', SIGN_IN_USED_MESSAGE);
      }
      // Single use: consumed atomically; a replay (or a race with one) finds it consumed.
      const at = new Date(now());
      const { count } = await deps.prisma.zohoSignIn.updateMany({
        where: { id: opened.nonce, tenantId: opened.tenantId, consumedAt: null, expiresAt: { gt: at }, codeVerifierCiphertext: { not: null } },
        data: { consumedAt: at },
      });
      const signIn = await deps.prisma.zohoSignIn.findUnique({ where: { id: opened.nonce } });
      void reply.clearCookie(cookieName, { path: cookiePath, httpOnly: true, secure: secureCookie, sameSite: 'lax' });
      if (count !== 1 || !signIn) {
        if (signIn?.consumedAt) return html(409, 'Sign-in link already used', SIGN_IN_USED_MESSAGE);
        return html(400, 'Sign-in link expired', SIGN_IN_EXPIRED_MESSAGE);
      }
      // The grant goes to the Jira account that started the sign-in, as recorded on its row.
      const state = { ...opened, accountId: signIn.jiraAccountId };
      let codeVerifier: string | undefined;
      try {
        codeVerifier = openFrom(deps.cipher, signIn.tenantId, signInVerifierColumn(signIn.id), signIn.codeVerifierCiphertext);
      } catch {
        codeVerifier = undefined;
      }
      if (!codeVerifier) return html(400, 'Sign-in link expired', SIGN_IN_EXPIRED_MESSAGE);
      if (q.error || !q.code) {
        return html(400, 'Zoho CRM sign-in not completed', 'Zoho did not complete the sign-in (the consent was declined or cancelled). Start it again from Jira.');
      }
      const connection = await deps.prisma.zohoConnection.findUnique({ where: { tenantId: state.tenantId } });
      const clientSecret = connection ? openFrom(deps.cipher, state.tenantId, 'zoho.clientSecret', connection.clientSecretCiphertext) : undefined;
      if (connection?.mode !== 'PROVIDERS' || !connection.clientId || !clientSecret) {
        return html(409, 'Zoho CRM authentication required', 'This Jira site is no longer set up for per-user Zoho CRM sign-in. Ask an administrator.');
      }
      const oauth = createZohoOAuth({ credentials: { clientId: connection.clientId, clientSecret }, endpoints: deps.zohoEndpoints, timeoutMs: 4000 });
      let dc: ZohoDc;
      try {
        dc = oauth.parseAuthorizationRedirect(q).dc;
      } catch {
        return html(400, 'Zoho CRM sign-in not completed', 'The sign-in came back from an unknown Zoho data center. Start it again from Jira.');
      }
      if (dc !== state.dc || dc !== zohoDcSchema.catch(state.dc).parse(connection.dataCenter)) {
        return html(422, 'Wrong Zoho CRM data center', 'Your Zoho CRM account lives in another data center than the one this Jira site uses. Ask an administrator.');
      }
      let tokens;
      try {
        tokens = await exchangeCode(deps, { clientId: connection.clientId, clientSecret, code: q.code, dc, redirectUri: oauthRedirectUri(deps.config), codeVerifier });
      } catch (err) {
        if (err instanceof ApiError) return html(err.statusCode === 503 ? 503 : 422, 'Zoho CRM sign-in failed', err.message);
        throw err;
      }
      // Who signed in, for the panel ("signed in as …"); optional: the grant is usable without it.
      let profile: { ZUID: string; Email?: string | undefined } | undefined;
      try {
        profile = await oauth.userInfo({ dc, accessToken: tokens.accessToken ?? '' });
      } catch (err) {
        if (!isZohoError(err)) throw err;
      }
      const { tenantId, accountId } = state;
      const data = {
        ...sealTokenColumns(deps.cipher, tenantId, { refresh: userTokenColumn.refresh(accountId), access: userTokenColumn.access(accountId) }, tokens),
        grantedScopes: tokens.scopes ?? [],
        state: 'CONNECTED' as const,
        lastError: null,
        zohoUserId: profile?.ZUID ?? null,
        zohoEmail: profile?.Email ?? null,
      };
      await deps.prisma.zohoUserToken.upsert({
        where: { tenantId_jiraAccountId: { tenantId, jiraAccountId: accountId } },
        create: { tenantId, jiraAccountId: accountId, ...data },
        update: data,
      });
      request.log.info({ tenantId, dc }, 'Zoho CRM user signed in (Providers mode)');
      return html(200, 'Signed in to Zoho CRM', `You are signed in to Zoho CRM${profile?.Email ? ` as ${profile.Email}` : ''}. Return to Jira; you can close this tab.`);
    },
  );
};
