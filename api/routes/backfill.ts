// Backfill of one SCI (F34) for the admin page: its progress, start it (again), cancel it. Creating an SCI
// whose definition asks for a backfill starts one in the same request (api/services/sci-writes.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { errorResponses } from '../services/api-errors';
import { backfillDto } from '../../contracts/scis';
import { describeBackfill, runBackfill, stopBackfill } from '../services/backfill';
import { routeErrorHandler, rowId, tenantOf } from '../services/route-support';
import { findSci } from '../services/sci-reads';

const params = z.object({ sciId: rowId });
const tags = ['backfill'];

export const backfillRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);

  fastify.get(
    '/scis/:sciId/backfill',
    {
      schema: {
        summary: 'Progress of the item’s backfill: live while it runs, the stored outcome after (null when none ever ran)',
        tags,
        params,
        response: { 200: backfillDto, ...errorResponses(404, 503) },
      },
    },
    async (request) => describeBackfill(deps, await findSci(deps, tenantOf(request), request.params.sciId)),
  );

  fastify.post(
    '/scis/:sciId/backfill',
    {
      schema: {
        summary: 'Starts the backfill the item is configured for, or answers with the one already running',
        description: 'Records linked already are skipped, so running it again is safe. 409 when the item asks for no backfill, is disabled or is Display.',
        tags,
        params,
        response: { 202: backfillDto, ...errorResponses(404, 409, 503) },
      },
    },
    async (request, reply) => {
      const sci = await findSci(deps, tenantOf(request), request.params.sciId);
      return reply.status(202).send(await runBackfill(deps, sci));
    },
  );

  fastify.post(
    '/scis/:sciId/backfill/cancel',
    {
      schema: {
        summary: 'Stops the backfill after the page in progress; what it did stays',
        tags,
        params,
        response: { 200: backfillDto, ...errorResponses(404, 503) },
      },
    },
    async (request) => stopBackfill(deps, await findSci(deps, tenantOf(request), request.params.sciId)),
  );
};
