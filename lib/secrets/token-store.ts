// The one way a Zoho grant is kept at rest: a ZohoTokenStore over a row whose token columns are sealed to
// the tenant (the shared App OAuth 2.0 connection, or one user's grant in Providers mode). Reading re-seals
// values sealed under an older key; writing seals both tokens and records what Zoho granted.
import type { ZohoTokens, ZohoTokenStore } from '../../clients/zoho';
import type { SecretCipher } from './cipher';
import { openFrom, sealTo } from './columns';

/** The token columns both tables share. */
export interface SealedTokenRow {
  refreshTokenCiphertext: Uint8Array | null;
  accessTokenCiphertext: Uint8Array | null;
  accessTokenExpiresAt: Date | null;
  grantedScopes: string[];
}

type Sealed = ReturnType<typeof sealTo>['ciphertext'];

/** What `save` writes to the row. */
export interface SealedTokenUpdate {
  refreshTokenCiphertext: Sealed;
  refreshTokenKeyId: string;
  accessTokenCiphertext: Sealed | null;
  accessTokenKeyId: string | null;
  accessTokenExpiresAt: Date | null;
  grantedScopes?: string[];
}

/** The secret contexts of a row's two token columns (lib/secrets/columns.ts). */
export interface TokenColumns {
  refresh: string;
  access: string;
}

/** A grant's two tokens sealed to the tenant, and the access token's expiry, as the row stores them. */
export function sealTokenColumns(
  cipher: SecretCipher,
  tenantId: string,
  columns: TokenColumns,
  tokens: Pick<ZohoTokens, 'refreshToken' | 'accessToken' | 'accessTokenExpiresAt'>,
): Omit<SealedTokenUpdate, 'grantedScopes'> {
  const access = tokens.accessToken ? sealTo(cipher, tenantId, columns.access, tokens.accessToken) : undefined;
  const refresh = sealTo(cipher, tenantId, columns.refresh, tokens.refreshToken);
  return {
    refreshTokenCiphertext: refresh.ciphertext,
    refreshTokenKeyId: refresh.keyId,
    accessTokenCiphertext: access?.ciphertext ?? null,
    accessTokenKeyId: access?.keyId ?? null,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt ? new Date(tokens.accessTokenExpiresAt) : null,
  };
}

/** A row's token columns with no grant in them. */
export const clearedTokenColumns = {
  refreshTokenCiphertext: null,
  refreshTokenKeyId: null,
  accessTokenCiphertext: null,
  accessTokenKeyId: null,
  accessTokenExpiresAt: null,
} as const;

export interface SealedTokenStoreOptions<R extends SealedTokenRow> {
  cipher: SecretCipher;
  tenantId: string;
  columns: TokenColumns;
  /** Reads the row, re-sealing stale values on the way (resealStale), or null when there is none. */
  read(): Promise<R | null>;
  /** Where the grant's API calls go; undefined when the row cannot be used (then `notConnected` is thrown). */
  locate(row: R): { dc: ZohoTokens['dc']; apiDomain: string } | undefined;
  notConnected(): Error;
  write(update: SealedTokenUpdate, tokens: ZohoTokens): Promise<void>;
  markReauthRequired: NonNullable<ZohoTokenStore['markReauthRequired']>;
}

export function sealedTokenStore<R extends SealedTokenRow>(o: SealedTokenStoreOptions<R>): ZohoTokenStore {
  return {
    async load(): Promise<ZohoTokens> {
      const row = await o.read();
      const refreshToken = row && openFrom(o.cipher, o.tenantId, o.columns.refresh, row.refreshTokenCiphertext);
      const place = row && refreshToken ? o.locate(row) : undefined;
      if (!row || !refreshToken || !place) throw o.notConnected();
      const accessToken = openFrom(o.cipher, o.tenantId, o.columns.access, row.accessTokenCiphertext);
      return {
        dc: place.dc,
        refreshToken,
        apiDomain: place.apiDomain,
        ...(accessToken ? { accessToken } : {}),
        ...(row.accessTokenExpiresAt ? { accessTokenExpiresAt: row.accessTokenExpiresAt.getTime() } : {}),
        ...(row.grantedScopes.length ? { scopes: row.grantedScopes } : {}),
      };
    },
    async save(tokens: ZohoTokens): Promise<void> {
      await o.write({ ...sealTokenColumns(o.cipher, o.tenantId, o.columns, tokens), ...(tokens.scopes ? { grantedScopes: tokens.scopes } : {}) }, tokens);
    },
    markReauthRequired: o.markReauthRequired,
  };
}
