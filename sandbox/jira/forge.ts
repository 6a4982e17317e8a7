// The part Forge plays in production: sign Forge Invocation Tokens (FIT) with a sandbox key whose JWKS the
// simulator serves, and deliver product events to a remote endpoint the way Forge Remote does: POST, JSON
// body `{ payload, context }`, `Authorization: Bearer <FIT>`, `x-forge-oauth-system: <app system token>`,
// 5 s timeout, failed deliveries retried up to 4 attempts 60 s apart with `payload.retryContext`.
// https://developer.atlassian.com/platform/forge/remote/essentials/
// https://developer.atlassian.com/platform/forge/remote/sending-product-events/
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { ForgeEvent } from './events';

export const FIT_ISSUER = 'forge/invocation-token';
/** Same default as `FORGE_APP_ID` in lib/config.ts, so a default API trusts a default simulator. */
export const DEFAULT_APP_ID = 'ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000000';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

// One sandbox key per process: every simulator started here serves it, and tests can sign FITs with it
// without holding a simulator handle.
let trusted: Promise<SigningKey> | undefined;
let untrusted: Promise<SigningKey> | undefined;

async function makeKey(prefix: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `${prefix}-${randomBytes(8).toString('hex')}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

function sandboxKey(): Promise<SigningKey> {
  trusted ??= makeKey('forge-sandbox');
  return trusted;
}

/** The JWKS document the simulator serves at `/.well-known/jwks.json`. */
export async function sandboxJwks(): Promise<{ keys: JWK[] }> {
  return { keys: [(await sandboxKey()).publicJwk] };
}

export interface FitApp {
  id: string;
  version: string;
  appVersion: string;
  installationId: string;
  apiBaseUrl: string;
  environment: { type: 'DEVELOPMENT' | 'STAGING' | 'PRODUCTION'; id: string };
  module: { type: string; key: string };
  installation: { id: string; contexts: { name: string; apiBaseUrl: string; cloudId?: string }[] };
  license?: Record<string, unknown>;
}

/** Claims of a Forge Invocation Token (the registered JWT claims are filled in by the signer). */
export interface FitClaims {
  app: FitApp;
  context?: Record<string, unknown>;
  principal?: string;
  iss?: string;
  aud?: string | string[];
  iat?: number;
  nbf?: number;
  exp?: number;
  jti?: string;
  [claim: string]: unknown;
}

export interface SignFitOptions {
  /** Lifetime when `exp` is not given; Forge's tokens live about 25 s. Default 60 s. */
  expiresInSeconds?: number;
  /** Sign with a key the simulator does not publish, to test forged tokens. */
  untrustedKey?: boolean;
}

export interface InstallationInfo {
  appId: string;
  cloudId: string;
  installationId: string;
  /** `${simulator}/ex/jira/${cloudId}`: where Forge Remote calls Jira with the system token. */
  apiBaseUrl: string;
  siteUrl: string;
  environmentId: string;
  moduleKey: string;
}

/** Default FIT claims for an installation, as Forge sends them to a remote endpoint for a backend event. */
export function fitClaimsFor(inst: InstallationInfo, overrides: Partial<FitClaims> = {}): FitClaims {
  return {
    app: {
      id: inst.appId,
      version: '1',
      appVersion: '1.0.0',
      installationId: inst.installationId,
      apiBaseUrl: inst.apiBaseUrl,
      environment: { type: 'DEVELOPMENT', id: inst.environmentId },
      module: { type: 'core:endpoint', key: inst.moduleKey },
      installation: { id: inst.installationId, contexts: [{ name: 'jira', apiBaseUrl: inst.apiBaseUrl, cloudId: inst.cloudId }] },
    },
    context: { cloudId: inst.cloudId, siteUrl: inst.siteUrl, moduleKey: inst.moduleKey },
    aud: inst.appId,
    ...overrides,
  };
}

/** Module types of the app's UI modules, by the module key's shape in forge-app/manifest.yml. */
function uiModuleType(moduleKey: string): string {
  if (/admin/i.test(moduleKey)) return 'jira:adminPage';
  if (/panel/i.test(moduleKey)) return 'jira:issuePanel';
  return 'core:function';
}

/** FIT claims of a call from one of the app's screens, made by a Jira user (Forge adds `principal`). */
export function uiFitClaimsFor(inst: InstallationInfo, accountId: string, moduleKey: string): FitClaims {
  const base = fitClaimsFor(inst);
  return {
    ...base,
    app: { ...base.app, module: { type: uiModuleType(moduleKey), key: moduleKey } },
    context: { cloudId: inst.cloudId, siteUrl: inst.siteUrl, moduleKey, localId: `${moduleKey}-sandbox` },
    principal: accountId,
  };
}

/**
 * Signs a Forge Invocation Token (RS256) with the sandbox key. `iss` defaults to `forge/invocation-token`,
 * `aud` to the app id in `claims.app.id`, `iat`/`nbf` to now and `exp` to now + `expiresInSeconds`; pass any
 * of them to forge an expired, not-yet-valid or wrong-audience token.
 */
export async function signForgeInvocationToken(claims: FitClaims, opts: SignFitOptions = {}): Promise<string> {
  const key = opts.untrustedKey ? await (untrusted ??= makeKey('forge-untrusted')) : await sandboxKey();
  const now = Math.floor(Date.now() / 1000);
  const payload: FitClaims = {
    ...claims,
    iss: claims.iss ?? FIT_ISSUER,
    aud: claims.aud ?? claims.app.id,
    iat: claims.iat ?? now,
    nbf: claims.nbf ?? now,
    exp: claims.exp ?? now + (opts.expiresInSeconds ?? 60),
    jti: claims.jti ?? randomBytes(20).toString('hex'),
  };
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}

// ---------------------------------------------------------------------------------------------------
// Delivery

export type RetryReason = 'INVALID_REMOTE_INVOCATION_ERROR' | 'TIMEOUT_ERROR' | 'INVALID_FORGE_INVOCATION_TOKEN';

export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
  retryReason?: RetryReason;
}

export interface DeliveryRecord {
  id: string;
  eventType: string;
  /** Issue key or attachment id the event is about, for humans reading the control surface. */
  subject: string;
  state: 'pending' | 'delivered' | 'failed' | 'skipped';
  attempts: DeliveryAttempt[];
  payload: ForgeEvent;
}

export interface DeliveryOptions {
  eventUrl?: string | undefined;
  retryDelayMs: number;
  maxAttempts: number;
  timeoutMs: number;
  installation: () => InstallationInfo;
  systemToken: () => string;
  onDelivered?: (record: DeliveryRecord) => void;
}

/** Forge's event queue toward one remote endpoint. */
export class ForgeDelivery {
  readonly records: DeliveryRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly opts: DeliveryOptions) {}

  get eventUrl(): string | undefined {
    return this.opts.eventUrl;
  }
  set eventUrl(url: string | undefined) {
    this.opts.eventUrl = url;
  }

  /** Queues an event; with no endpoint configured it is recorded as skipped. */
  publish(event: ForgeEvent, subject: string): DeliveryRecord {
    const record: DeliveryRecord = {
      id: randomUUID(),
      eventType: event.eventType,
      subject,
      state: this.opts.eventUrl ? 'pending' : 'skipped',
      attempts: [],
      payload: event,
    };
    this.records.push(record);
    if (this.records.length > 1000) this.records.splice(0, this.records.length - 1000);
    if (record.state === 'pending') this.schedule(record, 0);
    return record;
  }

  /** Resolves once nothing is in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.timers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.settle();
  }

  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.records.length = 0;
    this.settle();
  }

  private settle(): void {
    if (this.inFlight === 0 && this.timers.size === 0) {
      const w = this.waiters;
      this.waiters = [];
      for (const resolve of w) resolve();
    }
  }

  private schedule(record: DeliveryRecord, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(record);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(record: DeliveryRecord): Promise<void> {
    const url = this.opts.eventUrl;
    if (this.closed || !url) {
      record.state = 'skipped';
      this.settle();
      return;
    }
    this.inFlight++;
    const previous = record.attempts[record.attempts.length - 1];
    const retryCount = record.attempts.length;
    const payload = {
      ...record.payload,
      ...(retryCount > 0 ? { retryContext: { retryCount, retryReason: previous?.retryReason ?? 'INVALID_REMOTE_INVOCATION_ERROR', retryData: null } } : {}),
    };
    const inst = this.opts.installation();
    const attempt: DeliveryAttempt = { at: new Date().toISOString() };
    record.attempts.push(attempt);
    try {
      const fit = await signForgeInvocationToken(fitClaimsFor(inst));
      const res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${fit}`,
          'x-forge-oauth-system': this.opts.systemToken(),
          'x-b3-traceid': randomBytes(16).toString('hex'),
          'x-b3-spanid': randomBytes(8).toString('hex'),
          'user-agent': 'ForgeRemoteSandbox/1.0',
        },
        body: JSON.stringify({
          payload,
          context: { cloudId: inst.cloudId, moduleKey: inst.moduleKey, siteUrl: inst.siteUrl, installContext: `ari:cloud:jira::site/${inst.cloudId}` },
        }),
      });
      attempt.status = res.status;
      await res.body?.cancel();
      // Forge counts only 2xx as delivered; redirects are errors and 401 means the FIT was refused.
      if (res.status >= 200 && res.status < 300) {
        record.state = 'delivered';
      } else {
        attempt.retryReason = res.status === 401 ? 'INVALID_FORGE_INVOCATION_TOKEN' : 'INVALID_REMOTE_INVOCATION_ERROR';
      }
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      attempt.error = e instanceof Error ? e.message : String(e);
      attempt.retryReason = timedOut ? 'TIMEOUT_ERROR' : 'INVALID_REMOTE_INVOCATION_ERROR';
    } finally {
      this.inFlight--;
    }
    if (record.state === 'delivered') {
      this.opts.onDelivered?.(record);
    } else if (record.attempts.length < this.opts.maxAttempts && !this.closed) {
      this.schedule(record, this.opts.retryDelayMs);
    } else {
      record.state = 'failed';
    }
    this.settle();
  }
}
