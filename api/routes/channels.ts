// Zoho notification channels of the tenant (F33) for the admin page: which modules get near-real-time
// changes, until when, and what the channel keeper last did. Read-only: the keeper workflow owns them.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { channelsDto } from '../../contracts/channels';
import type { AppDeps } from '../deps';
import { errorResponses } from '../services/api-errors';
import { routeErrorHandler, tenantOf } from '../services/route-support';

const STATUS_BUDGET_MS = 2000;

export const channelRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);

  fastify.get(
    '/connection/channels',
    {
      schema: {
        summary: 'Zoho notification channels that bring CRM changes within seconds (F33)',
        tags: ['connection'],
        response: { 200: channelsDto, ...errorResponses(503) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const rows = await deps.prisma.zohoNotificationChannel.findMany({
        where: { tenantId, state: { not: 'DISABLED' } },
        orderBy: { createdAt: 'asc' },
      });
      let keeperQuery: 'ok' | 'not_running' | 'unreachable' = 'not_running';
      let keeper: z.infer<typeof channelsDto>['keeper'] = null;
      try {
        // The query carries a gRPC deadline: past the budget it fails by itself (and stops retrying).
        const status = await deps.workflows.channelStatus(tenantId, STATUS_BUDGET_MS);
        if (status) {
          keeperQuery = 'ok';
          keeper = {
            reconciliations: status.reconciliations,
            lastError: status.lastError,
            skipped: status.lastResult?.skipped ?? null,
            nextCheckAt: status.lastResult?.nextCheckAt ?? null,
          };
        }
      } catch (err) {
        request.log.warn({ err, tenantId }, 'channel keeper status unavailable');
        keeperQuery = 'unreachable';
      }
      return {
        enabled: deps.workflows.channelsEnabled,
        channels: rows.map((r) => ({
          module: r.events[0]?.split('.')[0] ?? '',
          events: r.events,
          state: r.state,
          expiresAt: r.expiresAt.toISOString(),
          lastRenewedAt: r.lastRenewedAt?.toISOString() ?? null,
        })),
        keeper,
        keeperQuery,
        temporalUiUrl: deps.workflows.channelsUiUrl(tenantId) ?? null,
      };
    },
  );
};
