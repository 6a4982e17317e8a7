// Every resolver key: the payload the screen sends, the API route that serves it (an entry of
// contracts/routes.ts, whose schemas the API's routes validate with and publish as OpenAPI) and the data
// the screen gets from that route's answer. Nothing here guesses a shape: `api.response` is what the route
// serves and `data` says exactly which part of it the screen wants.
import { z } from 'zod';
import {
  API_ROUTES,
  connectBody,
  createRecordBody,
  dataCenterBody,
  jiraFieldIdParam,
  jiraProjectIdOrKey,
  modeBody,
  providersClientBody,
  relatedParams,
  resolveConflictBody,
  rowId,
  runsQuery,
  sciBodySchema,
  statusesQuery,
  zohoModuleName,
  type ApiRoute,
} from '../../contracts';
import type { BackendCall } from './backend';

/** What a resolver knows besides the payload: only what Forge itself vouches for or the module supplies. */
export interface CallContext {
  /** Issue panel: the issue the panel is open on (the API re-reads its project and type from Jira). */
  issueKey: string | undefined;
}

export interface Route<P extends z.ZodType = z.ZodType, A extends z.ZodType = z.ZodType, D = unknown> {
  /** What the screen sends, checked before anything goes to the API. */
  payload: P;
  call: (payload: z.output<P>, ctx: CallContext) => BackendCall;
  /** The API route it calls (contracts/routes.ts); `api.response` is its 2xx answer (undefined for 204). */
  api: ApiRoute & { response: A };
  /** The part of the answer the screen gets. */
  data: (body: z.output<A>, payload: z.output<P>) => D;
}

/** A route whose screen gets the whole answer. */
function route<P extends z.ZodType, A extends z.ZodType>(spec: Omit<Route<P, A>, 'data'>): Route<P, A, z.output<A>> {
  return { ...spec, data: (body) => body };
}

