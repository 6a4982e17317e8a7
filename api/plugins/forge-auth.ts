// Forge Invocation Token (FIT) verification for every route registered in the scope this plugin is
// registered in (api/app.ts puts all FIT-protected routes in one scope; /healthz, /docs and the vendor
// callbacks live outside it). A request passes only with a FIT signed by a key from the Forge JWKS, issued
// by `forge/invocation-token`, for our app id, inside its validity window. The tenant comes from the
// token's installation claims and nowhere else, so a caller can never act on another Jira site by naming it.
//
// Forge reserves 401 for "Remote could not verify the Forge Invocation Token" (jira-forge.md §3): every
// failure here answers 401 with a JSON body and nothing else happens (no tenant row, no token stored).
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { PrismaClient, Tenant } from '../../prisma/generated/client';
import { openFrom, sealTo } from '../../lib/tenant-clients';
import type { Config } from '../../lib/config';
import type { SecretCipher } from '../../lib/secrets/cipher';
import { RecentTenants } from './recent-tenants';
import { isUniqueViolation } from '../../lib/db/errors';

export const FIT_ISSUER = 'forge/invocation-token';
/** Forge's tokens live ~25 s; a few seconds of skew between Atlassian's clocks and ours is normal. */
const CLOCK_TOLERANCE_SECONDS = 10;
/**
 * When the system token is not a JWT we cannot read its expiry. Forge guarantees at least 2 h on tokens
 * that come with a trigger and none on others (jira-forge.md §3), so assume the short end.
 */
const OPAQUE_SYSTEM_TOKEN_TTL_MS = 60 * 60 * 1000;
const SYSTEM_TOKEN_HEADER = 'x-forge-oauth-system';

/** The FIT claims we rely on; everything else Forge sends is accepted and ignored. */
export const fitClaimsSchema = z.looseObject({
  app: z.looseObject({
    id: z.string().min(1),
    installationId: z.string().min(1).max(300),
    apiBaseUrl: z.url().max(500),
    /** The Forge environment the app runs in; older tokens (and some tests) lack it: production, id ''. */
    environment: z.looseObject({ type: z.string().max(40).optional(), id: z.string().max(300).optional() }).optional(),
    installation: z
      .looseObject({
        id: z.string().optional(),
        contexts: z.array(z.looseObject({ name: z.string().optional(), apiBaseUrl: z.string().optional(), cloudId: z.string().optional() })).optional(),
      })
      .optional(),
  }),
  context: z.looseObject({ cloudId: z.string().optional(), siteUrl: z.string().optional() }).optional(),
  principal: z.string().min(1).max(200).optional(),
});
export type FitClaims = z.infer<typeof fitClaimsSchema>;

/** What a verified request knows about its caller. */
export interface ForgeRequestContext {
  /** The Jira installation the FIT was issued for (created on first contact). */
  tenant: Tenant;
  /** The Jira user behind the call (UI modules only; absent for triggers and scheduled triggers). */
  accountId?: string;
  claims: FitClaims;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by api/plugins/forge-auth.ts on every FIT-protected route; never null there. */
    forge: ForgeRequestContext;
  }
  interface FastifyInstance {
    /** Tenants verified moments ago (api/plugins/recent-tenants.ts); the uninstall route forgets its installation. */
    forgeTenantCache: RecentTenants;
  }
  interface FastifyContextConfig {
    /** Let a FIT of an uninstalled installation through (the uninstall route, so Forge's retries are answered). */
    acceptUninstalled?: boolean;
  }
}

export const unauthorizedBody = z.object({
  statusCode: z.literal(401),
  error: z.literal('Unauthorized'),
  message: z.string(),
});

export class FitRejectedError extends Error {
  override name = 'FitRejectedError';
}

export interface FitVerifier {
  verify(token: string): Promise<FitClaims>;
}

