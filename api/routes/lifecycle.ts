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
import { uninstallTenant } from '../services/uninstall';

// Scheduled triggers send `{ context: { cloudId, moduleKey }, contextToken }`, lifecycle events their own
// payload; nothing in them is needed (the FIT says who is calling), so any JSON object is accepted.
const triggerBody = z.looseObject({}).nullish();

const RECONCILE_BUDGET_MS = 3000;
/** Forge waits 5 s: the secrets are deleted first, then workflow and Zoho clean-up get what is left of this. */
const UNINSTALL_BUDGET_MS = 3000;

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

const uninstalledReply = z.object({
  tenantId: z.string(),
  uninstalledAt: z.string(),
  /** Always true: the site's secrets are deleted before this answer. */
  secretsDeleted: z.literal(true),
  /** Workflow and Zoho clean-up; null when it continues in the background. */
  cleanup: z
    .object({
      workflowsTerminated: z.number().int(),
      workflowsFailed: z.number().int(),
      channelsDisabled: z.number().int(),
      refreshTokensRevoked: z.number().int(),
      failures: z.number().int(),
    })
    .nullable(),
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

  fastify.post(
    '/lifecycle/uninstalled',
    {
      // A retry of this event (Forge retries a slow answer) is answered again, not refused.
      config: { acceptUninstalled: true },
      schema: {
        summary: 'Lifecycle event: app uninstalled from a site',
        description:
          'Deletes every secret of the installation (Jira app token, Zoho client secret and tokens, users\' Zoho sign-ins, channel tokens) before answering, then ends its workflows, disables its Zoho notification channels and revokes its Zoho refresh tokens. Later calls of the installation get 401; its data is deleted after TENANT_RETENTION_DAYS.',
        tags: ['lifecycle'],
        body: triggerBody,
        response: { 200: uninstalledReply, ...errorResponses(400) },
      },
    },
    async (request) => {
      const tenant = request.forge.tenant;
      const { uninstalledAt, followUp } = await uninstallTenant(deps, tenant.id, request.log);
      // Any call already past the FIT check may have cached the tenant; drop it after the commit.
      fastify.forgeTenantCache.forget(tenant.installationId);
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<'later'>((resolve) => (timer = setTimeout(() => resolve('later'), UNINSTALL_BUDGET_MS)));
      const done = await Promise.race([followUp, budget]).finally(() => clearTimeout(timer));
      request.log.info({ tenantId: tenant.id }, 'app uninstalled from the Jira site');
      return {
        tenantId: tenant.id,
        uninstalledAt: uninstalledAt.toISOString(),
        secretsDeleted: true as const,
        cleanup:
          done === 'later'
            ? null
            : {
                workflowsTerminated: done.workflows.terminated,
                workflowsFailed: done.workflows.failed,
                channelsDisabled: done.zoho.channelsDisabled,
                refreshTokensRevoked: done.zoho.refreshTokensRevoked,
                failures: done.workflows.failed + done.zoho.channelsFailed + done.zoho.revokeFailed,
              },
      };
    },
  );
};
