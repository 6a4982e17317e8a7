// The control surface under `/__sandbox`: statistics, reset, fault injection, rate limits, Forge settings
// and deliveries, and hand edits made "as a person in Jira" (they raise Forge events with
// selfGenerated=false). Not part of Jira; see README.md.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FaultSpec, SimContext } from './context';
import { fieldById, JiraApiError, textDoc } from './store';
import { signForgeInvocationToken, uiFitClaimsFor } from './forge';
import { HUMAN, ISSUE_TYPES } from './seed';

type Req = FastifyRequest<{ Params: Record<string, string>; Body: unknown }>;

const faultSchema = z.object({
  method: z.string().optional(),
  path: z.string().optional(),
  status: z.number().int().min(0).max(599),
  times: z.number().int().positive().optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
  body: z.unknown().optional(),
  rateLimitReason: z.string().optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
});

const fitSchema = z.object({ accountId: z.string().min(1).max(200), moduleKey: z.string().min(1).max(100) });

const userSchema = z.object({
  accountId: z.string().min(1).max(200),
  displayName: z.string().min(1).max(200).optional(),
  admin: z.boolean().default(false),
  /** Keys of the projects the person may browse; omitted means every project. */
  browseProjects: z.array(z.string().min(1).max(20)).optional(),
});

const outageSchema = z.object({
  durationMs: z.number().int().min(0),
  /** 0 drops the connection; default 503. */
  status: z.union([z.literal(0), z.number().int().min(400).max(599)]).optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
});
const lagSchema = z.object({ ms: z.number().int().min(0) });

const rateLimitSchema = z.object({ perSecond: z.number().positive(), burst: z.number().int().positive().optional() });

const createSchema = z.object({
  project: z.string().default('DEMO'),
  issueType: z.string().default('Task'),
  summary: z.string(),
  description: z.string().optional(),
  /** Further fields in REST shape, by id. */
  fields: z.record(z.string(), z.unknown()).optional(),
});

const editSchema = z.object({
  /** REST-shaped field values; `description` and ADF custom fields may also be given as plain text. */
  fields: z.record(z.string(), z.unknown()).optional(),
  /** Move to this status through whichever transition leads there. */
  status: z.string().optional(),
  resolution: z.string().optional(),
});

const commentSchema = z.object({ text: z.string().optional(), body: z.unknown().optional() });
const attachmentSchema = z.object({
  filename: z.string().min(1),
  mimeType: z.string().default('text/plain'),
  /** Text content, or base64 when `base64` is true. */
  content: z.string(),
  base64: z.boolean().default(false),
});

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new JiraApiError(400, [z.prettifyError(r.error)]);
  return r.data;
}

/** Plain text is accepted where ADF is required, for convenience of hand edits. */
function adfFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, fieldById(k)?.kind === 'adf' && typeof v === 'string' ? textDoc(v) : v]));
}

