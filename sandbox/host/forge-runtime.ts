// The part of the Forge runtime the resolver functions need, played locally: `@forge/api` hands every
// `invokeRemote` to a global `__forge_fetch__` that Forge installs in its Lambda; here it signs a Forge
// Invocation Token with the sandbox key for the invoking user and calls the real API over HTTP, adding the
// app system token exactly as Forge Remote does. The resolver code and @forge/api run unmodified.
import { AsyncLocalStorage } from 'node:async_hooks';

/** The remote key manifest.yml declares for the connector API. */
export const REMOTE_KEY = 'connector-api';

export interface Invocation {
  apiUrl: string;
  accountId: string | undefined;
  /** Signs a FIT for this installation; `principal` is the Jira user (UI modules only). */
  signFit: (claims: { principal?: string }) => Promise<string>;
  systemToken: () => string | undefined;
}

const current = new AsyncLocalStorage<Invocation>();

interface ForgeFetchTarget {
  type: string;
  remote?: string;
}

type ForgeFetch = (target: ForgeFetchTarget, path: string, init?: RequestInit) => Promise<Response>;

function proxyError(code: string, status = 502): Response {
  return new Response(JSON.stringify({ message: code }), { status, headers: { 'forge-proxy-error': code, 'content-type': 'application/json' } });
}

const forgeFetch: ForgeFetch = async (target, path, init = {}) => {
  const inv = current.getStore();
  if (!inv) return proxyError('NO_INVOCATION_CONTEXT');
  if (target.type !== 'frc' || target.remote !== REMOTE_KEY) return proxyError('INVALID_REMOTE', 400);
  const fit = await inv.signFit(inv.accountId ? { principal: inv.accountId } : {});
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${fit}`);
  const token = inv.systemToken();
  if (token) headers.set('x-forge-oauth-system', token);
  return fetch(new URL(path, inv.apiUrl), { ...init, headers, redirect: 'manual' });
};

let installed = false;

/** Installs the stand-in once per process; several hosts share it, each invocation carries its own target. */
export function installForgeRuntime(): void {
  if (installed) return;
  (globalThis as unknown as { __forge_fetch__: ForgeFetch }).__forge_fetch__ = forgeFetch;
  installed = true;
}

export function runInInvocation<T>(inv: Invocation, fn: () => Promise<T>): Promise<T> {
  return current.run(inv, fn);
}
