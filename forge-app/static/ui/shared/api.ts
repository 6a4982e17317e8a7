// The screens' only way to the backend: `invoke` from @forge/bridge on a contract key. In Jira that reaches
// the resolver function; on the local host the same import is aliased to a stand-in that reaches the same
// resolver code over HTTP. The envelope is unwrapped here so screens deal in data or a ResolverError.
import { invoke, router } from '@forge/bridge';
import type { DataOf, PayloadOf, ResolverError, ResolverKey, ResolverResult } from '../../../src/types';

export class CallError extends Error {
  override name = 'CallError';
  constructor(readonly detail: ResolverError) {
    super(detail.message);
  }
}

const UNREACHABLE: ResolverError = {
  code: 'RESOLVER_UNAVAILABLE',
  message: 'The app could not reach its own functions. Reload the page; if it keeps happening, ask your Jira admin to check the app installation.',
};

export async function call<K extends ResolverKey>(key: K, payload: PayloadOf<K>): Promise<DataOf<K>> {
  let result: ResolverResult<K> | undefined;
  try {
    // No metadata option is passed, so the bridge answers with the resolver's value itself.
    result = (await invoke<ResolverResult<K>>(key, payload as Record<string, unknown>)) as ResolverResult<K> | undefined;
  } catch {
    throw new CallError(UNREACHABLE);
  }
  if (!result || typeof result !== 'object' || !('ok' in result)) throw new CallError(UNREACHABLE);
  if (!result.ok) throw new CallError(result.error);
  return result.data;
}

export function errorOf(error: unknown): ResolverError {
  if (error instanceof CallError) return error.detail;
  return { code: 'UNKNOWN', message: 'Something went wrong in the page. Reload it and try again.' };
}

/** Opens an external page (Zoho, Temporal UI, the API Console) in a new tab; Jira asks the user first. */
export function openExternal(url: string): void {
  void router.open(url).catch(() => window.open(url, '_blank', 'noopener'));
}
