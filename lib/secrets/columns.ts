// Every secret at rest is sealed with a context naming its tenant and column (and, for per-user or
// per-object values, the user or object), so a value copied to another row or tenant does not open. The
// names here are the one definition used by the writers, the readers and the re-seal walk (reseal.ts).
import type { SecretCipher } from './cipher';

/** Seal/open helpers that bind each secret to its tenant and column, so a row copied elsewhere won't open. */
export function secretContext(tenantId: string, column: string): string {
  return `${tenantId}:${column}`;
}

/** The sealed token columns of the tenant's App OAuth 2.0 connection (ZohoConnection). */
export const appTokenColumns = { refresh: 'zoho.refreshToken', access: 'zoho.accessToken' } as const;

/**
 * Secret columns of a user's grant (ZohoUserToken). The context binds each sealed value to tenant, column
 * and Jira account, so a row copied to another user or tenant does not open.
 */
export const userTokenColumn = {
  refresh: (accountId: string) => `zohoUser.${accountId}.refreshToken`,
  access: (accountId: string) => `zohoUser.${accountId}.accessToken`,
};

/** The sealed column of a Providers sign-in's PKCE verifier (ZohoSignIn, bound to tenant and sign-in). */
export function signInVerifierColumn(nonce: string): string {
  return `zohoSignIn.${nonce}.codeVerifier`;
}

export function sealTo(cipher: SecretCipher, tenantId: string, column: string, value: string) {
  return { ciphertext: Buffer.from(cipher.seal(value, secretContext(tenantId, column)), 'utf8'), keyId: cipher.keyId };
}

export function openFrom(cipher: SecretCipher, tenantId: string, column: string, value: Uint8Array | null): string | undefined {
  if (!value) return undefined;
  return cipher.open(Buffer.from(value).toString('utf8'), secretContext(tenantId, column));
}
