// The resolver functions: one per resolver key (./routes.ts), all built the same way (validate the payload, call the
// API, validate the answer, wrap it in the envelope). No business logic lives here; the API owns it.
import ResolverExport from '@forge/resolver';

// Forge's bundler hands the default export over as the class; Node's ESM loader (the local host, tsx) hands
// a CommonJS module over as `{ default: module.exports }`, where the class sits one level deeper.
const Resolver: typeof ResolverExport = (ResolverExport as unknown as { default?: typeof ResolverExport }).default ?? ResolverExport;
import { BackendError, callBackend, MESSAGES } from './backend';
import { MissingIssueContextError, RESOLVER_KEYS, routes, type CallContext, type ResolverKey, type Route } from './routes';
import type { DataOf, ResolverResult } from './types';

/** The parts of Forge's resolver request this layer reads. */
export interface ResolverRequest {
  payload: unknown;
  context: { extension?: unknown };
}

function callContext(context: ResolverRequest['context']): CallContext {
  const ext = context.extension as { issue?: { key?: unknown } } | undefined;
  const key = ext?.issue?.key;
  return { issueKey: typeof key === 'string' && key.length > 0 && key.length <= 100 ? key : undefined };
}

/** Runs one resolver key end to end; exported so tests and the local host can call it directly. */
export async function runResolver<K extends ResolverKey>(key: K, request: ResolverRequest): Promise<ResolverResult<K>> {
  const route = routes[key] as Route;
  const input = route.payload.safeParse(request.payload ?? {});
  if (!input.success) {
    return {
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: input.error.issues[0]?.message ?? 'Some of the values entered are not valid.',
        problems: input.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
    };
  }
  const payload = input.data;
  try {
    const body = await callBackend(route.call(payload, callContext(request.context)));
    // The answer is checked against the route's contract schema, so a drifted API is one clear error.
    const answer = route.api.response.safeParse(body);
    if (!answer.success) return { ok: false, error: { code: 'UNEXPECTED_RESPONSE', message: MESSAGES.unexpected } };
    return { ok: true, data: route.data(answer.data, payload) as DataOf<K> };
  } catch (error) {
    if (error instanceof BackendError) return { ok: false, error: error.detail };
    if (error instanceof MissingIssueContextError) return { ok: false, error: { code: 'NO_ISSUE', message: error.message } };
    return { ok: false, error: { code: 'SERVER_ERROR', message: MESSAGES.serverError } };
  }
}

/**
 * The keys the issue panel's function defines: the panel's own and the user's own Zoho sign-in. Nothing that
 * administers the connector is reachable from an issue (the API checks the caller's role as well: F38).
 */
export const PANEL_KEYS = ['panel/get', 'panel/search', 'panel/link', 'panel/unlink', 'panel/make-primary', 'panel/refresh', 'panel/refresh-related', 'panel/timeline', 'panel/retry', 'panel/create-record-form', 'panel/create-record', 'panel/resolve-conflict', 'panel/conflicts', 'connection/start-sign-in'] as const satisfies readonly ResolverKey[];

/** The keys the admin page's function defines: everything but the panel's issue actions. */
export const ADMIN_KEYS: readonly ResolverKey[] = RESOLVER_KEYS.filter((k) => !k.startsWith('panel/'));

/** The given contract keys defined on one Forge Resolver (one per Forge function in manifest.yml). */
export function buildResolver(keys: readonly ResolverKey[]): InstanceType<typeof ResolverExport> {
  const resolver = new Resolver();
  for (const key of keys) {
    resolver.define(key, (req: ResolverRequest) => runResolver(key, req));
  }
  return resolver;
}
