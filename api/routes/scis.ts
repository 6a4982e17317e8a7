// Smart Connected Items for the admin page (F7–F11, F22): list with the latest sync state, read, create,
// update, delete, pause/resume, sync now, retry parked events, run history, resync one link or the whole
// item, and the Temporal UI link. Every write checks the body twice: its shape with the one SCI schema
// (400), then against live Zoho and Jira metadata (422 naming each bad field); nothing is saved on error.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { errorBodySchema, errorResponses, invalid, problemSchema, type Problem } from '../services/api-errors';
import { linkToDto } from '../services/links';
import { routeErrorHandler, rowId, tenantOf } from '../services/route-support';
import { resyncLink, resyncSci, setPaused, signal } from '../services/sci-controls';
import { describeSci, findSci, getSciDto, listScis } from '../services/sci-reads';
import { listRuns } from '../services/sci-runs';
import { createSci, deleteSci, updateSci, type ResolvedScope } from '../services/sci-writes';
import type { SciBody } from '../../contracts/scis';
import { acceptedDto as acceptedBody, linksDto, linksQuery, resyncBody, runsDto, runsQuery, sciBodySchema, sciDto, sciListDto } from '../../contracts/scis';
import { loadSciMetadata, validateSci } from '../services/sci-validation';
import { validateJqlFields } from '../services/sci-jql-fields-validation';
import { loadRelatedTargets, validateRelatedRecords } from '../services/sci-related-validation';
import { checkJqlFilter, validateSyncRules } from '../services/sci-rules-validation';
import { loadValueMapMetadata, validateValueMaps } from '../services/sci-value-map-validation';
import { requireZoho } from '../services/zoho-access';

const sciParams = z.object({ sciId: rowId });
const tags = ['smart connected items'];

/** Checks a body against live metadata; returns the Jira scope it resolved, or the problems found. */
async function checkAgainstMetadata(
  deps: AppDeps,
  tenantId: string,
  accountId: string | undefined,
  body: SciBody,
): Promise<{ scope: ResolvedScope | null; problems: Problem[] }> {
  const access = await requireZoho(deps, tenantId, accountId);
  const jira = await deps.clients.jira(tenantId);
  const meta = await loadSciMetadata(body, access.client, jira, access.mode);
  const [targets, jql, valueMapMeta] = await Promise.all([
    loadRelatedTargets(body, meta.zohoFields, access.client),
    checkJqlFilter(body, jira),
    loadValueMapMetadata(body, meta.jiraFields, access.client, jira),
  ]);
  const problems = [
    ...validateSci(body, meta),
    ...validateRelatedRecords(body, meta.zohoFields, targets),
    ...validateSyncRules(body, meta.zohoFields, jql),
    ...validateValueMaps(body, meta.zohoFields, meta.jiraFields, valueMapMeta),
    ...validateJqlFields(body, meta.zohoFields),
  ];
  return { scope: meta.project ? { projectId: meta.project.id, projectKey: meta.project.key } : null, problems };
}

async function validated(deps: AppDeps, tenantId: string, accountId: string | undefined, body: SciBody): Promise<ResolvedScope> {
  const { scope, problems } = await checkAgainstMetadata(deps, tenantId, accountId, body);
  if (problems.length > 0 || !scope) throw invalid(problems);
  return scope;
}