/** Verifies FITs against a JWKS; jose caches the key set and refetches it when it meets an unknown `kid`. */
export function createFitVerifier(
  opts: { appId: string; jwksUrl: string; /** Minimum time between JWKS fetches (default 30 s). */ cooldownMs?: number } | { appId: string; keys: JWTVerifyGetKey },
): FitVerifier {
  // The key set is cached; a token with an unknown `kid` triggers a refetch (Forge rotating its keys),
  // at most once per cooldown so a flood of forged kids cannot hammer the JWKS host.
  const keys = 'keys' in opts ? opts.keys : createRemoteJWKSet(new URL(opts.jwksUrl), { timeoutDuration: 3000, cooldownDuration: opts.cooldownMs ?? 30_000 });
  return {
    async verify(token) {
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: FIT_ISSUER,
          audience: opts.appId,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['exp', 'iat'],
          algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256'],
        }));
      } catch (err) {
        throw new FitRejectedError(describeJoseError(err));
      }
      const parsed = fitClaimsSchema.safeParse(payload);
      if (!parsed.success) throw new FitRejectedError('The Forge Invocation Token lacks the app installation claims.');
      if (parsed.data.app.id !== opts.appId) throw new FitRejectedError('The Forge Invocation Token was issued for another app.');
      return parsed.data;
    },
  };
}

function describeJoseError(err: unknown): string {
  // Messages name the failed check only; the token itself is never echoed.
  if (err instanceof joseErrors.JWTExpired) return 'The Forge Invocation Token has expired.';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `The Forge Invocation Token failed the "${err.claim}" check.`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey) {
    return 'The Forge Invocation Token signature does not match a Forge key.';
  }
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JOSEError && err.code === 'ERR_JWKS_INVALID') {
    return 'The Forge signing keys could not be loaded.';
  }
  return 'The Forge Invocation Token is not a valid signed token.';
}

