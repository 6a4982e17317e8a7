// The Zoho OAuth 2.0 exchanges the API makes (F1, F2): turning a grant code into tokens (the admin's pasted
// App OAuth 2.0 code, and a Providers user's consent redirect), checking that the returned API domain
// belongs to the chosen data center, revoking a grant that was replaced, and the public URLs Zoho
// redirects browsers to.
import type { FastifyBaseLogger } from 'fastify';
import {
  createZohoOAuth,
  dcForApiDomain,
  isZohoError,
  ZOHO_DC_LABELS,
  ZohoOAuthError,
  ZohoUntrustedHostError,
  zohoDcSchema,
  type ZohoDc,
  type ZohoTokens,
} from '../../clients/zoho';
import type { Config } from '../../lib/config';
import { openFrom } from '../../lib/tenant-clients';
import type { ZohoConnection } from '../../prisma/generated/client';
import type { AppDeps } from '../deps';
import { ApiError } from './api-errors';

/** Path of the consent redirect (api/routes/callbacks.ts), under the API prefix. */
export const OAUTH_REDIRECT_PATH = '/api/v1/callbacks/zoho/oauth';
/** Public route the panel's sign-in URL points at: binds the sign-in to the browser, then redirects to Zoho. */
export const OAUTH_BEGIN_PATH = `${OAUTH_REDIRECT_PATH}/begin`;

/** The public base URL Zoho redirects browsers to and posts notifications to. */
export function publicBaseUrl(config: Pick<Config, 'PUBLIC_URL' | 'HOST' | 'PORT'>): string {
  return (config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/+$/, '');
}

export function oauthRedirectUri(config: Pick<Config, 'PUBLIC_URL' | 'HOST' | 'PORT'>): string {
  return `${publicBaseUrl(config)}${OAUTH_REDIRECT_PATH}`;
}

/** What the connect flow says when Zoho refuses; never the vendor's own text, never the code or secret. */
function connectError(err: unknown, dc: ZohoDc): ApiError | undefined {
  const where = `the ${ZOHO_DC_LABELS[dc]} (${dc.toUpperCase()}) data center`;
  if (err instanceof ZohoUntrustedHostError) {
    return new ApiError(422, 'Zoho answered with an API domain that is not a Zoho CRM API domain; the connection was refused.', 'VALIDATION_FAILED');
  }
  if (err instanceof ZohoOAuthError) {
    switch (err.code) {
      case 'invalid_code':
      case 'invalid_grant':
        return new ApiError(
          422,
          `Zoho refused the code: it is invalid, expired (codes last a few minutes), already used, or was generated in another data center than ${where}. Generate a new code in the Zoho API Console and paste it right away.`,
          'VALIDATION_FAILED',
        );
      case 'invalid_client':
      case 'invalid_client_secret':
      case 'unauthorized_client':
        return new ApiError(
          422,
          `Zoho does not recognise this Client ID and Client Secret in ${where}. Check both values, and that the client was created in this data center.`,
          'VALIDATION_FAILED',
        );
      case 'invalid_redirect_uri':
        return new ApiError(422, 'Zoho refused the redirect URI: register this API\'s redirect URL on the Zoho client.', 'VALIDATION_FAILED');
      case 'NO_REFRESH_TOKEN':
        return new ApiError(422, 'Zoho issued no refresh token for this code. Generate the code with offline access (Self Client "Generate Code").', 'VALIDATION_FAILED');
      case 'access_denied':
        return new ApiError(422, 'The Zoho CRM consent was declined.', 'VALIDATION_FAILED');
      default:
        return new ApiError(422, `Zoho refused the grant (${err.code.replace(/[^\w.-]/g, '').slice(0, 60)}).`, 'VALIDATION_FAILED');
    }
  }
  if (isZohoError(err)) return new ApiError(503, 'Zoho Accounts did not answer as expected; try again shortly.', 'VENDOR_UNAVAILABLE');
  return undefined;
}

/** Exchanges a grant code and checks the API domain belongs to the chosen data center. */
export async function exchangeCode(
  deps: Pick<AppDeps, 'zohoEndpoints'>,
  input: { clientId: string; clientSecret: string; code: string; dc: ZohoDc; redirectUri?: string; codeVerifier?: string },
): Promise<ZohoTokens> {
  const oauth = createZohoOAuth({ credentials: { clientId: input.clientId, clientSecret: input.clientSecret }, endpoints: deps.zohoEndpoints, timeoutMs: 4000 });
  let tokens: ZohoTokens;
  try {
    tokens = await oauth.exchangeGrantCode({
      dc: input.dc,
      code: input.code,
      ...(input.redirectUri ? { redirectUri: input.redirectUri } : {}),
      ...(input.codeVerifier ? { codeVerifier: input.codeVerifier } : {}),
    });
  } catch (err) {
    throw connectError(err, input.dc) ?? err;
  }
  const apiDc = dcForApiDomain(tokens.apiDomain, deps.zohoEndpoints);
  if (apiDc !== input.dc) {
    throw new ApiError(
      422,
      `This Zoho CRM account lives in another data center${apiDc ? ` (${ZOHO_DC_LABELS[apiDc]})` : ''} than the selected one (${ZOHO_DC_LABELS[input.dc]}). Select the account's data center and connect again.`,
      'VALIDATION_FAILED',
    );
  }
  return tokens;
}

/**
 * Revokes a grant we no longer keep (replaced by a reconnect, or dropped by a mode switch) so it does not
 * linger as a live credential at Zoho. Best effort and in the background: the stored state is already
 * right, and a Zoho hiccup must not fail the admin's action.
 */
export function revokeReplacedGrant(deps: Pick<AppDeps, 'cipher' | 'zohoEndpoints'>, previous: ZohoConnection | null, log: FastifyBaseLogger): void {
  if (!previous?.refreshTokenCiphertext || !previous.clientId) return;
  let refreshToken: string | undefined;
  let clientSecret: string | undefined;
  try {
    refreshToken = openFrom(deps.cipher, previous.tenantId, 'zoho.refreshToken', previous.refreshTokenCiphertext);
    clientSecret = openFrom(deps.cipher, previous.tenantId, 'zoho.clientSecret', previous.clientSecretCiphertext);
  } catch {
    return; // Sealed with a retired key: nothing we can revoke.
  }
  const dc = zohoDcSchema.safeParse(previous.dataCenter);
  if (!refreshToken || !dc.success) return;
  const oauth = createZohoOAuth({ credentials: { clientId: previous.clientId, clientSecret: clientSecret ?? '' }, endpoints: deps.zohoEndpoints, timeoutMs: 4000 });
  oauth.revoke({ dc: dc.data, refreshToken }).catch((err: unknown) => {
    log.warn({ tenantId: previous.tenantId, code: isZohoError(err) ? err.code : 'unknown' }, 'could not revoke the replaced Zoho grant');
  });
}
