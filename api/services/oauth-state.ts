// The `state` parameter of the Providers-mode consent redirect. The redirect arrives without a FIT (it is
// the user's browser coming back from Zoho), so the state itself must say, unforgeably, which tenant and
// which Jira user started the sign-in. It is sealed with the secrets cipher (AES-256-GCM: confidential and
// authenticated), bound to its purpose, and expires after a few minutes.
//
// The state alone is not enough: it names a ZohoSignIn row (its nonce is the row's id) that makes it
// single use and bound to one browser:
//   1. POST /connection/providers/sign-in (FIT of the user) inserts the row and answers the URL of our
//      public begin route, not Zoho's.
//   2. GET /callbacks/zoho/oauth/begin?state=… marks the row begun once (it stores the PKCE verifier, sealed),
//      sets an HttpOnly cookie holding a sealed copy of the nonce, and redirects to Zoho's consent with the
//      verifier's S256 challenge. A second begin of the same state is refused.
//   3. GET /callbacks/zoho/oauth (Zoho's redirect) requires that cookie, consumes the row atomically, and
//      exchanges the code with the verifier; the grant goes to the row's Jira account.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { zohoDcSchema, type ZohoDc } from '../../clients/zoho';
import type { SecretCipher } from '../../lib/secrets/cipher';

const PURPOSE = 'zoho.oauthState';
const BROWSER_PURPOSE = 'zoho.oauthBrowser';
/** How long a started sign-in may take, begin to callback (kept at most 10 minutes). */
export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

const stateSchema = z.object({
  t: z.string().min(1),
  a: z.string().min(1),
  dc: zohoDcSchema,
  exp: z.number().int(),
  n: z.string().regex(/^[0-9a-f]{32}$/),
});

export interface OAuthState {
  tenantId: string;
  accountId: string;
  dc: ZohoDc;
  /** The ZohoSignIn row's id. */
  nonce: string;
}

/** A fresh nonce for a sign-in (the ZohoSignIn id): 128 random bits. */
export function newSignInNonce(): string {
  return randomBytes(16).toString('hex');
}

export function sealOAuthState(cipher: SecretCipher, s: OAuthState, now = Date.now()): string {
  return cipher.seal(JSON.stringify({ t: s.tenantId, a: s.accountId, dc: s.dc, exp: now + OAUTH_STATE_TTL_MS, n: s.nonce }), PURPOSE);
}

/** The state's content, or undefined when it was not made by us, was altered, or has expired. */
export function openOAuthState(cipher: SecretCipher, sealed: string, now = Date.now()): OAuthState | undefined {
  let json: unknown;
  try {
    json = JSON.parse(cipher.open(sealed, PURPOSE));
  } catch {
    return undefined;
  }
  const s = stateSchema.safeParse(json);
  if (!s.success || s.data.exp < now) return undefined;
  return { tenantId: s.data.t, accountId: s.data.a, dc: s.data.dc, nonce: s.data.n };
}

/** The browser-binding cookie's name: one per sign-in, so two sign-ins in one browser do not collide. */
export function browserCookieName(nonce: string): string {
  return `zoho_signin_${nonce}`;
}

/** The cookie's value: the nonce sealed for this purpose (unforgeable; not the bare nonce). */
export function sealBrowserBinding(cipher: SecretCipher, nonce: string): string {
  return cipher.seal(nonce, BROWSER_PURPOSE);
}

/** Whether the cookie value was made by the begin route for this very sign-in. */
export function browserBindingMatches(cipher: SecretCipher, cookie: string | undefined, nonce: string): boolean {
  if (!cookie) return false;
  try {
    return cipher.open(cookie, BROWSER_PURPOSE) === nonce;
  } catch {
    return false;
  }
}

/** PKCE (RFC 7636): a 256-bit verifier and its S256 challenge. */
export function newPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier) };
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export { signInVerifierColumn } from '../../lib/tenant-clients';