export function controlRoutes(ctx: SimContext, resetAll: () => Promise<void>) {
  return async function register(app: FastifyInstance): Promise<void> {
    const { store } = ctx;

    app.get('/stats', async () => ctx.stats);
    app.post('/stats/reset', async (_req, reply) => {
      ctx.resetStats();
      return reply.code(204).send();
    });
    app.post('/reset', async (_req, reply) => {
      await resetAll();
      return reply.code(204).send();
    });

    app.get('/faults', async () => ctx.faults);
    app.post('/faults', async (req: Req, reply) => {
      const id = ctx.addFault(parse(faultSchema, req.body) as FaultSpec);
      return reply.code(201).send({ id });
    });
    app.delete('/faults', async (_req, reply) => {
      ctx.faults.length = 0;
      return reply.code(204).send();
    });

    app.get('/outage', async () => ({ outage: ctx.outage ?? null }));
    app.post('/outage', async (req: Req) => {
      const o = parse(outageSchema, req.body);
      return {
        outage: ctx.setOutage({
          durationMs: o.durationMs,
          ...(o.status !== undefined ? { status: o.status } : {}),
          ...(o.retryAfterSeconds !== undefined ? { retryAfterSeconds: o.retryAfterSeconds } : {}),
        }),
      };
    });
    app.delete('/outage', async (_req, reply) => {
      ctx.clearOutage();
      return reply.code(204).send();
    });

    app.get('/search-index-lag', async () => ({ ms: store.searchIndex.lagMs }));
    app.post('/search-index-lag', async (req: Req) => {
      const { ms } = parse(lagSchema, req.body);
      store.setSearchIndexLag(ms);
      return { ms: store.searchIndex.lagMs };
    });

    app.put('/rate-limit', async (req: Req) => {
      const rl = parse(rateLimitSchema, req.body);
      const burst = rl.burst ?? Math.max(1, Math.ceil(rl.perSecond));
      ctx.rateLimit = { perSecond: rl.perSecond, burst, tokens: burst, last: Date.now() };
      return { perSecond: rl.perSecond, burst };
    });
    app.delete('/rate-limit', async (_req, reply) => {
      ctx.rateLimit = undefined;
      return reply.code(204).send();
    });

    app.get('/installation', async () => ({ ...ctx.installation(), systemToken: ctx.systemToken }));
    // The site's people, and whether each is a Jira admin (ADMINISTER), for tests and for the host page.
    app.get('/users', async () =>
      [...ctx.store.users.values()]
        .filter((u) => u.accountType === 'atlassian')
        .map((u) => ({ accountId: u.accountId, displayName: u.displayName, admin: u.siteAdmin === true })),
    );
    app.post('/users', async (req: Req, reply) => {
      const u = parse(userSchema, req.body);
      ctx.store.addUser({ accountId: u.accountId, siteAdmin: u.admin, ...(u.displayName ? { displayName: u.displayName } : {}), ...(u.browseProjects ? { browseProjects: u.browseProjects } : {}) });
      return reply.code(201).send({ accountId: u.accountId, displayName: u.displayName ?? u.accountId, admin: u.admin });
    });
    // A Forge Invocation Token for a call from one of the app's screens by this user, signed with the sandbox
    // key like the host page's: the API verifies it like any FIT. Only the sandbox serves this.
    app.post('/forge/fit', async (req: Req) => {
      const { accountId, moduleKey } = parse(fitSchema, req.body);
      const user = ctx.store.user(accountId);
      if (!user || user.accountType !== 'atlassian') throw new JiraApiError(404, [`No sandbox user has the account id ${accountId}; GET /__sandbox/users lists them.`]);
      return { token: await signForgeInvocationToken(uiFitClaimsFor(ctx.installation(), accountId, moduleKey)) };
    });
    app.post('/auth/revoke', async (_req, reply) => {
      ctx.revokeSystemTokens();
      return reply.code(204).send();
    });

    app.get('/forge', async () => ({ eventUrl: ctx.delivery.eventUrl ?? null }));
    app.put('/forge', async (req: Req) => {
      const { eventUrl } = parse(z.object({ eventUrl: z.string().url().nullable() }), req.body);
      ctx.delivery.eventUrl = eventUrl ?? undefined;
      return { eventUrl };
    });
    app.get('/deliveries', async () => ctx.delivery.records.map(({ payload: _payload, ...r }) => r));

    // --- hand edits -----------------------------------------------------------------------------
    app.post('/issues', async (req: Req, reply) => {
      const input = parse(createSchema, req.body);
      const project = store.project(input.project);
      const type = ISSUE_TYPES.find((t) => t.name.toLowerCase() === input.issueType.toLowerCase() || t.id === input.issueType);
      const issue = store.createIssue(
        {
          fields: {
            ...adfFields(input.fields ?? {}),
            project: { key: project?.key ?? input.project },
            issuetype: { id: type?.id ?? input.issueType },
            summary: input.summary,
            ...(input.description ? { description: textDoc(input.description) } : {}),
          },
        },
        HUMAN.accountId,
      );
      ctx.issueCreated(issue, HUMAN.accountId);
      return reply.code(201).send({ id: issue.id, key: issue.key });
    });

    app.patch('/issues/:key', async (req: Req) => {
      const input = parse(editSchema, req.body);
      const issue = store.requireIssue(req.params.key!);
      const entries = [];
      if (input.fields) {
        const entry = store.editIssue(issue, { fields: adfFields(input.fields) }, HUMAN.accountId);
        if (entry) entries.push(entry);
      }
      if (input.status) {
        const entry = store.transitionToStatus(issue, input.status, HUMAN.accountId, input.resolution);
        if (entry) entries.push(entry);
      }
      for (const e of entries) ctx.issueUpdated(issue, e, HUMAN.accountId);
      return { key: issue.key, changelogIds: entries.map((e) => e.id) };
    });

    app.post('/issues/:key/comments', async (req: Req, reply) => {
      const input = parse(commentSchema, req.body);
      const issue = store.requireIssue(req.params.key!);
      const comment = store.addComment(issue, { body: input.body ?? textDoc(input.text ?? '') }, HUMAN.accountId);
      ctx.commented(issue, comment, HUMAN.accountId);
      return reply.code(201).send({ id: comment.id });
    });

    app.post('/issues/:key/attachments', async (req: Req, reply) => {
      const input = parse(attachmentSchema, req.body);
      const issue = store.requireIssue(req.params.key!);
      const bytes = Buffer.from(input.content, input.base64 ? 'base64' : 'utf8');
      if (bytes.length > ctx.uploadLimit) throw new JiraApiError(413, [`The file is too large: the maximum attachment size is ${ctx.uploadLimit} bytes.`]);
      const path = join(ctx.attachmentDir, `hand-${Date.now()}-${Math.random().toString(36).slice(2)}`);
      try {
        await pipeline(Readable.from([bytes]), createWriteStream(path));
      } catch (e) {
        await rm(path, { force: true });
        throw e;
      }
      const a = store.addAttachment(issue, { filename: input.filename, mimeType: input.mimeType, size: bytes.length, path, authorId: HUMAN.accountId });
      ctx.attachmentCreated(issue, a, HUMAN.accountId);
      return reply.code(201).send({ id: a.id });
    });
  };
}
