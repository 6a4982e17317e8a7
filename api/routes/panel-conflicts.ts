// Held conflicts of one issue on the issue panel (F48). Listing needs what the panel needs (browsing the
// issue); resolving writes to the issue and the linked record, so it asks for Jira's Edit Issues too.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { conflictListDto, resolveConflictBody, resolvedConflictDto } from '../../contracts/conflicts';
import type { AppDeps } from '../deps';
import { ApiError, errorResponses } from '../services/api-errors';
import { listConflicts, resolveConflict } from '../services/conflicts';
import { issueRef } from '../services/panel';
import { JiraPermissions } from '../services/permissions';
import { issueIdOrKey, routeErrorHandler, rowId, tenantOf } from '../services/route-support';

const tags = ['issue panel'];

export const panelConflictRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);
  const permissions = deps.permissions ?? new JiraPermissions(deps);

  fastify.get(
    '/panel/issues/:issueIdOrKey/conflicts',
    {
      schema: {
        summary: "The issue's held conflicts: fields changed in both Jira and Zoho CRM since their last sync (F48)",
        tags,
        params: z.object({ issueIdOrKey }),
        response: { 200: conflictListDto, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const issue = await issueRef(deps, tenantOf(request), request.params.issueIdOrKey);
      return { conflicts: await listConflicts(deps, tenantOf(request), issue.id) };
    },
  );

  fastify.post(
    '/panel/issues/:issueIdOrKey/conflicts/:conflictId/resolve',
    {
      schema: {
        summary: "Resolves one of the issue's held conflicts by keeping the Jira or the Zoho CRM value (F48)",
        tags,
        params: z.object({ issueIdOrKey, conflictId: rowId }),
        body: resolveConflictBody,
        response: { 200: resolvedConflictDto, ...errorResponses(400, 403, 404, 409, 422, 502, 503) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const issue = await issueRef(deps, tenantId, request.params.issueIdOrKey);
      const accountId = request.forge.accountId;
      if (!accountId || !(await permissions.canEditIssue(tenantId, accountId, issue.id))) {
        throw new ApiError(
          403,
          `You do not have permission to edit ${issue.key}, so you cannot resolve its conflicts. Ask a Jira admin for the "Edit Issues" permission in this project.`,
          'ISSUE_NOT_EDITABLE',
        );
      }
      return resolveConflict(deps, tenantId, accountId, request.params.conflictId, request.body, issue.id);
    },
  );
};
