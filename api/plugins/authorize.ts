// Vertical authorization (F38), after the FIT check has said which site and which user is calling.
// Every route in the FIT-protected scope answers to exactly one kind of caller, declared where the routes
// are registered (api/app.ts gives each group its default; a route may say otherwise in `config.access`):
//
//   admin   a Jira administrator (ADMINISTER global permission): the admin page's whole API
//   issue   a user who can browse the issue named in the path (BROWSE_PROJECTS): the issue panel
//   user    any signed-in Jira user of the site, acting on their own account (Providers-mode sign-in)
//   app     Forge itself: product events, lifecycle events, scheduled triggers (a FIT of the installation;
//           no user is needed, so a call without a principal reaches these routes and no others)
//
// Refusals are 403 with the API's error body (401 stays reserved for FIT failures, as Forge requires). The
// check runs on onRequest, before the body is read or validated, so a refused caller learns nothing from
// validation messages.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { ApiError, errorBodySchema } from '../services/api-errors';
import type { JiraPermissions } from '../services/permissions';
import { issueIdOrKey } from '../services/route-support';

export const ACCESS_LEVELS = ['admin', 'issue', 'user', 'app'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (api/plugins/authorize.ts). */
    access?: Access;
  }
}

export const REFUSALS = {
  noUser: new ApiError(
    403,
    'This action needs a signed-in Jira user: open it from the Zoho CRM Connector admin page or the Zoho CRM panel of an issue.',
    'USER_REQUIRED',
  ),
  notAdmin: new ApiError(
    403,
    'Only Jira administrators can change the Zoho CRM Connector. Ask someone with the "Administer Jira" permission to do this for you.',
    'ADMIN_REQUIRED',
  ),
  issueHidden: new ApiError(
    403,
    'You do not have permission to browse this issue, so its Zoho CRM records are not shown. Ask a Jira admin for access to the project.',
    'ISSUE_NOT_VISIBLE',
  ),
} as const;

const DESCRIPTIONS: Record<Access, string> = {
  admin: 'Caller: a Jira administrator (ADMINISTER global permission, checked with Jira).',
  issue: 'Caller: a Jira user who can browse the issue (BROWSE_PROJECTS, checked with Jira).',
  user: 'Caller: any Jira user of the site, acting on their own account.',
  app: 'Caller: Forge (product events, lifecycle events, scheduled triggers); no user.',
};

export interface AuthorizeOptions {
  /** The access of routes in this scope that do not declare their own. */
  access: Access;
  permissions: JiraPermissions;
}

function refuse(error: ApiError) {
  return error.toBody();
}

export const authorize = fp<AuthorizeOptions>(
  async (fastify: FastifyInstance, opts) => {
    fastify.addHook('onRoute', (route) => {
      const access = (route.config as { access?: Access } | undefined)?.access ?? opts.access;
      route.config = { ...(route.config ?? {}), access };
      const schema = (route.schema ??= {});
      schema.description = [schema.description, DESCRIPTIONS[access]].filter(Boolean).join('\n\n');
      const response = (schema.response ??= {}) as Record<string, unknown>;
      response[403] ??= errorBodySchema;
    });

    fastify.addHook('onRequest', async (request, reply) => {
      const access = request.routeOptions.config.access;
      if (!access) throw new Error(`Route ${request.routeOptions.url ?? request.url} declares no access (api/plugins/authorize.ts)`);
      const { tenant, accountId } = request.forge;
      if (access === 'app') return;
      if (!accountId) return reply.status(403).send(refuse(REFUSALS.noUser));
      if (access === 'user') return;
      try {
        if (access === 'admin') {
          if (!(await opts.permissions.isAdmin(tenant.id, accountId))) return reply.status(403).send(refuse(REFUSALS.notAdmin));
          return;
        }
        const raw = (request.params as Record<string, unknown> | undefined)?.issueIdOrKey;
        const parsed = issueIdOrKey.safeParse(raw);
        if (!parsed.success) {
          return reply.status(400).send(new ApiError(400, 'The issue in the address is not a Jira issue id or key such as DEMO-12.', 'VALIDATION_FAILED').toBody());
        }
        const issue = await opts.permissions.issueAccess(tenant.id, accountId, parsed.data);
        if (!issue) return reply.status(404).send(new ApiError(404, 'Issue does not exist or you do not have permission to see it.', 'NOT_FOUND').toBody());
        if (!issue.visible) return reply.status(403).send(refuse(REFUSALS.issueHidden));
      } catch (err) {
        if (err instanceof ApiError) {
          if (err.retryAfterSeconds !== undefined) void reply.header('retry-after', String(err.retryAfterSeconds));
          request.log.warn({ code: err.code, tenantId: tenant.id }, 'permission check failed');
          return reply.status(err.statusCode).send(err.toBody());
        }
        throw err;
      }
    });
  },
  { name: 'authorize', fastify: '5.x', dependencies: ['forge-auth'] },
);
