// OAuth against the simulator over real HTTP: self-client code exchange, the 200-with-error quirk,
// refresh ahead of expiry and on INVALID_TOKEN, revocation → re-auth required, multi-DC, consent flow,
// and refusal of an api_domain that is not a Zoho API domain.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpExchange } from '../../sandbox/shared/exchange';
import { startZohoSimulator, type ZohoSimulator } from '../../sandbox/zoho/index';
import { connectZohoClient } from '../../sandbox/zoho/testing';
import {
  createZohoClient,
  createZohoOAuth,
  defaultZohoEndpoints,
  isZohoApiDomain,
  memoryTokenStore,
  ZohoOAuthError,
  ZohoReauthRequiredError,
  ZohoUntrustedHostError,
} from './index';

let sim: ZohoSimulator;
const exchanges: HttpExchange[] = [];

beforeAll(async () => {
  sim = await startZohoSimulator({ onExchange: (e) => exchanges.push(e) });
});
afterAll(async () => {
  await sim.close();
});

describe('grant code exchange', () => {
  it('exchanges a self-client code for tokens whose api_domain is the DC API domain', async () => {
    const { tokens } = await connectZohoClient(sim, { scopes: ['ZohoCRM.modules.ALL'] });
    expect(tokens.dc).toBe('us');
    expect(tokens.apiDomain).toBe(sim.endpoints.us.apiDomain);
    expect(tokens.refreshToken).toMatch(/^1000\./);
    expect(tokens.scopes).toEqual(['ZohoCRM.modules.ALL']);
    expect(tokens.accessTokenExpiresAt).toBeGreaterThan(Date.now());
  });

  it('turns the HTTP 200 {"error":"invalid_code"} answer into ZohoOAuthError, and codes are single use', async () => {
    const oauth = createZohoOAuth({ credentials: sim.demoClient, endpoints: sim.endpoints });
    const code = sim.mintGrantCode({ scopes: ['ZohoCRM.modules.ALL'] });
    await oauth.exchangeGrantCode({ dc: 'us', code });
    const before = exchanges.length;
    const err = await oauth.exchangeGrantCode({ dc: 'us', code }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoOAuthError);
    expect((err as ZohoOAuthError).code).toBe('invalid_code');
    expect((err as ZohoOAuthError).message).not.toContain(code);
    const answer = exchanges.slice(before).find((e) => e.url.endsWith('/oauth/v2/token'));
    expect(answer?.status).toBe(200);
    expect(answer?.responseBody).toEqual({ error: 'invalid_code' });
  });

  it('refuses a code at another DC and a wrong client secret', async () => {
    const oauth = createZohoOAuth({ credentials: sim.demoClient, endpoints: sim.endpoints });
    const euCode = sim.mintGrantCode({ scopes: ['ZohoCRM.modules.ALL'], dc: 'eu' });
    await expect(oauth.exchangeGrantCode({ dc: 'us', code: euCode })).rejects.toMatchObject({ code: 'invalid_code' });
    const wrong = createZohoOAuth({ credentials: { clientId: sim.demoClient.clientId, clientSecret: 'nope' }, endpoints: sim.endpoints });
    await expect(wrong.exchangeGrantCode({ dc: 'us', code: sim.mintGrantCode({ scopes: ['ZohoCRM.modules.ALL'] }) })).rejects.toMatchObject({
      code: 'invalid_client',
    });
  });

  it('keeps every call of an EU connection on the EU accounts server and API domain', async () => {
    const { client, tokens } = await connectZohoClient(sim, { dc: 'eu' });
    expect(tokens.apiDomain).toBe(sim.endpoints.eu.apiDomain);
    sim.resetStats();
    await client.metadata.org();
    await client.tokens.refresh();
    expect(sim.stats().byDc).toEqual({ eu: 2 });
  });
});

