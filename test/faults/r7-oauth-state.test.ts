// R7: the Providers-mode sign-in state (F1). A sign-in is started by a Jira user (FIT), begun once in one
// browser (our begin route sets an HttpOnly cookie and redirects to Zoho with a PKCE S256 challenge), and
// finished once by Zoho's redirect in that same browser. Replays, other browsers, expired states and a
// verifier that does not answer the challenge are refused, and no token is stored for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZohoOAuth, ZohoOAuthError } from '../../clients/zoho';
import { sealTo, signInVerifierColumn } from '../../lib/tenant-clients';
import { createTestApp, type TestApp } from '../../api/test/helper';
import { report } from './support';

let t: TestApp;
const site = 'r7-oauth-state';
const starter = { site, accountId: 'jira-user-starter', role: 'user' as const };
const USED = /already used or was opened by someone else\. Start the sign-in again from the Zoho CRM panel of a Jira issue\./;

beforeAll(async () => {
  t = await createTestApp();
  const admin = { site };
  const mode = await t.app.inject({ method: 'POST', url: '/api/v1/connection/mode', headers: await t.headers(admin), payload: { mode: 'PROVIDERS' } });
  expect(mode.statusCode).toBe(200);
  const web = t.zoho!.demoWebClient;
  const reg = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/connection/providers/client',
    headers: await t.headers(admin),
    payload: { clientId: web.clientId, clientSecret: web.clientSecret },
  });
  expect(reg.statusCode).toBe(200);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

interface Cookie {
  name: string;
  value: string;
}

/** POST sign-in as the starter: the begin URL (path + query) the panel opens. */
async function startSignIn(who: { site: string; accountId: string; role?: 'user' | 'admin' } = starter): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/connection/providers/sign-in', headers: await t.headers(who) });
  expect(res.statusCode).toBe(200);
  const u = new URL(res.json<{ authorizationUrl: string }>().authorizationUrl);
  expect(u.pathname).toBe('/api/v1/callbacks/zoho/oauth/begin');
  return `${u.pathname}${u.search}`;
}

/** The browser opens the begin URL: its cookie and Zoho's consent URL. */
async function begin(beginPath: string): Promise<{ cookie: Cookie; consent: URL }> {
  const res = await t.app.inject({ method: 'GET', url: beginPath });
  expect(res.statusCode).toBe(302);
  const c = res.cookies.find((x) => x.name.startsWith('zoho_signin_'));
  expect(c).toBeDefined();
  expect(c!.value).not.toContain(c!.name.slice('zoho_signin_'.length)); // sealed, not the bare nonce
  return { cookie: { name: c!.name, value: c!.value }, consent: new URL(res.headers.location!) };
}

