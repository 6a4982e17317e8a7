// Live metadata for value and user mapping (F41): the values a Jira field can take (priorities, a select
// field's options, labels in use) and the users of both sides, so the editor's "Map values" and "Map users"
// panels list real values and nobody types an id. Zoho picklist values come with the module's fields
// (GET /metadata/zoho/modules/:module/fields).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { jiraFieldIdParam, jiraFieldValuesDto, mappingUsersDto } from '../../contracts/value-mapping';
import { jiraFieldType, jiraKind } from '../../lib/sync/field-types';
import type { AppDeps } from '../deps';
import { ApiError, errorResponses } from '../services/api-errors';
import { routeErrorHandler, tenantOf } from '../services/route-support';
import { requireZoho } from '../services/zoho-access';

const tags = ['metadata'];

export const metadataValueRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);

  fastify.get(
    '/metadata/jira/fields/:fieldId/values',
    {
      schema: {
        summary: "Values of a Jira priority, select or labels field, for a mapping's value map (F41)",
        tags,
        params: jiraFieldIdParam,
        response: { 200: jiraFieldValuesDto, ...errorResponses(400, 404, 503) },
      },
    },
    async (request) => {
      const jira = await deps.clients.jira(tenantOf(request));
      const field = (await jira.metadata.listFields()).find((f) => f.id === request.params.fieldId);
      if (!field) throw new ApiError(404, `Jira has no field "${request.params.fieldId}".`, 'NOT_FOUND');
      const kind = jiraKind(jiraFieldType(field));
      if (field.schema?.type === 'priority')
        return { values: (await jira.metadata.listPriorities()).map((p) => p.name), anyValue: false };
      if (kind === 'labels') return { values: await jira.metadata.listLabels(), anyValue: true };
      if (kind === 'option' || kind === 'options')
        return { values: (await jira.metadata.listFieldOptions(field.id)).map((o) => o.value), anyValue: false };
      throw new ApiError(
        400,
        `${field.name} is not a priority, select or labels field, so it has no values to map.`,
        'VALIDATION_FAILED',
      );
    },
  );

  fastify.get(
    '/metadata/users',
    {
      schema: {
        summary: "Users of the Jira site and of the Zoho CRM org, for a mapping's user map (F41)",
        tags,
        response: { 200: mappingUsersDto, ...errorResponses(409, 503) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const access = await requireZoho(deps, tenantId, request.forge.accountId);
      const jira = await deps.clients.jira(tenantId);
      const [jiraUsers, zohoUsers] = await Promise.all([jira.metadata.listUsers(), access.client.metadata.users()]);
      return {
        jira: jiraUsers.map((u) => ({
          accountId: u.accountId,
          displayName: u.displayName ?? u.accountId,
          emailAddress: u.emailAddress ?? null,
        })),
        zoho: zohoUsers.map((u) => ({ id: u.id, name: u.full_name ?? u.email ?? u.id, email: u.email ?? null })),
      };
    },
  );
};
