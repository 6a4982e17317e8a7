// The issue's "CRM sync" timeline and link health (F46) and Retry of a failed sync. Callers are those of
// the panel (who can browse the issue); Retry also asks for Jira's Edit Issues on it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { errorResponses } from '../services/api-errors';
import { retryDto, timelineDto } from '../../contracts/timeline';
import { JiraPermissions } from '../services/permissions';
import { retryLink, timelineFor } from '../services/timeline';
import { issueIdOrKey, routeErrorHandler, rowId, tenantOf } from '../services/route-support';

const issueParams = z.object({ issueIdOrKey });
const linkParams = issueParams.extend({ linkId: rowId });
const tags = ['issue panel'];

export const panelTimelineRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);
  const permissions = deps.permissions ?? new JiraPermissions(deps);

  fastify.get(
    '/panel/issues/:issueIdOrKey/timeline',
    {
      schema: {
        summary:
          "The issue's CRM sync timeline (every sync in and out, failures with their reason) and each link's health (F46)",
        tags,
        params: issueParams,
        response: { 200: timelineDto, ...errorResponses(400, 404, 503) },
      },
    },
    async (request) =>
      timelineFor(deps, permissions, tenantOf(request), request.forge.accountId, request.params.issueIdOrKey),
  );

  fastify.post(
    '/panel/issues/:issueIdOrKey/links/:linkId/retry',
    {
      schema: {
        summary: "Retries a link's failed sync: its parked events back in the queue and its record applied again (F46)",
        tags,
        params: linkParams,
        response: { 200: retryDto, ...errorResponses(400, 403, 404, 409, 503) },
      },
    },
    async (request) =>
      retryLink(
        deps,
        permissions,
        tenantOf(request),
        request.forge.accountId,
        request.params.issueIdOrKey,
        request.params.linkId,
      ),
  );
};
