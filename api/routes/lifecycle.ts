// Forge lifecycle and scheduled triggers pointed at the API. Forge Remote has no refresh endpoint for the
// app system token (jira-forge.md §3): the backend keeps a fresh one only because Forge calls it. An
// hourly scheduled trigger hits /lifecycle/token-refresh, and the installed/upgraded lifecycle events hit
// /lifecycle/installed; the FIT plugin has already upserted the tenant and stored the token by the time
// these handlers run, so they report what is stored and bring the site's workflows in line.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { errorResponses } from '../services/api-errors';
import { reconcileWorkflows } from '../services/reconciler';
import { routeErrorHandler } from '../services/route-support';

// Scheduled triggers send `{ context: { cloudId, moduleKey }, contextToken }`, lifecycle events their own
// payload; nothing in them is needed (the FIT says who is calling), so any JSON object is accepted.
const triggerBody = z.looseObject({}).nullish();

const RECONCILE_BUDGET_MS = 3000;

const tokenReply = z.object({
  /** Whether a Jira app token is stored for this site. */
  systemTokenStored: z.boolean(),
  /** When the stored token expires (null when none is stored). */
  systemTokenExpiresAt: z.string().nullable(),
});

const installedReply = tokenReply.extend({
  tenantId: z.string(),
  /** Workflows brought in line; null when that continues in the background (large site or Temporal slow). */
  workflows: z.object({ running: z.number().int(), stopped: z.number().int(), failed: z.number().int() }).nullable(),
});

export const lifecycleRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (fastify, { deps }) => {
  fastify.setErrorHandler(routeErrorHandler);

  const tokenState = (tenant: { forgeSystemTokenCiphertext: Uint8Array | null; forgeSystemTokenExpiresAt: Date | null }) => ({
    systemTokenStored: Boolean(tenant.forgeSystemTokenCiphertext),
    systemTokenExpiresAt: tenant.forgeSystemTokenExpiresAt?.toISOString() ?? null,
  });

  fastify.post(
    '/lifecycle/token-refresh',
    {
      schema: {
        summary: 'Scheduled trigger: keep the Jira app system token fresh',
        description: 'The token arrives in x-forge-oauth-system and is stored (sealed) by the FIT check when it is newer than the stored one.',
        tags: ['lifecycle'],
        body: triggerBody,
        response: { 200: tokenReply, ...errorResponses(400) },
      },
    },
    async (request) => {
      if (!request.headers['x-forge-oauth-system']) request.log.warn({ tenantId: request.forge.tenant.id }, 'token refresh call without a system token (is appSystemToken enabled on the remote?)');
      return tokenState(request.forge.tenant);
    },
  );

  fastify.post(
    '/lifecycle/installed',
    {
      schema: {
        summary: 'Lifecycle event: app installed or upgraded on a site',
        description: 'Registers the installation (a reinstall on the same site keeps its Smart Connected Items) and restarts its workflows.',
        tags: ['lifecycle'],
        body: triggerBody,
        response: { 200: installedReply, ...errorResponses(400) },
      },
    },
    async (request) => {
      const tenant = request.forge.tenant;
      // Forge waits 5 s for a remote: answer within the budget and let a large site finish in the background.
      const reconciling = reconcileWorkflows(deps, { tenantId: tenant.id, concurrency: 4 }).then(
        (report) => {
          if (report.failed.length > 0) request.log.warn({ tenantId: tenant.id, failed: report.failed.length }, 'some SCI workflows could not be brought in line');
          return report;
        },
        (err: unknown) => {
          request.log.warn({ err, tenantId: tenant.id }, 'SCI workflow reconciliation failed');
          return undefined;
        },
      );
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<'later'>((resolve) => (timer = setTimeout(() => resolve('later'), RECONCILE_BUDGET_MS)));
      const report = await Promise.race([reconciling, budget]).finally(() => clearTimeout(timer));
      return {
        tenantId: tenant.id,
        ...tokenState(tenant),
        workflows: report && report !== 'later' ? { running: report.running, stopped: report.stopped, failed: report.failed.length } : null,
      };
    },
  );
};