describe('token lifecycle', () => {
  it('refreshes before expiry (within the margin) without a failed call', async () => {
    const { client, store } = await connectZohoClient(sim, { scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ'] });
    const first = store.current().accessToken;
    // Pretend the token expires in 2 minutes: inside the default 5-minute margin.
    await store.save({ ...store.current(), accessTokenExpiresAt: Date.now() + 120_000 });
    sim.resetStats();
    await client.metadata.org();
    expect(store.current().accessToken).not.toBe(first);
    expect(sim.stats().byEndpoint).toEqual({ 'POST /oauth/v2/token': 1, 'GET /crm/v8/org': 1 });
  });

  it('refreshes once and retries when Zoho answers INVALID_TOKEN', async () => {
    const { client, store } = await connectZohoClient(sim, { scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ'] });
    await fetch(`${sim.url}/__sandbox/tokens/expire`, { method: 'POST' });
    const stale = store.current().accessToken;
    sim.resetStats();
    const org = await client.metadata.org();
    expect(org.domain_name).toMatch(/^org\d+$/);
    expect(store.current().accessToken).not.toBe(stale);
    expect(sim.stats().byEndpoint).toEqual({ 'GET /crm/v8/org': 2, 'POST /oauth/v2/token': 1 });
  });

  it('shares one refresh between concurrent callers', async () => {
    const { client, store } = await connectZohoClient(sim, { scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ'] });
    await store.save({ ...store.current(), accessTokenExpiresAt: Date.now() - 1 });
    sim.resetStats();
    await Promise.all([client.metadata.org(), client.metadata.org(), client.metadata.org()]);
    expect(sim.stats().byEndpoint['POST /oauth/v2/token']).toBe(1);
  });

  it('raises ZohoReauthRequiredError and marks the store when the refresh token was revoked', async () => {
    const { client, store } = await connectZohoClient(sim, { scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.org.READ'] });
    await client.oauth.revoke({ dc: 'us', refreshToken: store.current().refreshToken });
    const err = await client.metadata.org().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoReauthRequiredError);
    expect((err as ZohoReauthRequiredError).retryable).toBe(false);
    expect(store.reauthRequired).toBe(true);
    expect(JSON.stringify((err as ZohoReauthRequiredError).toJSON())).not.toContain(store.current().refreshToken);
  });
});

describe('authorization-code flow (Providers mode)', () => {
  it('follows consent, reads location and accounts-server, and exchanges the code with the redirect URI', async () => {
    const oauth = createZohoOAuth({ credentials: sim.demoWebClient, endpoints: sim.endpoints });
    const redirectUri = 'http://127.0.0.1:3000/oauth/zoho/callback';
    const url = oauth.authorizationUrl({ dc: 'us', scopes: ['ZohoCRM.modules.ALL', 'AaaServer.profile.READ'], redirectUri, state: 'st-1' });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('location')).toBe('us');
    expect(location.searchParams.get('accounts-server')).toBe(sim.endpoints.us.accountsServer);
    const parsed = oauth.parseAuthorizationRedirect(Object.fromEntries(location.searchParams));
    expect(parsed).toMatchObject({ dc: 'us', state: 'st-1' });
    const tokens = await oauth.exchangeGrantCode({ dc: parsed.dc, code: parsed.code, redirectUri });
    const me = await oauth.userInfo({ dc: tokens.dc, accessToken: tokens.accessToken! });
    expect(me.Email).toContain('@');
  });


  it('carries a PKCE S256 challenge on the consent URL and the verifier on the exchange (RFC 7636 appendix B)', async () => {
    const oauth = createZohoOAuth({ credentials: sim.demoWebClient, endpoints: sim.endpoints });
    const redirectUri = 'http://127.0.0.1:3000/oauth/zoho/callback';
    const url = new URL(
      oauth.authorizationUrl({ dc: 'us', scopes: ['ZohoCRM.modules.ALL'], redirectUri, state: 'st-2', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', codeChallengeMethod: 'S256' }),
    );
    expect(url.searchParams.get('code_challenge')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const code = async () => new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
    await expect(oauth.exchangeGrantCode({ dc: 'us', code: await code(), redirectUri, codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXX' })).rejects.toMatchObject({
      code: 'invalid_code',
    });
    const tokens = await oauth.exchangeGrantCode({ dc: 'us', code: await code(), redirectUri, codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' });
    expect(tokens.refreshToken).toBeTruthy();
    // Without a challenge there is no code_challenge on the URL.
    expect(new URL(oauth.authorizationUrl({ dc: 'us', scopes: ['ZohoCRM.modules.ALL'], redirectUri, state: 's' })).searchParams.has('code_challenge')).toBe(false);
  });
  it('refuses a redirect naming an accounts server that is not a configured Zoho DC', () => {
    const oauth = createZohoOAuth({ credentials: sim.demoWebClient, endpoints: sim.endpoints });
    expect(() => oauth.parseAuthorizationRedirect({ code: 'x', location: 'us', 'accounts-server': 'https://accounts.evil.example' })).toThrow(
      ZohoUntrustedHostError,
    );
  });
});

describe('api_domain allow-list', () => {
  let evil: Server;
  let evilUrl: string;
  beforeAll(async () => {
    // A real HTTP accounts server that answers with an attacker-chosen api_domain.
    evil = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ access_token: '1000.a.b', refresh_token: '1000.c.d', api_domain: 'https://www.zohoapis.evil.example', token_type: 'Bearer', expires_in: 3600 }));
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const addr = evil.address();
    evilUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => evil.close(resolve));
  });

  it('rejects a token response whose api_domain is not a configured Zoho API domain', async () => {
    const endpoints = { ...sim.endpoints, us: { ...sim.endpoints.us, accountsServer: evilUrl } };
    const oauth = createZohoOAuth({ credentials: sim.demoClient, endpoints });
    await expect(oauth.exchangeGrantCode({ dc: 'us', code: 'anything' })).rejects.toBeInstanceOf(ZohoUntrustedHostError);
  });

  it('never calls a stored api_domain outside the allow-list', async () => {
    const { tokens } = await connectZohoClient(sim);
    const client = createZohoClient({
      credentials: sim.demoClient,
      tokenStore: memoryTokenStore({ ...tokens, apiDomain: evilUrl }),
      endpoints: sim.endpoints,
    });
    await expect(client.metadata.org()).rejects.toBeInstanceOf(ZohoUntrustedHostError);
  });

  it('knows the real Zoho API domains', () => {
    expect(isZohoApiDomain('https://www.zohoapis.eu')).toBe(true);
    expect(isZohoApiDomain('https://www.zohoapis.com.au/')).toBe(true);
    expect(isZohoApiDomain('https://www.zohoapis.com.evil.example')).toBe(false);
    expect(isZohoApiDomain('https://user@www.zohoapis.com')).toBe(false);
    expect(Object.keys(defaultZohoEndpoints)).toHaveLength(9);
    expect(defaultZohoEndpoints.ca.accountsServer).toBe('https://accounts.zohocloud.ca');
  });
});
