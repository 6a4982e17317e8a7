// "Create a Zoho CRM record" from the issue panel (F44): the prefilled form and the create + link. Callers
// are those of the panel (who can browse the issue); the create itself also asks for Jira's Edit Issues.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { errorResponses } from '../services/api-errors';
import { createRecordBody, createRecordFormDto } from '../../contracts/create-record';
import { cardWithSyncDto } from '../../contracts/panel';
import { createRecord, createRecordForm } from '../services/create-record';
import { JiraPermissions } from '../services/permissions';
import { issueIdOrKey, routeErrorHandler, rowId, tenantOf } from '../services/route-support';

const params = z.object({ issueIdOrKey, sciId: rowId });
const tags = ['issue panel'];

export const panelCreateRecordRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);
  // Jira's answers are cached per instance; the app's own instance when it was given one.
  const permissions = deps.permissions ?? new JiraPermissions(deps);

  fastify.get(
    '/panel/issues/:issueIdOrKey/scis/:sciId/create-record',
    {
      schema: {
        summary: "The form to create a Zoho CRM record for the issue: the SCI's module fields, prefilled through its mappings (F44)",
        tags,
        params,
        response: { 200: createRecordFormDto, ...errorResponses(400, 404, 409, 422, 503) },
      },
    },
    async (request) => createRecordForm(deps, permissions, tenantOf(request), request.forge.accountId, request.params.issueIdOrKey, request.params.sciId),
  );

  fastify.post(
    '/panel/issues/:issueIdOrKey/scis/:sciId/create-record',
    {
      schema: {
        summary: 'Creates a Zoho CRM record with the given values and links it to the issue as a manual link (F44)',
        description: 'The same `requestKey` again (a double click, a retry) creates no second record: it answers the link the first one made.',
        tags,
        params,
        body: createRecordBody,
        response: { 201: cardWithSyncDto, ...errorResponses(400, 404, 409, 413, 415, 422, 502, 503) },
      },
    },
    async (request, reply) => {
      const { card } = await createRecord(deps, permissions, tenantOf(request), request.forge.accountId, request.params.issueIdOrKey, request.params.sciId, request.body);
      return reply.status(201).send(card);
    },
  );
};
