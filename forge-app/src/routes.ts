// Which API route serves each resolver key, and how its answer becomes the contract's data. The API's
// zod route schemas (api/routes/*.ts) are the source of truth for paths and bodies; `adapt` is the only
// place that knows where the API's shapes differ from what the screens need.
import type { BackendCall } from './backend';
import type { PayloadOf, ResolverKey } from './contract';

/** What a resolver knows besides the payload: only what Forge itself vouches for or the module supplies. */
export interface CallContext {
  /** Issue panel: the issue the panel is open on (the API re-reads its project and type from Jira). */
  issueKey: string | undefined;
}

export interface Route<K extends ResolverKey> {
  call: (payload: PayloadOf<K>, ctx: CallContext) => BackendCall;
  /** Turns the API's 2xx body into the contract's data shape (identity when they agree). */
  adapt?: (body: unknown, payload: PayloadOf<K>) => unknown;
}

export class MissingIssueContextError extends Error {
  override name = 'MissingIssueContextError';
}

const seg = (value: string) => encodeURIComponent(value);
const V1 = '/api/v1';

function issuePath(ctx: CallContext): string {
  if (!ctx.issueKey) throw new MissingIssueContextError('This action only works from the Zoho CRM panel of a Jira issue.');
  return `${V1}/panel/issues/${seg(ctx.issueKey)}`;
}

/** Lists come back as `{ items: [...] }` or as a bare array depending on the route; the screens want arrays. */
function items(key: string) {
  return (body: unknown): unknown => {
    if (Array.isArray(body)) return body;
    if (body && typeof body === 'object' && key in body) return (body as Record<string, unknown>)[key];
    return body;
  };
}

const accepted = (body: unknown): unknown => body ?? { accepted: true, message: 'Accepted.' };

export const routes: { [K in ResolverKey]: Route<K> } = {
  'connection/get': { call: () => ({ method: 'GET', path: `${V1}/connection` }) },
  'connection/set-data-center': { call: (p) => ({ method: 'PUT', path: `${V1}/connection/data-center`, body: p }) },
  'connection/connect-app-oauth': { call: (p) => ({ method: 'POST', path: `${V1}/connection/app-oauth`, body: p }) },
  'connection/set-providers-client': { call: (p) => ({ method: 'PUT', path: `${V1}/connection/providers/client`, body: p }) },
  'connection/switch-mode': { call: (p) => ({ method: 'POST', path: `${V1}/connection/mode`, body: p }) },
  'connection/start-sign-in': { call: () => ({ method: 'POST', path: `${V1}/connection/providers/sign-in` }) },

  'metadata/zoho-modules': { call: () => ({ method: 'GET', path: `${V1}/metadata/zoho/modules` }), adapt: items('modules') },
  'metadata/zoho-fields': {
    call: (p) => ({ method: 'GET', path: `${V1}/metadata/zoho/modules/${seg(p.module)}/fields` }),
    adapt: items('fields'),
  },
  'metadata/jira-projects': { call: () => ({ method: 'GET', path: `${V1}/metadata/jira/projects` }), adapt: items('projects') },
  'metadata/jira-issue-types': {
    call: (p) => ({ method: 'GET', path: `${V1}/metadata/jira/projects/${seg(p.projectId)}/issue-types` }),
    adapt: items('issueTypes'),
  },
  'metadata/jira-fields': { call: () => ({ method: 'GET', path: `${V1}/metadata/jira/fields` }), adapt: items('fields') },
  'metadata/jira-statuses': {
    call: (p) => ({
      method: 'GET',
      path: `${V1}/metadata/jira/projects/${seg(p.projectId)}/statuses${p.issueTypeId ? `?issueTypeId=${seg(p.issueTypeId)}` : ''}`,
    }),
    adapt: items('statuses'),
  },

  'sci/list': { call: () => ({ method: 'GET', path: `${V1}/scis` }), adapt: items('items') },
  'sci/create': { call: (p) => ({ method: 'POST', path: `${V1}/scis`, body: p.definition }) },
  'sci/update': { call: (p) => ({ method: 'PUT', path: `${V1}/scis/${seg(p.id)}`, body: p.definition }) },
  'sci/delete': { call: (p) => ({ method: 'DELETE', path: `${V1}/scis/${seg(p.id)}` }), adapt: () => ({ deleted: true }) },
  'sci/pause': { call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/pause` }) },
  'sci/resume': { call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/resume` }) },
  'sci/sync-now': { call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/sync` }), adapt: accepted },
  'sci/runs': {
    call: (p) => ({ method: 'GET', path: `${V1}/scis/${seg(p.id)}/runs${p.cursor ? `?cursor=${seg(p.cursor)}` : ''}` }),
  },
  'sci/links': { call: (p) => ({ method: 'GET', path: `${V1}/scis/${seg(p.id)}/links?limit=200` }), adapt: items('links') },
  'sci/resync': { call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/resync`, body: {} }), adapt: accepted },
  'sci/retry-parked': { call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/retry-parked` }), adapt: accepted },
  'sci/resync-link': {
    call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/links/${seg(p.linkId)}/resync` }),
    adapt: accepted,
  },

  'sci/backfill': { call: (p) => ({ method: 'GET', path: `${V1}/scis/${seg(p.id)}/backfill` }) },
  'sci/start-backfill': { call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/backfill` }) },
  'sci/cancel-backfill': { call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/backfill/cancel` }) },
  'connection/channels': { call: () => ({ method: 'GET', path: `${V1}/connection/channels` }) },

  'panel/get': { call: (_p, ctx) => ({ method: 'GET', path: issuePath(ctx) }) },
  'panel/search': {
    call: (p, ctx) => ({ method: 'GET', path: `${issuePath(ctx)}/search?${new URLSearchParams({ sciId: p.sciId, q: p.query }).toString()}` }),
    adapt: items('results'),
  },
  'panel/link': { call: (p, ctx) => ({ method: 'POST', path: `${issuePath(ctx)}/links`, body: p }) },
  'panel/unlink': {
    call: (p, ctx) => ({ method: 'DELETE', path: `${issuePath(ctx)}/links/${seg(p.linkId)}` }),
    adapt: () => ({ unlinked: true }),
  },
  'panel/refresh': { call: (p, ctx) => ({ method: 'POST', path: `${issuePath(ctx)}/links/${seg(p.linkId)}/refresh` }) },
};
