// The API routes the Forge app calls, each with the schemas it validates and serves: method, path (Fastify
// style, under /api/v1), the 2xx status and body it answers with, and its request body and query. The API's
// route files use the same schema objects; api/test/contract.test.ts checks the served OpenAPI document
// against this list, and forge-app/src/routes.ts names the entry each resolver key calls.
import { z } from 'zod';
import { connectBody, connectionSummarySchema, dataCenterBody, modeBody, providersClientBody, signInReply } from './connection';
import { channelsDto } from './channels';
import { acceptedDto } from './ids';
import { jiraFieldsDto, jiraIssueTypesDto, jiraProjectsDto, jiraStatusesDto, statusesQuery, zohoFieldsDto, zohoModulesDto } from './metadata';
import { cardWithSyncDto, linkBody, panelDto, searchDto, searchQuery } from './panel';
import { relatedCardDto } from './related-records';
import { retryDto, timelineDto } from './timeline';
import { createRecordBody, createRecordFormDto } from './create-record';
import { conflictListDto, resolveConflictBody, resolvedConflictDto } from './conflicts';
import { jiraFieldValuesDto, mappingUsersDto } from './value-mapping';
import { backfillDto, linksDto, linksQuery, resyncBody, runsDto, runsQuery, sciBodySchema, sciDto, sciListDto } from './scis';

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Under /api/v1, with `:name` path parameters. */
  path: string;
  status: 200 | 201 | 202 | 204;
  /** The 2xx answer; `z.undefined()` for 204 No Content. */
  response: z.ZodType;
  body?: z.ZodType;
  querystring?: z.ZodType;
}

const noContent = z.undefined();

