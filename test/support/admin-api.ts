// The API as the admin page calls it, for the test and bench stacks: one call shape over either
// `app.inject()` (an in-process app) or HTTP (a listening API), with the headers a Forge admin call carries.
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { app as appPlugin } from '../../api/app';
import { createAppDeps, type AppRuntime } from '../../api/deps';
import { parseConfig } from '../../lib/config';

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

/** A call under `/api/v1` as the sandbox site's Jira admin makes it from the admin page. */
export type AdminApi = <T = unknown>(method: string, route: string, body?: unknown) => Promise<ApiAnswer<T>>;

type Headers = () => Promise<Record<string, string>>;

export function injectAdminApi(app: FastifyInstance, headers: Headers): AdminApi {
  return async <T>(method: string, route: string, body?: unknown) => {
    const res = await app.inject({
      method: method as 'GET',
      url: `/api/v1${route}`,
      headers: await headers(),
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    return { status: res.statusCode, body: (res.body ? JSON.parse(res.body) : undefined) as T };
  };
}

export function httpAdminApi(baseUrl: string, headers: Headers): AdminApi {
  return async <T>(method: string, route: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/api/v1${route}`, {
      method,
      headers: { ...(await headers()), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
}

/**
 * A second API app over the same database and Temporal, configured with `settings` merged over `env` (the
 * environment the stack's own API was configured from): as a differently configured API replica would be.
 * Its intake dispatcher is left out (the stack's own API delivers the outbox). Called through inject.
 */
export async function startApiReplica(
  runtime: Omit<AppRuntime, 'config'>,
  env: Record<string, string>,
  settings: Record<string, string>,
  headers: Headers,
): Promise<{ api: AdminApi; close(): Promise<void> }> {
  const { intake: _ownDispatcher, ...deps } = createAppDeps({ ...runtime, config: parseConfig({ ...env, ...settings }) });
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  await app.register(appPlugin, deps);
  await app.ready();
  return { api: injectAdminApi(app, headers), close: () => app.close() };
}
