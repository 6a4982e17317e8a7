// The conflict inbox on the admin page (F48): every held conflict of the tenant, and resolving one.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { conflictListDto, resolveConflictBody, resolvedConflictDto } from '../../contracts/conflicts';
import type { AppDeps } from '../deps';
import { errorResponses } from '../services/api-errors';
import { listConflicts, resolveConflict } from '../services/conflicts';
import { routeErrorHandler, rowId, tenantOf } from '../services/route-support';

const tags = ['conflicts'];

export const conflictRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);

  fastify.get(
    '/conflicts',
    { schema: { summary: 'Held conflicts: 2 Way fields changed on both sides, waiting for a choice (F48)', tags, response: { 200: conflictListDto, ...errorResponses(400) } } },
    async (request) => ({ conflicts: await listConflicts(deps, tenantOf(request)) }),
  );

  fastify.post(
    '/conflicts/:conflictId/resolve',
    {
      schema: {
        summary: "Resolves a held conflict: the kept side's current value is written to the other side (F48)",
        tags,
        params: z.object({ conflictId: rowId }),
        body: resolveConflictBody,
        response: { 200: resolvedConflictDto, ...errorResponses(400, 404, 409, 422, 502, 503) },
      },
    },
    async (request) => resolveConflict(deps, tenantOf(request), request.forge.accountId, request.params.conflictId, request.body),
  );
};