export const API_ROUTES = {
  'GET /connection': { method: 'GET', path: '/connection', status: 200, response: connectionSummarySchema },
  'PUT /connection/data-center': { method: 'PUT', path: '/connection/data-center', status: 200, body: dataCenterBody, response: connectionSummarySchema },
  'POST /connection/app-oauth': { method: 'POST', path: '/connection/app-oauth', status: 200, body: connectBody, response: connectionSummarySchema },
  'POST /connection/mode': { method: 'POST', path: '/connection/mode', status: 200, body: modeBody, response: connectionSummarySchema },
  'PUT /connection/providers/client': {
    method: 'PUT',
    path: '/connection/providers/client',
    status: 200,
    body: providersClientBody,
    response: connectionSummarySchema,
  },
  'POST /connection/providers/sign-in': { method: 'POST', path: '/connection/providers/sign-in', status: 200, response: signInReply },
  'GET /connection/channels': { method: 'GET', path: '/connection/channels', status: 200, response: channelsDto },

  'GET /metadata/zoho/modules': { method: 'GET', path: '/metadata/zoho/modules', status: 200, response: zohoModulesDto },
  'GET /metadata/zoho/modules/:module/fields': { method: 'GET', path: '/metadata/zoho/modules/:module/fields', status: 200, response: zohoFieldsDto },
  'GET /metadata/jira/projects': { method: 'GET', path: '/metadata/jira/projects', status: 200, response: jiraProjectsDto },
  'GET /metadata/jira/projects/:projectIdOrKey/issue-types': {
    method: 'GET',
    path: '/metadata/jira/projects/:projectIdOrKey/issue-types',
    status: 200,
    response: jiraIssueTypesDto,
  },
  'GET /metadata/jira/projects/:projectIdOrKey/statuses': {
    method: 'GET',
    path: '/metadata/jira/projects/:projectIdOrKey/statuses',
    status: 200,
    querystring: statusesQuery,
    response: jiraStatusesDto,
  },
  'GET /metadata/jira/fields': { method: 'GET', path: '/metadata/jira/fields', status: 200, response: jiraFieldsDto },
  'GET /metadata/jira/fields/:fieldId/values': { method: 'GET', path: '/metadata/jira/fields/:fieldId/values', status: 200, response: jiraFieldValuesDto },
  'GET /metadata/users': { method: 'GET', path: '/metadata/users', status: 200, response: mappingUsersDto },

  'GET /scis': { method: 'GET', path: '/scis', status: 200, response: sciListDto },
  'POST /scis': { method: 'POST', path: '/scis', status: 201, body: sciBodySchema, response: sciDto },
  'PUT /scis/:sciId': { method: 'PUT', path: '/scis/:sciId', status: 200, body: sciBodySchema, response: sciDto },
  'DELETE /scis/:sciId': { method: 'DELETE', path: '/scis/:sciId', status: 204, response: noContent },
  'POST /scis/:sciId/pause': { method: 'POST', path: '/scis/:sciId/pause', status: 200, response: sciDto },
  'POST /scis/:sciId/resume': { method: 'POST', path: '/scis/:sciId/resume', status: 200, response: sciDto },
  'POST /scis/:sciId/sync': { method: 'POST', path: '/scis/:sciId/sync', status: 202, response: acceptedDto },
  'POST /scis/:sciId/retry-parked': { method: 'POST', path: '/scis/:sciId/retry-parked', status: 202, response: acceptedDto },
  'GET /scis/:sciId/runs': { method: 'GET', path: '/scis/:sciId/runs', status: 200, querystring: runsQuery, response: runsDto },
  'GET /scis/:sciId/links': { method: 'GET', path: '/scis/:sciId/links', status: 200, querystring: linksQuery, response: linksDto },
  'POST /scis/:sciId/links/:linkId/resync': { method: 'POST', path: '/scis/:sciId/links/:linkId/resync', status: 202, response: acceptedDto },
  'POST /scis/:sciId/resync': { method: 'POST', path: '/scis/:sciId/resync', status: 202, body: resyncBody, response: acceptedDto },
  'GET /scis/:sciId/backfill': { method: 'GET', path: '/scis/:sciId/backfill', status: 200, response: backfillDto },
  'POST /scis/:sciId/backfill': { method: 'POST', path: '/scis/:sciId/backfill', status: 202, response: backfillDto },
  'POST /scis/:sciId/backfill/cancel': { method: 'POST', path: '/scis/:sciId/backfill/cancel', status: 200, response: backfillDto },

  'GET /panel/issues/:issueIdOrKey': { method: 'GET', path: '/panel/issues/:issueIdOrKey', status: 200, response: panelDto },
  'GET /panel/issues/:issueIdOrKey/search': {
    method: 'GET',
    path: '/panel/issues/:issueIdOrKey/search',
    status: 200,
    querystring: searchQuery,
    response: searchDto,
  },
  'POST /panel/issues/:issueIdOrKey/links': {
    method: 'POST',
    path: '/panel/issues/:issueIdOrKey/links',
    status: 201,
    body: linkBody,
    response: cardWithSyncDto,
  },
  'DELETE /panel/issues/:issueIdOrKey/links/:linkId': { method: 'DELETE', path: '/panel/issues/:issueIdOrKey/links/:linkId', status: 204, response: noContent },
  'POST /panel/issues/:issueIdOrKey/links/:linkId/primary': {
    method: 'POST',
    path: '/panel/issues/:issueIdOrKey/links/:linkId/primary',
    status: 200,
    response: panelDto,
  },
  'POST /panel/issues/:issueIdOrKey/links/:linkId/refresh': {
    method: 'POST',
    path: '/panel/issues/:issueIdOrKey/links/:linkId/refresh',
    status: 200,
    response: cardWithSyncDto,
  },
  'POST /panel/issues/:issueIdOrKey/links/:linkId/related/:lookupField/refresh': {
    method: 'POST',
    path: '/panel/issues/:issueIdOrKey/links/:linkId/related/:lookupField/refresh',
    status: 200,
    response: relatedCardDto,
  },
  'GET /panel/issues/:issueIdOrKey/scis/:sciId/create-record': {
    method: 'GET',
    path: '/panel/issues/:issueIdOrKey/scis/:sciId/create-record',
    status: 200,
    response: createRecordFormDto,
  },
  'POST /panel/issues/:issueIdOrKey/scis/:sciId/create-record': {
    method: 'POST',
    path: '/panel/issues/:issueIdOrKey/scis/:sciId/create-record',
    status: 201,
    body: createRecordBody,
    response: cardWithSyncDto,
  },
  'GET /panel/issues/:issueIdOrKey/timeline': { method: 'GET', path: '/panel/issues/:issueIdOrKey/timeline', status: 200, response: timelineDto },
  'POST /panel/issues/:issueIdOrKey/links/:linkId/retry': {
    method: 'POST',
    path: '/panel/issues/:issueIdOrKey/links/:linkId/retry',
    status: 200,
    response: retryDto,
  },

  'GET /panel/issues/:issueIdOrKey/conflicts': { method: 'GET', path: '/panel/issues/:issueIdOrKey/conflicts', status: 200, response: conflictListDto },
  'POST /panel/issues/:issueIdOrKey/conflicts/:conflictId/resolve': {
    method: 'POST',
    path: '/panel/issues/:issueIdOrKey/conflicts/:conflictId/resolve',
    status: 200,
    body: resolveConflictBody,
    response: resolvedConflictDto,
  },

  'GET /conflicts': { method: 'GET', path: '/conflicts', status: 200, response: conflictListDto },
  'POST /conflicts/:conflictId/resolve': { method: 'POST', path: '/conflicts/:conflictId/resolve', status: 200, body: resolveConflictBody, response: resolvedConflictDto },
} as const satisfies Record<string, ApiRoute>;

export type ApiRouteName = keyof typeof API_ROUTES;
