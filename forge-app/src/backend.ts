// The one way the Forge functions reach the connector API: Forge Remote through `invokeRemote` (the
// platform adds the Forge Invocation Token and the app system token; manifest.yml declares the remote).
// Everything that can go wrong on the way comes back as a ResolverError a person can act on; the backend's
// own 4xx messages are written for people and pass through, anything else is replaced by our own words.
import { invokeRemote } from '@forge/api';
import { z } from 'zod';
import { errorBodySchema } from '../../contracts/errors';
import type { ResolverError } from './resolver-error';

/** Key of the remote in manifest.yml. */
export const CONNECTOR_REMOTE = 'connector-api';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface BackendCall {
  method: HttpMethod;
  path: string;
  body?: unknown;
}

export class BackendError extends Error {
  override name = 'BackendError';
  constructor(
    readonly status: number | undefined,
    readonly detail: ResolverError,
  ) {
    super(detail.message);
  }
}

/**
 * The API's error body (contracts/errors.ts); only message, code and problems are read, each optional, and a
 * code this version does not know is passed on as is.
 */
const apiErrorBody = errorBodySchema.pick({ message: true, problems: true }).partial().extend({ code: z.string().optional() });

const MAX_MESSAGE = 600;

export const MESSAGES = {
  unreachable:
    'The Zoho CRM connector service could not be reached. Try again in a minute; if it keeps failing, ask your Jira admin to check that the connector backend is running.',
  unauthorized:
    "The connector service did not accept this Jira site's app credentials. Ask your Jira admin to check that the backend is configured for this app (its FORGE_APP_ID).",
  notFound: 'That item no longer exists, perhaps someone else removed it. Reload the page to see the current state.',
  rateLimited: 'Too many requests at once. Wait a few seconds and try again.',
  serverError: 'The connector service had a problem and could not finish. Try again; if it keeps failing, ask your Jira admin to check the backend logs.',
  unexpected:
    'The connector service answered in a form this version of the app does not understand. Ask your Jira admin to deploy matching versions of the app and the backend.',
} as const;

/** Maps a non-2xx answer to what the screen shows. */
export function errorFor(status: number, body: unknown): ResolverError {
  const parsed = apiErrorBody.safeParse(body);
  const own = parsed.success ? parsed.data : {};
  if (status === 401) return { code: 'FORGE_AUTH', message: MESSAGES.unauthorized };
  if (status === 429) return { code: own.code ?? 'RATE_LIMITED', message: MESSAGES.rateLimited };
  if (status >= 500) {
    // 503 answers are the API's own "try again" explanations (e.g. Temporal unavailable); 500s say nothing useful.
    if (status === 503 && own.message) return { code: own.code ?? 'UNAVAILABLE', message: own.message.slice(0, MAX_MESSAGE) };
    return { code: 'SERVER_ERROR', message: MESSAGES.serverError };
  }
  const message = own.message?.slice(0, MAX_MESSAGE) ?? (status === 404 ? MESSAGES.notFound : MESSAGES.unexpected);
  return {
    code: own.code ?? (status === 404 ? 'NOT_FOUND' : status === 409 ? 'CONFLICT' : 'INVALID'),
    message,
    ...(own.problems ? { problems: own.problems.slice(0, 50) } : {}),
  };
}

/** Calls the API; resolves with the parsed JSON body of a 2xx answer (undefined for 204). */
export async function callBackend(call: BackendCall): Promise<unknown> {
  let response: Awaited<ReturnType<typeof invokeRemote>>;
  try {
    response = await invokeRemote(CONNECTOR_REMOTE, {
      path: call.path,
      method: call.method,
      headers: { accept: 'application/json', ...(call.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    });
  } catch {
    // The platform's own error text names internals (proxy codes, remote keys); the person needs the next step.
    throw new BackendError(undefined, { code: 'BACKEND_UNREACHABLE', message: MESSAGES.unreachable });
  }
  const text = await response.text();
  let body: unknown = undefined;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (response.status >= 200 && response.status < 300) return body;
  throw new BackendError(response.status, errorFor(response.status, body));
}