/** The browser at Zoho (the simulator approves at once): the redirect back to our callback. */
async function atZoho(consent: URL): Promise<string> {
  const res = await fetch(consent, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(back.pathname).toBe('/api/v1/callbacks/zoho/oauth');
  return `${back.pathname}${back.search}`;
}

async function callback(path: string, cookie?: Cookie) {
  return t.app.inject({ method: 'GET', url: path, ...(cookie ? { cookies: { [cookie.name]: cookie.value } } : {}) });
}

async function tokensOf(accountId: string) {
  const tenant = await t.tenant(site);
  return t.db.prisma.zohoUserToken.findMany({ where: { tenantId: tenant.id, jiraAccountId: accountId } });
}

async function signOut(who = starter) {
  await t.app.inject({ method: 'DELETE', url: '/api/v1/connection/providers/sign-in', headers: await t.headers(who) });
}

describe('R7 Providers sign-in state', () => {
  it('happy path: the token is stored for the Jira user who started the sign-in, with PKCE on both legs', async () => {
    await signOut();
    const { cookie, consent } = await begin(await startSignIn());
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
    expect(consent.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    const back = await atZoho(consent);
    const done = await callback(back, cookie);
    expect(done.statusCode).toBe(200);
    expect(done.body).toMatch(/Signed in to Zoho CRM/);
    const rows = await tokensOf(starter.accountId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.state).toBe('CONNECTED');
    // The sign-in row is spent, and the cookie is cleared.
    const tenant = await t.tenant(site);
    const signIns = await t.db.prisma.zohoSignIn.findMany({ where: { tenantId: tenant.id, jiraAccountId: starter.accountId, consumedAt: { not: null } } });
    expect(signIns.length).toBeGreaterThanOrEqual(1);
    expect(done.cookies.find((c) => c.name === cookie.name)?.value ?? '').toBe('');
    report('R7 sign-in happy path', { stored: rows.length, pkce: 'S256' });
  });

  it('a replayed state is refused with a page that says to start again, and no second token is stored', async () => {
    await signOut();
    const { cookie, consent } = await begin(await startSignIn());
    const back = await atZoho(consent);
    expect((await callback(back, cookie)).statusCode).toBe(200);
    const first = await tokensOf(starter.accountId);
    expect(first).toHaveLength(1);

    // The same redirect again (back button, a copied URL), even from the same browser.
    const replay = await callback(back, cookie);
    expect(replay.statusCode).toBe(409);
    expect(replay.headers['content-type']).toMatch(/text\/html/);
    expect(replay.body).toMatch(USED);
    // A fresh code at Zoho with the same state (a second pass through consent) is refused the same way.
    const again = await callback(await atZoho(consent), cookie);
    expect(again.statusCode).toBe(409);
    const after = await tokensOf(starter.accountId);
    expect(after).toHaveLength(1);
    expect(Buffer.from(after[0]!.refreshTokenCiphertext!).equals(Buffer.from(first[0]!.refreshTokenCiphertext!))).toBe(true);
    report('R7 replayed state', { replayStatus: replay.statusCode, tokensAfter: after.length });
  });

  it('a sign-in begun in one browser cannot be begun again or finished in another', async () => {
    await signOut();
    const beginPath = await startSignIn();
    const { cookie, consent } = await begin(beginPath);

    // A second begin of the same link (forwarded to someone else) is refused and sets no cookie.
    const second = await t.app.inject({ method: 'GET', url: beginPath });
    expect(second.statusCode).toBe(409);
    expect(second.body).toMatch(USED);
    expect(second.cookies).toHaveLength(0);

    const back = await atZoho(consent);
    // Finished without the cookie.
    const none = await callback(back);
    expect(none.statusCode).toBe(409);
    expect(none.body).toMatch(USED);
    // Finished with another browser's cookie: its own sign-in's cookie, and one renamed to this sign-in.
    const other = await begin(await startSignIn({ site, accountId: 'jira-user-other', role: 'user' }));
    expect((await callback(back, other.cookie)).statusCode).toBe(409);
    const renamed = await callback(back, { name: cookie.name, value: other.cookie.value });
    expect(renamed.statusCode).toBe(409);
    expect(renamed.body).toMatch(USED);
    expect(await tokensOf(starter.accountId)).toHaveLength(0);
    expect(await tokensOf('jira-user-other')).toHaveLength(0);

    // The refusals did not spend the sign-in: the browser that began it still finishes it.
    const done = await callback(back, cookie);
    expect(done.statusCode).toBe(200);
    expect(await tokensOf(starter.accountId)).toHaveLength(1);
    report('R7 other browser', { secondBegin: second.statusCode, withoutCookie: none.statusCode, otherCookie: renamed.statusCode });
  });

  it('an expired state is refused, at begin and at the callback', async () => {
    await signOut();
    const realNow = t.deps.now;
    const restore = () => {
      if (realNow) t.deps.now = realNow;
      else delete t.deps.now;
    };
    try {
      // Past the state's 10 minutes at begin.
      const late = await startSignIn();
      t.deps.now = () => Date.now() + 11 * 60 * 1000;
      const atBegin = await t.app.inject({ method: 'GET', url: late });
      expect(atBegin.statusCode).toBe(400);
      expect(atBegin.body).toMatch(/expired\. Start the sign-in again from the Zoho CRM panel of a Jira issue/);
      restore();

      // Begun in time, finished too late.
      const { cookie, consent } = await begin(await startSignIn());
      const back = await atZoho(consent);
      t.deps.now = () => Date.now() + 11 * 60 * 1000;
      const tooLate = await callback(back, cookie);
      expect(tooLate.statusCode).toBe(400);
      expect(tooLate.body).toMatch(/expired/);
      restore();

      // The row's own expiry counts too (the state still in its window).
      const tenant = await t.tenant(site);
      const b2 = await begin(await startSignIn());
      const back2 = await atZoho(b2.consent);
      await t.db.prisma.zohoSignIn.updateMany({
        where: { tenantId: tenant.id, jiraAccountId: starter.accountId, consumedAt: null },
        data: { expiresAt: new Date(Date.now() - 1000) },
      });
      expect((await callback(back2, b2.cookie)).statusCode).toBe(400);
    } finally {
      restore();
    }
    expect(await tokensOf(starter.accountId)).toHaveLength(0);
    report('R7 expired state', { refused: true });
  });

  it('a code whose PKCE verifier does not match is refused by Zoho (simulator), and no token is stored', async () => {
    await signOut();
    // At the callback: the stored verifier replaced by another one (as if the code were redeemed elsewhere).
    const { cookie, consent } = await begin(await startSignIn());
    const back = await atZoho(consent);
    const tenant = await t.tenant(site);
    const row = await t.db.prisma.zohoSignIn.findFirstOrThrow({ where: { tenantId: tenant.id, jiraAccountId: starter.accountId, consumedAt: null, codeVerifierCiphertext: { not: null } } });
    const wrong = sealTo(t.deps.cipher, tenant.id, signInVerifierColumn(row.id), 'W'.repeat(43));
    await t.db.prisma.zohoSignIn.update({ where: { id: row.id }, data: { codeVerifierCiphertext: wrong.ciphertext, codeVerifierKeyId: wrong.keyId } });
    const refused = await callback(back, cookie);
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toMatch(/Zoho refused the code/);
    expect(await tokensOf(starter.accountId)).toHaveLength(0);

    // Directly at the simulator: a code made for a challenge is refused without a verifier and with a wrong one.
    const web = t.zoho!.demoWebClient;
    const oauth = createZohoOAuth({ credentials: web, endpoints: t.zohoEndpoints });
    const redirectUri = 'http://127.0.0.1:3000/api/v1/callbacks/zoho/oauth';
    const code = async () => {
      const url = oauth.authorizationUrl({ dc: 'us', scopes: ['ZohoCRM.modules.ALL'], redirectUri, state: 's', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' });
      const res = await fetch(url, { redirect: 'manual' });
      return new URL(res.headers.get('location')!).searchParams.get('code')!;
    };
    await expect(oauth.exchangeGrantCode({ dc: 'us', code: await code(), redirectUri })).rejects.toMatchObject({ code: 'invalid_code' });
    await expect(oauth.exchangeGrantCode({ dc: 'us', code: await code(), redirectUri, codeVerifier: 'x'.repeat(43) })).rejects.toBeInstanceOf(ZohoOAuthError);
    // RFC 7636 appendix B: this verifier answers that challenge.
    const ok = await oauth.exchangeGrantCode({ dc: 'us', code: await code(), redirectUri, codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' });
    expect(ok.refreshToken).toBeTruthy();
    report('R7 PKCE mismatch', { callbackStatus: refused.statusCode });
  });

  it('behind an https PUBLIC_URL the cookie is Secure and its Path is the callback under that URL', async () => {
    const h = await createTestApp({ env: { PUBLIC_URL: 'https://connector.example.com/base' } });
    try {
      const admin = { site: 'r7-https' };
      await h.app.inject({ method: 'POST', url: '/api/v1/connection/mode', headers: await h.headers(admin), payload: { mode: 'PROVIDERS' } });
      const web = h.zoho!.demoWebClient;
      await h.app.inject({ method: 'PUT', url: '/api/v1/connection/providers/client', headers: await h.headers(admin), payload: { clientId: web.clientId, clientSecret: web.clientSecret } });
      const start = await h.app.inject({ method: 'POST', url: '/api/v1/connection/providers/sign-in', headers: await h.headers({ site: 'r7-https', accountId: 'u-https', role: 'user' }) });
      const u = new URL(start.json<{ authorizationUrl: string }>().authorizationUrl);
      expect(`${u.origin}${u.pathname}`).toBe('https://connector.example.com/base/api/v1/callbacks/zoho/oauth/begin');
      const begun = await h.app.inject({ method: 'GET', url: `${u.pathname.replace(/^\/base/, '')}${u.search}` });
      expect(begun.statusCode).toBe(302);
      const c = begun.cookies.find((x) => x.name.startsWith('zoho_signin_'))!;
      expect(c).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/base/api/v1/callbacks/zoho/oauth' });
      expect(new URL(begun.headers.location!).searchParams.get('redirect_uri')).toBe('https://connector.example.com/base/api/v1/callbacks/zoho/oauth');
    } finally {
      await h.close();
    }
  }, 60_000);
});