/** The Jira cloud id of the installation: from the context, the installation contexts, or apiBaseUrl. */
export function cloudIdOf(claims: FitClaims): string | undefined {
  const fromContext = claims.context?.cloudId;
  if (fromContext) return fromContext;
  const contexts = claims.app.installation?.contexts ?? [];
  const jira = contexts.find((c) => c.name === 'jira' && c.cloudId) ?? contexts.find((c) => c.cloudId);
  if (jira?.cloudId) return jira.cloudId;
  return /\/ex\/jira\/([^/?#]+)/.exec(claims.app.apiBaseUrl)?.[1];
}

/** The Forge environment of the installation (type upper-cased; PRODUCTION and id '' when the FIT names none). */
export function environmentOf(claims: FitClaims): { type: string; id: string } {
  const env = claims.app.environment;
  return { type: (env?.type || 'PRODUCTION').toUpperCase(), id: env?.id ?? '' };
}

/** A FIT of an installation whose app was uninstalled: its tenant is closed for good (a reinstall is a new tenant). */
export class TenantUninstalledError extends FitRejectedError {
  override name = 'TenantUninstalledError';
  constructor() {
    super('The app was uninstalled from this Jira site; this installation is no longer accepted. Install the app again to start afresh.');
  }
}


/**
 * Finds or creates the tenant for an installation: a Jira site in one Forge environment (development,
 * staging and production installs of one site are separate tenants). Found by installationId, or else
 * by (cloudId, environmentId) among ACTIVE tenants: a reinstall that Forge never announced with an
 * uninstall event brings a new installationId and adopts the active row (its SCIs and links). An
 * UNINSTALLED row is never reused: its own installationId is refused (TenantUninstalledError) and a
 * reinstall after the uninstall starts a new tenant that sees none of the old data or secrets. Writes only
 * when something changed, so the common request costs one indexed read.
 */
/** What FIT verification needs from the app's dependencies (api/deps.ts's AppDeps has it all). */
export interface ForgeAuthDeps {
  config: Pick<Config, 'FORGE_APP_ID' | 'FORGE_JWKS_URL' | 'FORGE_ALLOWED_ENVIRONMENTS'>;
  prisma: PrismaClient;
  cipher: SecretCipher;
  fitVerifier?: FitVerifier | undefined;
}

export async function upsertTenant(deps: Pick<ForgeAuthDeps, 'prisma'>, claims: FitClaims, cloudId: string): Promise<Tenant> {
  const { prisma } = deps;
  const installationId = claims.app.installationId;
  const apiBaseUrl = claims.app.apiBaseUrl;
  const siteUrl = claims.context?.siteUrl;
  const environment = environmentOf(claims);
  for (let attempt = 0; ; attempt++) {
    const own = await prisma.tenant.findUnique({ where: { installationId } });
    if (own?.status === 'UNINSTALLED') throw new TenantUninstalledError();
    const existing =
      own ??
      (await prisma.tenant.findFirst({
        where: { cloudId, environmentId: environment.id, status: 'ACTIVE' },
        orderBy: { createdAt: 'asc' },
      }));
    try {
      if (!existing) {
        return await prisma.tenant.create({
          data: { installationId, cloudId, apiBaseUrl, environmentId: environment.id, environmentType: environment.type, ...(siteUrl ? { siteUrl } : {}) },
        });
      }
      const changed =
        existing.installationId !== installationId ||
        existing.cloudId !== cloudId ||
        existing.apiBaseUrl !== apiBaseUrl ||
        existing.environmentType !== environment.type ||
        (siteUrl !== undefined && existing.siteUrl !== siteUrl);
      if (!changed) return existing;
      return await prisma.tenant.update({
        where: { id: existing.id },
        data: { installationId, cloudId, apiBaseUrl, environmentType: environment.type, ...(siteUrl ? { siteUrl } : {}) },
      });
    } catch (err) {
      // Two first requests of one installation raced; the loser reads the winner's row.
      if (isUniqueViolation(err) && attempt < 3) continue;
      throw err;
    }
  }
}

/** Expiry of a system token: its JWT `exp` when it has one, else a conservative guess. */
export function systemTokenExpiry(token: string, now = Date.now()): Date {
  try {
    const { exp } = decodeJwt(token);
    if (typeof exp === 'number' && Number.isFinite(exp)) return new Date(exp * 1000);
  } catch {
    // Opaque token: fall through.
  }
  return new Date(now + OPAQUE_SYSTEM_TOKEN_TTL_MS);
}

/**
 * Stores the app system token Forge sent along (sealed, bound to the tenant) when it differs from the
 * stored one and does not expire earlier. The worker reads it for every Jira call (lib/tenant-clients.ts).
 */
export async function rememberSystemToken(deps: Pick<ForgeAuthDeps, 'prisma' | 'cipher'>, tenant: Tenant, token: string): Promise<Tenant> {
  const { prisma, cipher } = deps;
  let stored: string | undefined;
  try {
    stored = openFrom(cipher, tenant.id, 'forge.systemToken', tenant.forgeSystemTokenCiphertext);
  } catch {
    stored = undefined; // Unreadable (key rotated away): replace it.
  }
  if (stored === token) return tenant;
  const expiresAt = systemTokenExpiry(token);
  if (expiresAt.getTime() <= Date.now()) return tenant;
  if (stored && tenant.forgeSystemTokenExpiresAt && tenant.forgeSystemTokenExpiresAt.getTime() > expiresAt.getTime()) return tenant;
  const sealed = sealTo(cipher, tenant.id, 'forge.systemToken', token);
  return prisma.tenant.update({
    where: { id: tenant.id },
    data: { forgeSystemTokenCiphertext: sealed.ciphertext, forgeSystemTokenKeyId: sealed.keyId, forgeSystemTokenExpiresAt: expiresAt },
  });
}

/** Bearer token of the request, or undefined when there is none. */
function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer\s+([A-Za-z0-9_\-.=]+)\s*$/i.exec(header);
  return m?.[1];
}

function reject(reply: FastifyReply, message: string) {
  return reply.status(401).type('application/json').send({ statusCode: 401, error: 'Unauthorized', message });
}

export interface ForgeAuthOptions {
  deps: ForgeAuthDeps;
}

/**
 * Registered with fastify-plugin so its hooks apply to the scope that registers it (and its children):
 * onRequest verifies the FIT; onRoute documents the bearer requirement and the 401 answer on every route.
 */
export const forgeAuth = fp<ForgeAuthOptions>(
  async (fastify: FastifyInstance, { deps }) => {
    const verifier = deps.fitVerifier ?? createFitVerifier({ appId: deps.config.FORGE_APP_ID, jwksUrl: deps.config.FORGE_JWKS_URL });
    const recent = new RecentTenants();
    const allowedEnvironments = new Set<string>(deps.config.FORGE_ALLOWED_ENVIRONMENTS);

    fastify.decorateRequest('forge', null as unknown as ForgeRequestContext);
    // The uninstall route drops the installation's entry, so its next call is refused at once.
    fastify.decorate('forgeTenantCache', recent);

    fastify.addHook('onRoute', (route) => {
      const schema = (route.schema ??= {});
      schema.security ??= [{ forgeInvocationToken: [] }];
      const response = (schema.response ??= {}) as Record<string, unknown>;
      response[401] ??= unauthorizedBody;
    });

    fastify.addHook('onRequest', async (request, reply) => {
      const token = bearerOf(request);
      if (!token) return reject(reply, 'Missing Forge Invocation Token (Authorization: Bearer <FIT>).');
      let claims: FitClaims;
      try {
        claims = await verifier.verify(token);
      } catch (err) {
        if (err instanceof FitRejectedError) {
          request.log.info({ reason: err.message }, 'FIT rejected');
          return reject(reply, err.message);
        }
        throw err;
      }
      const cloudId = cloudIdOf(claims);
      if (!cloudId) return reject(reply, 'The Forge Invocation Token names no Jira site (cloudId).');
      const environment = environmentOf(claims);
      if (!allowedEnvironments.has(environment.type)) {
        request.log.info({ environment: environment.type }, 'FIT of a Forge environment this deployment does not accept');
        return reject(reply, `This deployment does not accept calls from the Forge ${environment.type} environment (FORGE_ALLOWED_ENVIRONMENTS).`);
      }

      const header = request.headers[SYSTEM_TOKEN_HEADER];
      const systemToken = typeof header === 'string' && header.length > 0 && header.length <= 8192 ? header : undefined;
      const claimsKey = JSON.stringify([cloudId, claims.app.apiBaseUrl, claims.context?.siteUrl ?? null, environment.type, environment.id]);
      let tenant = recent.get(claims.app.installationId, claimsKey, systemToken);
      if (!tenant) {
        try {
          tenant = await upsertTenant(deps, claims, cloudId);
        } catch (err) {
          // A retried uninstall event of this very installation is still answered (route option `acceptUninstalled`).
          if (!(err instanceof TenantUninstalledError)) throw err;
          const uninstalled = request.routeOptions.config.acceptUninstalled ? await deps.prisma.tenant.findUnique({ where: { installationId: claims.app.installationId } }) : null;
          if (!uninstalled) {
            request.log.info({ installationId: claims.app.installationId }, 'FIT of an uninstalled installation');
            return reject(reply, err.message);
          }
          request.forge = { tenant: uninstalled, claims, ...(claims.principal ? { accountId: claims.principal } : {}) };
          return;
        }
        if (systemToken) tenant = await rememberSystemToken(deps, tenant, systemToken);
        recent.remember(claims.app.installationId, claimsKey, tenant, systemToken);
      }
      request.forge = { tenant, claims, ...(claims.principal ? { accountId: claims.principal } : {}) };
    });
  },
  { name: 'forge-auth', fastify: '5.x' },
);
