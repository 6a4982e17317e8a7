// The Jira issue panel (F23–F27): links of an issue with live previews, the SCIs covering it, record
// search, manual link, unlink (manual links only) and refresh. States "Zoho CRM login required" and
// "Zoho CRM authentication required" come back as `state` on the panel read and as 409 + code on actions.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { errorResponses } from '../services/api-errors';
import { cardWithSyncDto as cardWithSync, linkBody, panelDto, searchDto, searchQuery } from '../../contracts/panel';
import { linkRecord, makeLinkPrimary, panelFor, refreshLink, refreshRelated, searchRecords, unlinkRecord } from '../services/panel';
import { relatedCardDto, relatedParams } from '../../contracts/related-records';
import { issueIdOrKey, routeErrorHandler, rowId, tenantOf } from '../services/route-support';

const issueParams = z.object({ issueIdOrKey });
const linkParams = issueParams.extend({ linkId: rowId });
const relatedLinkParams = linkParams.extend(relatedParams.shape);
const tags = ['issue panel'];

export const panelRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);

  fastify.get(
    '/panel/issues/:issueIdOrKey',
    {
      schema: {
        summary: "An issue's Zoho CRM links with previews, the SCIs covering it, and the panel state (F24–F27)",
        tags,
        params: issueParams,
        response: { 200: panelDto, ...errorResponses(400, 404, 503) },
      },
    },
    async (request) => panelFor(deps, tenantOf(request), request.forge.accountId, request.params.issueIdOrKey),
  );

  fastify.get(
    '/panel/issues/:issueIdOrKey/search',
    {
      schema: {
        summary: 'Searches Zoho CRM records to link: a word of the name/title, or a record id (F23)',
        description: 'Searches the module of `sciId`, or of every SCI covering the issue when it is omitted.',
        tags,
        params: issueParams,
        querystring: searchQuery,
        response: { 200: searchDto, ...errorResponses(400, 404, 409, 422, 503) },
      },
    },
    async (request) => searchRecords(deps, tenantOf(request), request.forge.accountId, request.params.issueIdOrKey, request.query),
  );

  fastify.post(
    '/panel/issues/:issueIdOrKey/links',
    {
      schema: {
        summary: 'Links a Zoho CRM record to the issue through one SCI (manual link, F23, F27)',
        tags,
        params: issueParams,
        body: linkBody,
        response: { 201: cardWithSync, ...errorResponses(400, 404, 409, 413, 415, 422, 503) },
      },
    },
    async (request, reply) => {
      const card = await linkRecord(deps, tenantOf(request), request.forge.accountId, request.params.issueIdOrKey, request.body);
      return reply.status(201).send(card);
    },
  );

  fastify.delete(
    '/panel/issues/:issueIdOrKey/links/:linkId',
    {
      schema: {
        summary: 'Unlinks a manual link; auto-managed links are read-only (409, F25)',
        tags,
        params: linkParams,
        response: { 204: z.null().describe('Unlinked'), ...errorResponses(400, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      await unlinkRecord(deps, tenantOf(request), request.params.issueIdOrKey, request.params.linkId);
      return reply.status(204).send(null);
    },
  );

  fastify.post(
    '/panel/issues/:issueIdOrKey/links/:linkId/primary',
    {
      schema: {
        summary: "Makes the link its issue's primary link for its SCI, the one that drives field sync (F43)",
        tags,
        params: linkParams,
        response: { 200: panelDto, ...errorResponses(400, 404, 409, 503) },
      },
    },
    async (request) => makeLinkPrimary(deps, tenantOf(request), request.forge.accountId, request.params.issueIdOrKey, request.params.linkId),
  );

  fastify.post(
    '/panel/issues/:issueIdOrKey/links/:linkId/refresh',
    {
      schema: {
        summary: 'Re-reads the linked record from Zoho CRM (and lets a synchronized item apply it)',
        tags,
        params: linkParams,
        response: { 200: cardWithSync, ...errorResponses(400, 404, 409, 503) },
      },
    },
    async (request) => refreshLink(deps, tenantOf(request), request.forge.accountId, request.params.issueIdOrKey, request.params.linkId),
  );

  fastify.post(
    '/panel/issues/:issueIdOrKey/links/:linkId/related/:lookupField/refresh',
    {
      schema: {
        summary: "Re-reads one related record of a link (a Deal's Account, Contact or Owner) from Zoho CRM (F42)",
        tags,
        params: relatedLinkParams,
        response: { 200: relatedCardDto, ...errorResponses(400, 404, 409, 503) },
      },
    },
    async (request) =>
      refreshRelated(deps, tenantOf(request), request.forge.accountId, request.params.issueIdOrKey, request.params.linkId, request.params.lookupField),
  );
};
