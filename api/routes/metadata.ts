// Live metadata for the SCI editor's pickers (F8): Zoho modules and fields, Jira projects, issue types,
// fields and statuses. Nobody types an API name. Zoho is read with the identity the connection allows
// (App OAuth 2.0, or the requesting user's own sign-in in Providers mode; 409 + code otherwise).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { errorResponses, fromVendorError, notFound } from '../services/api-errors';
import {
  jiraFieldsDto,
  jiraIssueTypesDto,
  jiraProjectIdOrKey as projectIdOrKey,
  jiraProjectsDto,
  jiraStatusesDto,
  statusesQuery,
  zohoFieldsDto,
  zohoModuleName as moduleName,
  zohoModulesDto,
} from '../../contracts/metadata';
import { jiraFieldToDto, listJiraIssueTypes, listJiraProjects, listZohoModules, projectStatuses, zohoFieldToDto } from '../services/metadata';
import { routeErrorHandler, tenantOf } from '../services/route-support';
import { requireZoho } from '../services/zoho-access';

const tags = ['metadata'];

/** Runs a vendor read where a vendor 404 means "no such <what>" for the caller. */
async function orNotFound<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    const mapped = fromVendorError(err, what);
    throw mapped ?? err;
  }
}

export const metadataRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);

  fastify.get(
    '/metadata/zoho/modules',
    {
      schema: {
        summary: 'Zoho CRM modules usable through the API; polling-ready ones are marked (F10)',
        tags,
        response: { 200: zohoModulesDto, ...errorResponses(409, 503) },
      },
    },
    async (request) => {
      const { client } = await requireZoho(deps, tenantOf(request), request.forge.accountId);
      return { modules: await listZohoModules(client) };
    },
  );

  fastify.get(
    '/metadata/zoho/modules/:module/fields',
    {
      schema: {
        summary: 'Fields of a Zoho CRM module: type, picklist values, read-only, mandatory',
        tags,
        params: z.object({ module: moduleName }),
        response: { 200: zohoFieldsDto, ...errorResponses(400, 404, 409, 503) },
      },
    },
    async (request) => {
      const { client } = await requireZoho(deps, tenantOf(request), request.forge.accountId);
      const fields = await orNotFound('Zoho CRM module', () => client.metadata.fields(request.params.module));
      return { fields: fields.map(zohoFieldToDto) };
    },
  );

  fastify.get(
    '/metadata/jira/projects',
    {
      schema: {
        summary: 'Jira projects the app can see',
        tags,
        response: { 200: jiraProjectsDto, ...errorResponses(503) },
      },
    },
    async (request) => {
      const jira = await deps.clients.jira(tenantOf(request));
      return { projects: await listJiraProjects(jira) };
    },
  );

  fastify.get(
    '/metadata/jira/projects/:projectIdOrKey/issue-types',
    {
      schema: {
        summary: 'Issue types a Jira project uses',
        tags,
        params: z.object({ projectIdOrKey }),
        response: { 200: jiraIssueTypesDto, ...errorResponses(400, 404, 503) },
      },
    },
    async (request) => {
      const jira = await deps.clients.jira(tenantOf(request));
      const project = await orNotFound('Jira project', () => jira.metadata.getProject(request.params.projectIdOrKey));
      return { issueTypes: await listJiraIssueTypes(jira, project.id) };
    },
  );

  fastify.get(
    '/metadata/jira/projects/:projectIdOrKey/statuses',
    {
      schema: {
        summary: "Statuses of a Jira project's workflows, optionally for one issue type (status sync targets)",
        tags,
        params: z.object({ projectIdOrKey }),
        querystring: statusesQuery,
        response: { 200: jiraStatusesDto, ...errorResponses(400, 404, 503) },
      },
    },
    async (request) => {
      const jira = await deps.clients.jira(tenantOf(request));
      const perType = await orNotFound('Jira project', () => jira.metadata.getProjectStatuses(request.params.projectIdOrKey));
      const { issueTypeId } = request.query;
      if (issueTypeId && !perType.some((t) => t.id === issueTypeId)) throw notFound('Issue type in this project');
      return { statuses: projectStatuses(perType, issueTypeId) };
    },
  );

  fastify.get(
    '/metadata/jira/fields',
    {
      schema: {
        summary: 'Jira fields with their schema types; `syncable` marks possible mapping targets',
        tags,
        response: { 200: jiraFieldsDto, ...errorResponses(503) },
      },
    },
    async (request) => {
      const jira = await deps.clients.jira(tenantOf(request));
      return { fields: (await jira.metadata.listFields()).map(jiraFieldToDto) };
    },
  );
};
