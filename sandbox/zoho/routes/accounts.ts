// Zoho Accounts for one DC: token endpoint (grant codes, refresh; errors as HTTP 200 with {"error"}),
// revoke, consent (auto-approved) and user info. Parameters may come in the query string or the form
// body, as Zoho accepts both.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DEMO_SELF_CLIENT, pkceSatisfied } from '../auth';
import { ADMIN, USERS } from '../store';
import type { Sim } from '../context';
import { satisfies } from '../scopes';
import { sendJson } from './common';

// The body may be application/x-www-form-urlencoded or multipart/form-data: "form data" in Zoho's OAuth
// pages covers both, and Zoho's own SDKs (nodejs-sdk-8.0 oauth_token.js, form-data) post multipart.
async function formParams(req: FastifyRequest): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  if (typeof req.body === 'string') for (const [k, v] of new URLSearchParams(req.body)) out[k] = v;
  else if (req.isMultipart()) {
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        if (typeof part.value === 'string') out[part.fieldname] = part.value;
      } else part.file.resume();
    }
  }
  return out;
}

export function accountsRoutes(app: FastifyInstance, sim: Sim): void {
  app.post('/oauth/v2/token', async (req, reply) => {
    const p = await formParams(req);
    const dc = req.zoho.dc;
    const client = sim.accounts.client(p.client_id, p.client_secret);
    // Zoho answers refusals with HTTP 200 and an `error` member (reference §1.4).
    if (!client) return sendJson(reply, 200, { error: 'invalid_client' });
    const grantType = p.grant_type;
    if (grantType === 'authorization_code') {
      if (!p.code) return sendJson(reply, 200, { error: 'invalid_code' });
      const code = sim.accounts.takeCode(p.code, client.clientId, dc);
      if (!code) return sendJson(reply, 200, { error: 'invalid_code' });
      if (code.redirectUri !== undefined && p.redirect_uri !== code.redirectUri) return sendJson(reply, 200, { error: 'invalid_redirect_uri' });
      // PKCE (RFC 7636 §4.6): a code issued for a code_challenge is only exchanged with its verifier; the
      // code is spent either way (taken above), as Zoho's codes are single use.
      if (!pkceSatisfied(code, p.code_verifier)) return sendJson(reply, 200, { error: 'invalid_code' });
      const refresh = code.offline ? sim.accounts.issueRefresh(code) : undefined;
      const access = sim.accounts.issueAccess({ ...(refresh ? { refresh } : {}), clientId: client.clientId, scopes: code.scopes, dc, userId: code.userId });
      return sendJson(reply, 200, {
        access_token: access.token,
        ...(refresh ? { refresh_token: refresh.token } : {}),
        scope: access.scopes.join(' '),
        api_domain: sim.apiDomain(dc),
        token_type: 'Bearer',
        expires_in: Math.round(sim.accounts.limits.accessTokenTtlMs / 1000),
      });
    }
    if (grantType === 'refresh_token') {
      const r = p.refresh_token ? sim.accounts.refreshTokens.get(p.refresh_token) : undefined;
      // A refresh token only works at the accounts server of the DC that issued it.
      if (!r || r.revoked || r.clientId !== client.clientId || r.dc !== dc) return sendJson(reply, 200, { error: 'invalid_code' });
      if (sim.accounts.throttled(r)) {
        return sendJson(reply, 200, {
          error: 'Access Denied',
          error_description: 'You have made too many requests continuously. Please try again after some time.',
        });
      }
      const access = sim.accounts.issueAccess({ refresh: r, clientId: client.clientId, scopes: r.scopes, dc, userId: r.userId });
      return sendJson(reply, 200, {
        access_token: access.token,
        scope: access.scopes.join(' '),
        api_domain: sim.apiDomain(dc),
        token_type: 'Bearer',
        expires_in: Math.round(sim.accounts.limits.accessTokenTtlMs / 1000),
      });
    }
    return sendJson(reply, 200, { error: 'unsupported_grant_type' });
  });

  app.post('/oauth/v2/token/revoke', async (req, reply) => {
    const p = await formParams(req);
    const r = p.token ? sim.accounts.refreshTokens.get(p.token) : undefined;
    if (!r || r.revoked || r.dc !== req.zoho.dc) return sendJson(reply, 400, { error: 'invalid_token' });
    sim.accounts.revokeRefresh(r.token);
    return sendJson(reply, 200, { status: 'success' });
  });

  // Consent for the authorization-code flow, approved at once: the sandbox user is always signed in.
  app.get('/oauth/v2/auth', async (req, reply) => {
    const q = await formParams(req);
    const client = q.client_id ? sim.accounts.clients.get(q.client_id) : undefined;
    if (!client || q.response_type !== 'code' || !q.redirect_uri || !q.scope) {
      return reply.code(400).type('text/html').send('<!doctype html><title>Zoho Accounts (sandbox)</title><p>Invalid OAuth request: client_id, response_type=code, redirect_uri and scope are required.</p>');
    }
    let target: URL;
    try {
      target = new URL(q.redirect_uri);
    } catch {
      return reply.code(400).type('text/html').send('<!doctype html><p>Invalid redirect_uri.</p>');
    }
    // PKCE (RFC 7636 §4.3): method defaults to plain; only S256 and plain exist.
    const method = q.code_challenge_method ?? 'plain';
    if (q.code_challenge !== undefined && (!/^[A-Za-z0-9\-._~]{43,128}$/.test(q.code_challenge) || (method !== 'S256' && method !== 'plain'))) {
      return reply.code(400).type('text/html').send('<!doctype html><title>Zoho Accounts (sandbox)</title><p>Invalid OAuth request: code_challenge must be 43–128 characters and code_challenge_method S256 or plain.</p>');
    }
    // The user's account lives in the org's home DC, whichever accounts server they started at.
    const home = sim.settings.homeDc;
    const code = sim.accounts.mintCode({
      clientId: client.clientId,
      scopes: q.scope.split(/[,\s]+/).filter(Boolean),
      dc: home,
      redirectUri: q.redirect_uri,
      offline: q.access_type === 'offline',
      ...(q.code_challenge !== undefined ? { codeChallenge: { value: q.code_challenge, method: method as 'S256' | 'plain' } } : {}),
    });
    target.searchParams.set('code', code);
    target.searchParams.set('location', home);
    target.searchParams.set('accounts-server', sim.accountsServer(home));
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    return reply.redirect(target.toString(), 302);
  });

  app.get('/oauth/user/info', (req, reply) => {
    const auth = req.headers.authorization;
    const token = typeof auth === 'string' && auth.startsWith('Zoho-oauthtoken ') ? auth.slice('Zoho-oauthtoken '.length) : undefined;
    const grant = sim.accounts.checkAccess(token, req.zoho.dc);
    if (typeof grant === 'string') return sendJson(reply, 401, { error: 'invalid_token' });
    if (!satisfies(grant.scopes, [['AaaServer.profile.READ']])) return sendJson(reply, 401, { error: 'invalid_oauth_scope' });
    const u = USERS.find((x) => x.id === grant.userId) ?? ADMIN;
    return sendJson(reply, 200, { First_Name: u.first_name, Email: u.email, Last_Name: u.last_name, Display_Name: u.name, ZUID: Number(u.zuid) });
  });
  void DEMO_SELF_CLIENT;
}