export const sciRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);

  fastify.get(
    '/scis',
    {
      schema: {
        summary: 'Smart Connected Items of this Jira site, with their latest sync state (F7)',
        tags,
        response: { 200: sciListDto, ...errorResponses(503) },
      },
    },
    async (request) => ({ items: await listScis(deps, tenantOf(request)) }),
  );

  fastify.post(
    '/scis/validate',
    {
      schema: {
        summary: 'Checks a definition against live metadata without saving it (the editor calls it per step)',
        tags,
        body: sciBodySchema,
        response: {
          200: z.object({ valid: z.boolean(), problems: z.array(problemSchema) }),
          ...errorResponses(400, 409, 413, 415, 503),
        },
      },
    },
    async (request) => {
      const { problems } = await checkAgainstMetadata(deps, tenantOf(request), request.forge.accountId, request.body);
      return { valid: problems.length === 0, problems };
    },
  );

  fastify.post(
    '/scis',
    {
      schema: {
        summary: 'Creates a Smart Connected Item and starts its workflow (F8, F11)',
        description:
          'The workflow starts in the same request for 1 Way / 2 Way items that are enabled; if Temporal cannot be reached nothing is saved (503).',
        tags,
        body: sciBodySchema,
        response: { 201: sciDto, ...errorResponses(400, 409, 413, 415, 422, 503) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const scope = await validated(deps, tenantId, request.forge.accountId, request.body);
      const sci = await createSci(deps, tenantId, request.body, scope);
      return reply.status(201).send(await describeSci(deps, sci));
    },
  );

  fastify.get(
    '/scis/:sciId',
    {
      schema: { summary: 'One Smart Connected Item', tags, params: sciParams, response: { 200: sciDto, ...errorResponses(404, 503) } },
    },
    async (request) => getSciDto(deps, tenantOf(request), request.params.sciId),
  );

  fastify.put(
    '/scis/:sciId',
    {
      schema: {
        summary: 'Replaces a Smart Connected Item definition and tells its workflow (F8, F11)',
        description:
          'Enabling starts the workflow, disabling or switching to Display stops it, any other change signals it to re-read its configuration. Module, project and issue type are fixed once records are linked (409).',
        tags,
        params: sciParams,
        body: sciBodySchema,
        response: { 200: sciDto, ...errorResponses(400, 404, 409, 413, 415, 422, 503) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const prev = await findSci(deps, tenantId, request.params.sciId);
      const scope = await validated(deps, tenantId, request.forge.accountId, request.body);
      return describeSci(deps, await updateSci(deps, prev, request.body, scope));
    },
  );

  fastify.delete(
    '/scis/:sciId',
    {
      schema: {
        summary: 'Stops the workflow, then deletes the item with its links and run history',
        tags,
        params: sciParams,
        response: { 204: z.null().describe('Deleted'), ...errorResponses(404, 503) },
      },
    },
    async (request, reply) => {
      const sci = await findSci(deps, tenantOf(request), request.params.sciId);
      await deleteSci(deps, sci);
      return reply.status(204).send(null);
    },
  );

  for (const action of ['pause', 'resume'] as const) {
    fastify.post(
      `/scis/:sciId/${action}`,
      {
        schema: {
          summary: action === 'pause' ? 'Pauses automation for this item (no polling, events queue up)' : 'Resumes automation',
          tags,
          params: sciParams,
          response: { 200: sciDto, ...errorResponses(404, 409, 503) },
        },
      },
      async (request) => {
        const sci = await findSci(deps, tenantOf(request), request.params.sciId);
        return describeSci(deps, await setPaused(deps, sci, action === 'pause'));
      },
    );
  }

  fastify.post(
    '/scis/:sciId/sync',
    {
      schema: {
        summary: 'Sync now: wakes the workflow for an immediate poll',
        tags,
        params: sciParams,
        response: { 202: acceptedBody, ...errorResponses(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const sci = await findSci(deps, tenantOf(request), request.params.sciId);
      await signal(deps, sci, 'syncNow');
      return reply.status(202).send({ accepted: true, message: 'Sync requested; the run appears in the history when it ends.' });
    },
  );

  fastify.post(
    '/scis/:sciId/retry-parked',
    {
      schema: {
        summary: 'Puts events that failed repeatedly (parked) back in the queue (F22)',
        tags,
        params: sciParams,
        response: { 202: acceptedBody, ...errorResponses(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const sci = await findSci(deps, tenantOf(request), request.params.sciId);
      await signal(deps, sci, 'retryParked');
      return reply.status(202).send({ accepted: true, message: 'Parked events were queued again.' });
    },
  );

  fastify.get(
    '/scis/:sciId/runs',
    {
      schema: {
        summary: 'Run history, newest first (F22)',
        tags,
        params: sciParams,
        querystring: runsQuery,
        response: { 200: runsDto, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const sci = await findSci(deps, tenantOf(request), request.params.sciId);
      return listRuns(deps, sci, request.query);
    },
  );

  fastify.get(
    '/scis/:sciId/links',
    {
      schema: {
        summary: 'Record links of this item (for "resync one link")',
        tags,
        params: sciParams,
        querystring: linksQuery,
        response: { 200: linksDto, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const sci = await findSci(deps, tenantOf(request), request.params.sciId);
      const { limit, after } = request.query;
      const links = await deps.prisma.recordLink.findMany({
        where: { tenantId: sci.tenantId, sciId: sci.id, ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: 'asc' },
        take: limit + 1,
      });
      const page = links.slice(0, limit);
      return { links: page.map(linkToDto), nextAfter: links.length > limit ? (page.at(-1)?.id ?? null) : null };
    },
  );

  fastify.post(
    '/scis/:sciId/links/:linkId/resync',
    {
      schema: {
        summary: 'Resync one link: its record is read again and applied even if unchanged (F22)',
        tags,
        params: sciParams.extend({ linkId: rowId }),
        response: { 202: acceptedBody, ...errorResponses(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const sci = await findSci(deps, tenantOf(request), request.params.sciId);
      await resyncLink(deps, sci, request.params.linkId);
      return reply.status(202).send({ accepted: true, message: 'The record will be read again and applied.' });
    },
  );

  fastify.post(
    '/scis/:sciId/resync',
    {
      schema: {
        summary: 'Resync the whole item: re-reads every record modified since a chosen time (F22)',
        description:
          'Refused (409) while a sync runs or events wait in the workflow, so no queued event is lost. Without `since`, everything since the item was created is read again.',
        tags,
        params: sciParams,
        body: resyncBody,
        response: { 202: acceptedBody, ...errorResponses(400, 404, 409, 415, 503) },
      },
    },
    async (request, reply) => {
      const sci = await findSci(deps, tenantOf(request), request.params.sciId);
      const since = request.body.since ? new Date(request.body.since) : sci.createdAt;
      if (since.getTime() > Date.now()) {
        return reply.status(400).send({ statusCode: 400, error: 'Bad Request', message: '`since` is in the future.' });
      }
      await resyncSci(deps, sci, since);
      return reply.status(202).send({ accepted: true, message: `Records modified since ${since.toISOString()} will be read again.` });
    },
  );

  fastify.get(
    '/scis/:sciId/temporal',
    {
      schema: {
        summary: 'Where to inspect this item in the Temporal Web UI (F32)',
        tags,
        params: sciParams,
        response: { 200: z.object({ workflowId: z.string(), url: z.string().nullable() }), 404: errorBodySchema },
      },
    },
    async (request) => {
      const sci = await findSci(deps, tenantOf(request), request.params.sciId);
      return { workflowId: deps.workflows.workflowId(sci), url: deps.workflows.uiUrl(sci) ?? null };
    },
  );
};