/** A route whose screen gets one part of the answer (a list out of its wrapper, or a fixed acknowledgement). */
function pick<P extends z.ZodType, A extends z.ZodType, D>(spec: Route<P, A, D>): Route<P, A, D> {
  return spec;
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

const empty = z.object({}).strict();
/** 204 No Content: callBackend resolves with undefined. */
const sciId = z.object({ id: rowId });

// The connection forms say what is missing in the admin's words first; then the API's own rules apply.
const credentialsPrompt = z.object({
  clientId: z.string().trim().min(1, 'Enter the Client ID from the Zoho API Console.'),
  clientSecret: z.string().trim().min(1, 'Enter the Client Secret from the Zoho API Console.'),
});
const appOAuthPrompt = credentialsPrompt.extend({
  code: z.string().trim().min(1, 'Paste the grant Code generated in the Zoho API Console.'),
  dataCenter: z.unknown().optional(),
});

export const routes = {
  'connection/get': route({ payload: empty, api: API_ROUTES['GET /connection'], call: () => ({ method: 'GET', path: `${V1}/connection` }) }),
  'connection/set-data-center': route({
    payload: dataCenterBody,
    api: API_ROUTES['PUT /connection/data-center'],
    call: (p) => ({ method: 'PUT', path: `${V1}/connection/data-center`, body: p }),
  }),
  'connection/connect-app-oauth': route({
    payload: appOAuthPrompt.pipe(connectBody),
    api: API_ROUTES['POST /connection/app-oauth'],
    call: (p) => ({ method: 'POST', path: `${V1}/connection/app-oauth`, body: p }),
  }),
  'connection/set-providers-client': route({
    payload: credentialsPrompt.pipe(providersClientBody),
    api: API_ROUTES['PUT /connection/providers/client'],
    call: (p) => ({ method: 'PUT', path: `${V1}/connection/providers/client`, body: p }),
  }),
  'connection/switch-mode': route({
    payload: modeBody,
    api: API_ROUTES['POST /connection/mode'],
    call: (p) => ({ method: 'POST', path: `${V1}/connection/mode`, body: p }),
  }),
  'connection/start-sign-in': route({
    payload: empty,
    api: API_ROUTES['POST /connection/providers/sign-in'],
    call: () => ({ method: 'POST', path: `${V1}/connection/providers/sign-in` }),
  }),
  'connection/channels': route({ payload: empty, api: API_ROUTES['GET /connection/channels'], call: () => ({ method: 'GET', path: `${V1}/connection/channels` }) }),

  'metadata/zoho-modules': pick({
    payload: empty,
    api: API_ROUTES['GET /metadata/zoho/modules'],
    call: () => ({ method: 'GET', path: `${V1}/metadata/zoho/modules` }),
    data: (b) => b.modules,
  }),
  'metadata/zoho-fields': pick({
    payload: z.object({ module: zohoModuleName }),
    api: API_ROUTES['GET /metadata/zoho/modules/:module/fields'],
    call: (p) => ({ method: 'GET', path: `${V1}/metadata/zoho/modules/${seg(p.module)}/fields` }),
    data: (b) => b.fields,
  }),
  'metadata/jira-projects': pick({
    payload: empty,
    api: API_ROUTES['GET /metadata/jira/projects'],
    call: () => ({ method: 'GET', path: `${V1}/metadata/jira/projects` }),
    data: (b) => b.projects,
  }),
  'metadata/jira-issue-types': pick({
    payload: z.object({ projectId: jiraProjectIdOrKey }),
    api: API_ROUTES['GET /metadata/jira/projects/:projectIdOrKey/issue-types'],
    call: (p) => ({ method: 'GET', path: `${V1}/metadata/jira/projects/${seg(p.projectId)}/issue-types` }),
    data: (b) => b.issueTypes,
  }),
  'metadata/jira-fields': pick({
    payload: empty,
    api: API_ROUTES['GET /metadata/jira/fields'],
    call: () => ({ method: 'GET', path: `${V1}/metadata/jira/fields` }),
    data: (b) => b.fields,
  }),
  'metadata/jira-field-values': route({
    payload: jiraFieldIdParam,
    api: API_ROUTES['GET /metadata/jira/fields/:fieldId/values'],
    call: (p) => ({ method: 'GET', path: `${V1}/metadata/jira/fields/${seg(p.fieldId)}/values` }),
  }),
  'metadata/users': route({ payload: empty, api: API_ROUTES['GET /metadata/users'], call: () => ({ method: 'GET', path: `${V1}/metadata/users` }) }),
  'metadata/jira-statuses': pick({
    payload: statusesQuery.extend({ projectId: jiraProjectIdOrKey }),
    api: API_ROUTES['GET /metadata/jira/projects/:projectIdOrKey/statuses'],
    call: (p) => ({
      method: 'GET',
      path: `${V1}/metadata/jira/projects/${seg(p.projectId)}/statuses${p.issueTypeId ? `?issueTypeId=${seg(p.issueTypeId)}` : ''}`,
    }),
    data: (b) => b.statuses,
  }),

  'sci/list': pick({ payload: empty, api: API_ROUTES['GET /scis'], call: () => ({ method: 'GET', path: `${V1}/scis` }), data: (b) => b.items }),
  'sci/create': route({
    payload: z.object({ definition: sciBodySchema }),
    api: API_ROUTES['POST /scis'],
    call: (p) => ({ method: 'POST', path: `${V1}/scis`, body: p.definition }),
  }),
  'sci/update': route({
    payload: z.object({ id: rowId, definition: sciBodySchema }),
    api: API_ROUTES['PUT /scis/:sciId'],
    call: (p) => ({ method: 'PUT', path: `${V1}/scis/${seg(p.id)}`, body: p.definition }),
  }),
  'sci/delete': pick({
    payload: sciId,
    api: API_ROUTES['DELETE /scis/:sciId'],
    call: (p) => ({ method: 'DELETE', path: `${V1}/scis/${seg(p.id)}` }),
    data: () => ({ deleted: true as const }),
  }),
  'sci/pause': route({ payload: sciId, api: API_ROUTES['POST /scis/:sciId/pause'], call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/pause` }) }),
  'sci/resume': route({ payload: sciId, api: API_ROUTES['POST /scis/:sciId/resume'], call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/resume` }) }),
  'sci/sync-now': route({ payload: sciId, api: API_ROUTES['POST /scis/:sciId/sync'], call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/sync` }) }),
  'sci/runs': route({
    payload: sciId.extend({ cursor: runsQuery.shape.cursor }),
    api: API_ROUTES['GET /scis/:sciId/runs'],
    call: (p) => ({ method: 'GET', path: `${V1}/scis/${seg(p.id)}/runs${p.cursor ? `?cursor=${seg(p.cursor)}` : ''}` }),
  }),
  'sci/links': pick({
    payload: sciId,
    api: API_ROUTES['GET /scis/:sciId/links'],
    call: (p) => ({ method: 'GET', path: `${V1}/scis/${seg(p.id)}/links?limit=200` }),
    data: (b) => b.links,
  }),
  'sci/resync': route({ payload: sciId, api: API_ROUTES['POST /scis/:sciId/resync'], call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/resync`, body: {} }) }),
  'sci/retry-parked': route({
    payload: sciId,
    api: API_ROUTES['POST /scis/:sciId/retry-parked'],
    call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/retry-parked` }),
  }),
  'sci/resync-link': route({
    payload: sciId.extend({ linkId: rowId }),
    api: API_ROUTES['POST /scis/:sciId/links/:linkId/resync'],
    call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/links/${seg(p.linkId)}/resync` }),
  }),
  'sci/backfill': route({ payload: sciId, api: API_ROUTES['GET /scis/:sciId/backfill'], call: (p) => ({ method: 'GET', path: `${V1}/scis/${seg(p.id)}/backfill` }) }),
  'sci/start-backfill': route({ payload: sciId, api: API_ROUTES['POST /scis/:sciId/backfill'], call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/backfill` }) }),
  'sci/cancel-backfill': route({
    payload: sciId,
    api: API_ROUTES['POST /scis/:sciId/backfill/cancel'],
    call: (p) => ({ method: 'POST', path: `${V1}/scis/${seg(p.id)}/backfill/cancel` }),
  }),

  'panel/get': route({ payload: empty, api: API_ROUTES['GET /panel/issues/:issueIdOrKey'], call: (_p, ctx) => ({ method: 'GET', path: issuePath(ctx) }) }),
  'panel/search': pick({
    payload: z.object({ sciId: rowId, query: z.string().trim().min(2, 'Type at least two characters of a name, a title or a record ID.').max(200) }),
    api: API_ROUTES['GET /panel/issues/:issueIdOrKey/search'],
    call: (p, ctx) => ({ method: 'GET', path: `${issuePath(ctx)}/search?${new URLSearchParams({ sciId: p.sciId, q: p.query }).toString()}` }),
    data: (b) => b.results,
  }),
  'panel/link': route({
    payload: z.object({ sciId: rowId, recordId: z.string().trim().regex(/^\d{1,30}$/, 'A Zoho CRM record ID is a long number.') }),
    api: API_ROUTES['POST /panel/issues/:issueIdOrKey/links'],
    call: (p, ctx) => ({ method: 'POST', path: `${issuePath(ctx)}/links`, body: p }),
  }),
  'panel/unlink': pick({
    payload: z.object({ linkId: rowId }),
    api: API_ROUTES['DELETE /panel/issues/:issueIdOrKey/links/:linkId'],
    call: (p, ctx) => ({ method: 'DELETE', path: `${issuePath(ctx)}/links/${seg(p.linkId)}` }),
    data: () => ({ unlinked: true as const }),
  }),
  'panel/make-primary': route({
    payload: z.object({ linkId: rowId }),
    api: API_ROUTES['POST /panel/issues/:issueIdOrKey/links/:linkId/primary'],
    call: (p, ctx) => ({ method: 'POST', path: `${issuePath(ctx)}/links/${seg(p.linkId)}/primary` }),
  }),
  'panel/refresh': route({
    payload: z.object({ linkId: rowId }),
    api: API_ROUTES['POST /panel/issues/:issueIdOrKey/links/:linkId/refresh'],
    call: (p, ctx) => ({ method: 'POST', path: `${issuePath(ctx)}/links/${seg(p.linkId)}/refresh` }),
  }),
  'panel/refresh-related': route({
    payload: z.object({ linkId: rowId, lookupField: relatedParams.shape.lookupField }),
    api: API_ROUTES['POST /panel/issues/:issueIdOrKey/links/:linkId/related/:lookupField/refresh'],
    call: (p, ctx) => ({ method: 'POST', path: `${issuePath(ctx)}/links/${seg(p.linkId)}/related/${seg(p.lookupField)}/refresh` }),
  }),
  'panel/timeline': route({
    payload: empty,
    api: API_ROUTES['GET /panel/issues/:issueIdOrKey/timeline'],
    call: (_p, ctx) => ({ method: 'GET', path: `${issuePath(ctx)}/timeline` }),
  }),
  'panel/retry': route({
    payload: z.object({ linkId: rowId }),
    api: API_ROUTES['POST /panel/issues/:issueIdOrKey/links/:linkId/retry'],
    call: (p, ctx) => ({ method: 'POST', path: `${issuePath(ctx)}/links/${seg(p.linkId)}/retry` }),
  }),
  'panel/create-record-form': route({
    payload: z.object({ sciId: rowId }),
    api: API_ROUTES['GET /panel/issues/:issueIdOrKey/scis/:sciId/create-record'],
    call: (p, ctx) => ({ method: 'GET', path: `${issuePath(ctx)}/scis/${seg(p.sciId)}/create-record` }),
  }),
  'panel/create-record': route({
    payload: createRecordBody.extend({ sciId: rowId }),
    api: API_ROUTES['POST /panel/issues/:issueIdOrKey/scis/:sciId/create-record'],
    call: ({ sciId, ...body }, ctx) => ({ method: 'POST', path: `${issuePath(ctx)}/scis/${seg(sciId)}/create-record`, body }),
  }),
  'panel/conflicts': pick({
    payload: empty,
    api: API_ROUTES['GET /panel/issues/:issueIdOrKey/conflicts'],
    call: (_p, ctx) => ({ method: 'GET', path: `${issuePath(ctx)}/conflicts` }),
    data: (b) => b.conflicts,
  }),
  'panel/resolve-conflict': route({
    payload: resolveConflictBody.extend({ conflictId: rowId }),
    api: API_ROUTES['POST /panel/issues/:issueIdOrKey/conflicts/:conflictId/resolve'],
    call: ({ conflictId, ...body }, ctx) => ({ method: 'POST', path: `${issuePath(ctx)}/conflicts/${seg(conflictId)}/resolve`, body }),
  }),
  'conflicts/list': pick({ payload: empty, api: API_ROUTES['GET /conflicts'], call: () => ({ method: 'GET', path: `${V1}/conflicts` }), data: (b) => b.conflicts }),
  'conflicts/resolve': route({
    payload: resolveConflictBody.extend({ conflictId: rowId }),
    api: API_ROUTES['POST /conflicts/:conflictId/resolve'],
    call: ({ conflictId, ...body }) => ({ method: 'POST', path: `${V1}/conflicts/${seg(conflictId)}/resolve`, body }),
  }),
} satisfies Record<string, Route>;

export type Routes = typeof routes;
export type ResolverKey = keyof Routes;
export const RESOLVER_KEYS = Object.keys(routes) as ResolverKey[];
