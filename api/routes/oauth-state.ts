// The `state` parameter of the Providers-mode consent redirect. The redirect arrives without a FIT (it is
// the user's browser coming back from Zoho), so the state itself must say, unforgeably, which tenant and
// which Jira user started the sign-in. It is sealed with the secrets cipher (AES-256-GCM: confidential and
// authenticated), bound to its purpose, and expires after a few minutes.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { zohoDcSchema, type ZohoDc } from '../../clients/zoho';
import type { SecretCipher } from '../../lib/secrets/cipher';

const PURPOSE = 'zoho.oauthState';
export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

const stateSchema = z.object({
  t: z.string().min(1),
  a: z.string().min(1),
  dc: zohoDcSchema,
  exp: z.number().int(),
  n: z.string(),
});

export interface OAuthState {
  tenantId: string;
  accountId: string;
  dc: ZohoDc;
}

export function sealOAuthState(cipher: SecretCipher, s: OAuthState, now = Date.now()): string {
  return cipher.seal(JSON.stringify({ t: s.tenantId, a: s.accountId, dc: s.dc, exp: now + OAUTH_STATE_TTL_MS, n: randomBytes(8).toString('hex') }), PURPOSE);
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
  return { tenantId: s.data.t, accountId: s.data.a, dc: s.data.dc };
}
