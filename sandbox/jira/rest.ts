// Jira Cloud REST API v3 routes, registered under `/rest/api/3` and `/ex/jira/{cloudId}/rest/api/3`.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimContext } from './context';
import { compileJql, sortIssues } from './jql';
import { bulkPermissionCheck } from './permissions';
import {
  renderAttachment,
  renderChangelogEntry,
  renderComment,
  renderField,
  renderIssue,
  renderIssueType,
  renderProject,
  renderStatus,
  renderTransition,
  renderUser,
  selectFields,
  type Json,
} from './render';
import { FIELDS, ISSUE_TYPES, PRIORITIES, STATUSES } from './seed';
import { formatJiraDate, JiraApiError, type SimAttachment, type SimIssue } from './store';

export type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | string[] | undefined>; Body: unknown }>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Account the caller acts as (set by the auth hook). */
    actorId: string;
  }
}

const list = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

function intParam(v: string | string[] | undefined, name: string, dflt: number): number {
  const s = one(v);
  if (s === undefined || s === '') return dflt;
  if (!/^-?\d+$/.test(s)) throw new JiraApiError(400, [`Invalid value '${s}' for parameter '${name}'.`]);
  return Number(s);
}

export function restRoutes(ctx: SimContext) {
  return async function register(app: FastifyInstance): Promise<void> {
    const { store } = ctx;
    const base = (req: Req) => ctx.url + (req.params.cloudId ? `/ex/jira/${req.params.cloudId}` : '');

    await app.register(multipart, {
      limits: { fileSize: ctx.uploadLimit, files: 60, fields: 10 },
      throwFileSizeLimit: true,
    });

    installRestGuard(app, ctx);

    const issueOpts = (req: Req, defaultAll: boolean) => {
      const expand = list(req.query.expand);
      const requested = list(req.query.fields);
      return { fields: selectFields(requested.length ? requested : undefined, defaultAll), expand, properties: list(req.query.properties) };
    };

    // --- identity and site ------------------------------------------------------------------------
    app.get('/myself', async (req: Req) => renderUser(base(req), store.user(req.actorId)));
    app.post('/permissions/check', async (req: Req) => bulkPermissionCheck(store, req.actorId, req.body));
    app.get('/serverInfo', async (req: Req) => ({
      baseUrl: base(req),
      displayUrl: ctx.url,
      version: '1001.0.0-SNAPSHOT',
      versionNumbers: [1001, 0, 0],
      deploymentType: 'Cloud',
      buildNumber: 100280,
      buildDate: '2025-01-01T00:00:00.000+0000',
      serverTime: formatJiraDate(Date.now()),
      scmInfo: 'sandbox',
      serverTitle: 'Demo Sandbox',
    }));

    // --- metadata ---------------------------------------------------------------------------------
    app.get('/project/search', async (req: Req) => {
      const startAt = intParam(req.query.startAt, 'startAt', 0);
      const maxResults = Math.min(100, Math.max(1, intParam(req.query.maxResults, 'maxResults', 50)));
      const keys = list(req.query.keys).map((k) => k.toUpperCase());
      const ids = list(req.query.id);
      const q = one(req.query.query)?.toLowerCase();
      const expand = list(req.query.expand);
      let projects = [...store.projects.values()].sort((a, b) => a.key.localeCompare(b.key));
      if (keys.length) projects = projects.filter((p) => keys.includes(p.key));
      if (ids.length) projects = projects.filter((p) => ids.includes(p.id));
      if (q) projects = projects.filter((p) => p.key.toLowerCase().includes(q) || p.name.toLowerCase().includes(q));
      const page = projects.slice(startAt, startAt + maxResults);
      const isLast = startAt + maxResults >= projects.length;
      const self = `${base(req)}/rest/api/3/project/search?startAt=${startAt}&maxResults=${maxResults}`;
      return {
        self,
        ...(isLast ? {} : { nextPage: `${base(req)}/rest/api/3/project/search?startAt=${startAt + maxResults}&maxResults=${maxResults}` }),
        maxResults,
        startAt,
        total: projects.length,
        isLast,
        values: page.map((p) => renderProject(base(req), p, { issueTypes: expand.includes('issueTypes'), ...(expand.includes('lead') ? { lead: store.user(p.leadAccountId)! } : {}) })),
      };
    });

    const requireProject = (idOrKey: string) => {
      const p = store.project(idOrKey);
      if (!p) throw new JiraApiError(404, [`No project could be found with key '${idOrKey}'.`]);
      return p;
    };

    app.get('/project/:projectIdOrKey', async (req: Req) => {
      const p = requireProject(req.params.projectIdOrKey!);
      return renderProject(base(req), p, { issueTypes: true, lead: store.user(p.leadAccountId)! });
    });

    app.get('/project/:projectIdOrKey/statuses', async (req: Req) => {
      const p = requireProject(req.params.projectIdOrKey!);
      return p.issueTypeIds.map((id) => {
        const t = ISSUE_TYPES.find((x) => x.id === id)!;
        return {
          self: `${base(req)}/rest/api/3/issuetype/${t.id}`,
          id: t.id,
          name: t.name,
          subtask: false,
          statuses: p.statusIds.map((sid) => renderStatus(base(req), STATUSES.find((s) => s.id === sid)!)),
        };
      });
    });

    app.get('/issuetype/project', async (req: Req) => {
      const projectId = one(req.query.projectId);
      if (!projectId || !/^\d+$/.test(projectId)) throw new JiraApiError(400, ["The 'projectId' parameter must be a number."]);
      const p = store.projects.get(projectId);
      if (!p) throw new JiraApiError(404, [`No project could be found with id '${projectId}'.`]);
      return p.issueTypeIds.map((id) => renderIssueType(base(req), ISSUE_TYPES.find((t) => t.id === id)!));
    });

    // All issue types the caller can see (every project's here: the sandbox has no hidden projects for types).
    app.get('/issuetype', async (req: Req) => ISSUE_TYPES.map((t) => renderIssueType(base(req), t)));
    app.get('/issuetype/:id', async (req: Req) => {
      const t = ISSUE_TYPES.find((x) => x.id === req.params.id);
      if (!t) throw new JiraApiError(404, ['The issue type with this ID was not found.']);
      return renderIssueType(base(req), t);
    });

    app.get('/field', async () => FIELDS.map(renderField));
    app.get('/status', async (req: Req) => STATUSES.map((s) => renderStatus(base(req), s)));
    // --- field values (value mapping, F41) ----------------------------------------------------------
    // Paged like Jira's PageBean answers: startAt, maxResults, total, isLast, values.
    const pageOf = <T>(req: Req, all: readonly T[], dfltMax: number) => {
      const startAt = Math.max(0, intParam(req.query.startAt, 'startAt', 0));
      const maxResults = Math.max(1, Math.min(dfltMax, intParam(req.query.maxResults, 'maxResults', dfltMax)));
      const values = all.slice(startAt, startAt + maxResults);
      return { self: `${base(req)}${req.url}`, maxResults, startAt, total: all.length, isLast: startAt + values.length >= all.length, values };
    };
    app.get('/priority/search', async (req: Req) =>
      pageOf(
        req,
        PRIORITIES.map((p) => ({ self: `${base(req)}/rest/api/3/priority/${p.id}`, id: p.id, name: p.name, isDefault: p.name === 'Medium', iconUrl: `${base(req)}/images/icons/priorities/${p.name.toLowerCase()}.svg`, statusColor: '#009900', description: p.name })),
        50,
      ),
    );
    // Each option field of the sandbox has one global context (id = its custom field number), holding its options.
    const optionField = (fieldId: string | undefined) => {
      const f = FIELDS.find((x) => x.id === fieldId);
      if (!f) throw new JiraApiError(404, [`The custom field was not found.`]);
      if (!f.options) throw new JiraApiError(400, ['The custom field doesn\'t support options.']);
      return f;
    };
    app.get('/field/:fieldId/context', async (req: Req) => {
      const f = optionField(req.params.fieldId);
      return pageOf(req, [{ id: String(f.schema.customId ?? f.id), name: `Default Configuration Scheme for ${f.name}`, description: '', isGlobalContext: true, isAnyIssueType: true }], 100);
    });
    app.get('/field/:fieldId/context/:contextId/option', async (req: Req) => {
      const f = optionField(req.params.fieldId);
      if (req.params.contextId !== String(f.schema.customId ?? f.id)) throw new JiraApiError(404, ['The context was not found.']);
      return pageOf(req, f.options!.map((o) => ({ id: o.id, value: o.value, disabled: false })), 100);
    });
    app.get('/label', async (req: Req) => {
      const labels = new Set<string>();
      for (const issue of store.issues.values()) for (const l of (issue.values.labels as string[] | undefined) ?? []) labels.add(l);
      return pageOf(req, [...labels].sort(), 1000);
    });


    // --- issues -----------------------------------------------------------------------------------
    app.post('/issue', async (req: Req, reply) => {
      const issue = store.createIssue(req.body, req.actorId);
      ctx.issueCreated(issue, req.actorId);
      return reply.code(201).send({ id: issue.id, key: issue.key, self: `${base(req)}/rest/api/3/issue/${issue.id}` });
    });

    // Bulk create (≤ 50): each element is validated and created on its own; failures are reported by index.
    // Jira answers 201 when at least one issue was made and 400 when none was.
    app.post('/issue/bulk', async (req: Req, reply) => {
      const body = req.body;
      const updates = body && typeof body === 'object' && Array.isArray((body as { issueUpdates?: unknown }).issueUpdates) ? (body as { issueUpdates: unknown[] }).issueUpdates : undefined;
      if (!updates) throw new JiraApiError(400, ['issueUpdates must be an array.']);
      if (updates.length > 50) throw new JiraApiError(400, ['Bulk create supports at most 50 issues.']);
      const issues: Json[] = [];
      const errors: Json[] = [];
      updates.forEach((update, index) => {
        try {
          const issue = store.createIssue(update, req.actorId);
          ctx.issueCreated(issue, req.actorId);
          issues.push({ id: issue.id, key: issue.key, self: `${base(req)}/rest/api/3/issue/${issue.id}` });
        } catch (err) {
          if (!(err instanceof JiraApiError)) throw err;
          errors.push({ status: err.status, elementErrors: { errorMessages: err.errorMessages, errors: err.errors }, failedElementNumber: index });
        }
      });
      return reply.code(issues.length > 0 || updates.length === 0 ? 201 : 400).send({ issues, errors });
    });

    app.get('/issue/:issueIdOrKey', async (req: Req) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      return renderIssue(base(req), store, issue, issueOpts(req, true));
    });

    app.put('/issue/:issueIdOrKey', async (req: Req, reply) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      const entry = store.editIssue(issue, req.body, req.actorId);
      if (entry) ctx.issueUpdated(issue, entry, req.actorId);
      if (one(req.query.returnIssue) === 'true') return reply.code(200).send(renderIssue(base(req), store, issue, issueOpts(req, true)));
      return reply.code(204).send();
    });

    app.delete('/issue/:issueIdOrKey', async (req: Req, reply) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      for (const a of store.deleteIssue(issue)) await rm(a.path, { force: true });
      ctx.issueDeleted(issue, req.actorId);
      return reply.code(204).send();
    });

    app.get('/issue/:issueIdOrKey/changelog', async (req: Req) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      const startAt = intParam(req.query.startAt, 'startAt', 0);
      const maxResults = Math.min(100, Math.max(1, intParam(req.query.maxResults, 'maxResults', 100)));
      const values = issue.changelog.slice(startAt, startAt + maxResults);
      return {
        self: `${base(req)}/rest/api/3/issue/${issue.key}/changelog?maxResults=${maxResults}&startAt=${startAt}`,
        maxResults,
        startAt,
        total: issue.changelog.length,
        isLast: startAt + maxResults >= issue.changelog.length,
        values: values.map((e) => renderChangelogEntry(base(req), store, e)),
      };
    });

    app.get('/issue/:issueIdOrKey/transitions', async (req: Req) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      const withFields = list(req.query.expand).includes('transitions.fields');
      const only = one(req.query.transitionId);
      const transitions = store.transitionsFor(issue).filter((t) => only === undefined || t.id === only);
      return { expand: 'transitions', transitions: transitions.map((t) => renderTransition(base(req), t, withFields)) };
    });

    app.post('/issue/:issueIdOrKey/transitions', async (req: Req, reply) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      const entry = store.transition(issue, req.body, req.actorId);
      if (entry) ctx.issueUpdated(issue, entry, req.actorId);
      return reply.code(204).send();
    });

    // --- issue properties -------------------------------------------------------------------------
    app.get('/issue/:issueIdOrKey/properties', async (req: Req) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      return {
        keys: [...issue.properties.keys()].map((key) => ({
          self: `${base(req)}/rest/api/3/issue/${issue.id}/properties/${encodeURIComponent(key)}`,
          key,
        })),
      };
    });

    app.get('/issue/:issueIdOrKey/properties/:propertyKey', async (req: Req) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      const key = req.params.propertyKey!;
      if (!issue.properties.has(key)) throw new JiraApiError(404, [`The property with key '${key}' does not exist.`]);
      return { key, value: issue.properties.get(key) };
    });

    app.put('/issue/:issueIdOrKey/properties/:propertyKey', async (req: Req, reply) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      const key = req.params.propertyKey!;
      checkPropertyWrite(key, req.body, 255);
      const existed = issue.properties.has(key);
      // Entity properties do not touch `updated` and raise no issue event, as in Jira.
      store.setProperty(issue, key, req.body);
      return reply.code(existed ? 200 : 201).send();
    });

    app.delete('/issue/:issueIdOrKey/properties/:propertyKey', async (req: Req, reply) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      const key = req.params.propertyKey!;
      if (!store.deleteProperty(issue, key)) throw new JiraApiError(404, [`The property with key '${key}' does not exist.`]);
      return reply.code(204).send();
    });

    // --- comments ---------------------------------------------------------------------------------
    app.get('/issue/:issueIdOrKey/comment', async (req: Req) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      const startAt = intParam(req.query.startAt, 'startAt', 0);
      // Default 100 as the OpenAPI document gives it; the cap (5 000) is not documented.
      const maxResults = Math.min(5000, Math.max(0, intParam(req.query.maxResults, 'maxResults', 100)));
      const orderBy = one(req.query.orderBy);
      const expand = list(req.query.expand);
      const ordered = orderBy === '-created' ? [...issue.comments].reverse() : issue.comments;
      return {
        startAt,
        maxResults,
        total: issue.comments.length,
        comments: ordered.slice(startAt, startAt + maxResults).map((c) => renderComment(base(req), store, issue, c, expand)),
      };
    });

    app.post('/issue/:issueIdOrKey/comment', async (req: Req, reply) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      const comment = store.addComment(issue, req.body, req.actorId);
      ctx.commented(issue, comment, req.actorId);
      return reply.code(201).send(renderComment(base(req), store, issue, comment, list(req.query.expand)));
    });

    const requireComment = (issue: SimIssue, id: string) => {
      const c = issue.comments.find((x) => x.id === id);
      if (!c) throw new JiraApiError(404, [`Can not find a comment for the id: ${id}.`]);
      return c;
    };

    app.get('/issue/:issueIdOrKey/comment/:id', async (req: Req) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      return renderComment(base(req), store, issue, requireComment(issue, req.params.id!), list(req.query.expand));
    });

    app.put('/issue/:issueIdOrKey/comment/:id', async (req: Req) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      const comment = store.updateComment(issue, req.params.id!, req.body, req.actorId);
      // Forge reuses avi:jira:commented:issue for edits.
      ctx.commented(issue, comment, req.actorId);
      return renderComment(base(req), store, issue, comment, list(req.query.expand));
    });

    app.delete('/issue/:issueIdOrKey/comment/:id', async (req: Req, reply) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      store.deleteComment(issue, req.params.id!);
      return reply.code(204).send();
    });

    // Comment properties (entity properties of comments), addressed by the comment id alone.
    const commentById = (id: string) => {
      if (/^\d+$/.test(id)) {
        for (const issue of store.issues.values()) {
          const comment = issue.comments.find((c) => c.id === id);
          if (comment) return { issue, comment };
        }
      }
      throw new JiraApiError(404, [`Can not find a comment for the id: ${id}.`]);
    };

    app.get('/comment/:commentId/properties', async (req: Req) => {
      const { comment } = commentById(req.params.commentId!);
      return {
        keys: [...comment.properties.keys()].map((key) => ({
          self: `${base(req)}/rest/api/3/comment/${comment.id}/properties/${encodeURIComponent(key)}`,
          key,
        })),
      };
    });

    app.get('/comment/:commentId/properties/:propertyKey', async (req: Req) => {
      const { comment } = commentById(req.params.commentId!);
      const key = req.params.propertyKey!;
      if (!comment.properties.has(key)) throw new JiraApiError(404, [`The property with key '${key}' does not exist.`]);
      return { key, value: comment.properties.get(key) };
    });

    app.put('/comment/:commentId/properties/:propertyKey', async (req: Req, reply) => {
      const { comment } = commentById(req.params.commentId!);
      const key = req.params.propertyKey!;
      checkPropertyWrite(key, req.body, 255);
      const existed = comment.properties.has(key);
      comment.properties.set(key, structuredClone(req.body));
      return reply.code(existed ? 200 : 201).send();
    });

    app.delete('/comment/:commentId/properties/:propertyKey', async (req: Req, reply) => {
      const { comment } = commentById(req.params.commentId!);
      const key = req.params.propertyKey!;
      if (!comment.properties.delete(key)) throw new JiraApiError(404, [`The property with key '${key}' does not exist.`]);
      return reply.code(204).send();
    });

    // --- users ------------------------------------------------------------------------------------
    // GET /user/search: `query` matches a prefix of displayName or emailAddress, `accountId` exactly; one of
    // them (or `property`) is required, and not both query and accountId. Active users, paged by startAt/maxResults.
    app.get('/user/search', async (req: Req) => {
      const query = one(req.query.query);
      const accountId = one(req.query.accountId);
      const property = one(req.query.property);
      if (!query && !accountId && !property) throw new JiraApiError(400, ['The query parameter \'query\', \'accountId\' or \'property\' is required.']);
      if (query && accountId) throw new JiraApiError(400, ['The query parameters \'query\' and \'accountId\' cannot be used together.']);
      const startAt = Math.max(0, intParam(req.query.startAt, 'startAt', 0));
      const maxResults = Math.min(1000, Math.max(0, intParam(req.query.maxResults, 'maxResults', 50)));
      const q = query?.toLowerCase();
      const users = [...store.users.values()].filter((u) => {
        if (accountId !== undefined && u.accountId !== accountId) return false;
        if (q !== undefined && !u.displayName.toLowerCase().startsWith(q) && !(u.emailAddress ?? '').toLowerCase().startsWith(q)) return false;
        // The sandbox's people have no user properties: a property query matches nobody.
        if (property !== undefined) return false;
        return true;
      });
      return users.slice(startAt, startAt + maxResults).map((u) => renderUser(base(req), u));
    });

    // GET /users/search: every user (people and apps), paged by startAt/maxResults (default 50).
    app.get('/users/search', async (req: Req) => {
      const startAt = Math.max(0, intParam(req.query.startAt, 'startAt', 0));
      const maxResults = Math.min(1000, Math.max(0, intParam(req.query.maxResults, 'maxResults', 50)));
      return [...store.users.values()].slice(startAt, startAt + maxResults).map((u) => renderUser(base(req), u));
    });

    // --- attachments ------------------------------------------------------------------------------
    app.get('/attachment/meta', async () => ({ enabled: true, uploadLimit: ctx.uploadLimit }));

    app.post('/issue/:issueIdOrKey/attachments', async (req: Req, reply) => {
      const issue = store.requireIssue(req.params.issueIdOrKey!);
      if (String(req.headers['x-atlassian-token'] ?? '').toLowerCase() !== 'no-check') {
        throw new JiraApiError(403, ['XSRF check failed']);
      }
      if (!req.isMultipart()) throw new JiraApiError(415, ['The request must be multipart/form-data.']);
      const saved: Omit<SimAttachment, 'id' | 'issueId' | 'created'>[] = [];
      try {
        for await (const part of req.files()) {
          if (part.fieldname !== 'file') {
            part.file.resume();
            continue;
          }
          const path = join(ctx.attachmentDir, `upload-${Date.now()}-${Math.random().toString(36).slice(2)}`);
          let size = 0;
          const counter = new Transform({
            transform(chunk: Buffer, _enc, done) {
              size += chunk.length;
              ctx.stats.bytesReceived += chunk.length;
              done(null, chunk);
            },
          });
          try {
            await pipeline(part.file, counter, createWriteStream(path));
          } catch (e) {
            await rm(path, { force: true });
            throw e;
          }
          saved.push({ filename: part.filename || 'file', mimeType: part.mimetype || 'application/octet-stream', size, path, authorId: req.actorId });
        }
      } catch (e) {
        for (const s of saved) await rm(s.path, { force: true });
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new JiraApiError(413, [`The file is too large: the maximum attachment size is ${ctx.uploadLimit} bytes.`]);
        }
        if ((e as { code?: string }).code === 'FST_FILES_LIMIT') throw new JiraApiError(413, ['Too many attachments: at most 60 files per request.']);
        throw e;
      }
      if (!saved.length) throw new JiraApiError(400, ['No file was attached: send a multipart part named "file".']);
      const created = saved.map((s) => store.addAttachment(issue, s));
      for (const a of created) ctx.attachmentCreated(issue, a, req.actorId);
      return reply.code(200).send(created.map((a) => renderAttachment(base(req), store, a)));
    });

    const requireAttachment = (id: string) => {
      const a = store.attachments.get(id);
      if (!a) throw new JiraApiError(404, [`The attachment with id '${id}' does not exist`]);
      return a;
    };

    app.get('/attachment/:id', async (req: Req) => {
      const a = requireAttachment(req.params.id!);
      // AttachmentMetadata types `id` as an integer (unlike Attachment, where it is a string).
      return { ...renderAttachment(base(req), store, a), id: Number(a.id), author: renderUser(base(req), store.user(a.authorId)), properties: {} };
    });

    app.delete('/attachment/:id', async (req: Req, reply) => {
      const a = requireAttachment(req.params.id!);
      const issue = store.issues.get(a.issueId);
      if (issue) issue.attachments = issue.attachments.filter((x) => x.id !== a.id);
      store.attachments.delete(a.id);
      await rm(a.path, { force: true });
      return reply.code(204).send();
    });

    app.get('/attachment/content/:id', async (req: Req, reply: FastifyReply) => {
      const a = requireAttachment(req.params.id!);
      if (one(req.query.redirect) !== 'false') {
        return reply.code(303).header('location', `${base(req)}/rest/api/3/attachment/content/${a.id}?redirect=false`).send();
      }
      const { size } = await stat(a.path);
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          ctx.stats.bytesSent += chunk.length;
          done(null, chunk);
        },
      });
      const source = createReadStream(a.path);
      source.on('error', (e) => counter.destroy(e));
      return reply
        .code(200)
        .header('content-type', a.mimeType)
        .header('content-length', String(size))
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(a.filename)}`)
        .send(source.pipe(counter));
    });

    // --- search -----------------------------------------------------------------------------------
    const removed = async (_req: Req, reply: FastifyReply) =>
      reply.code(410).send({
        errorMessages: ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046'],
        errors: {},
      });
    app.get('/search', removed);
    app.post('/search', removed);

    /**
     * The issues JQL is evaluated on. Without an index lag: the live issues (narrowed by the store's indexes).
     * With one: the versions indexed so far (the live indexes would leak fresh writes), except the issues named
     * in `reconcileIssues`, which are read as they are now (Jira's read-after-write consistency, ≤ 50 ids).
     */
    const searchPool = (candidates: ReadonlySet<string> | undefined, reconcile: string[]): SimIssue[] => {
      if (!store.searchIndex.active) {
        return candidates
          ? [...candidates].map((id) => store.issues.get(id)).filter((i): i is SimIssue => i !== undefined)
          : [...store.issues.values()];
      }
      const pool = store.searchIndex.visible();
      if (!reconcile.length) return pool;
      const fresh = new Set(reconcile);
      const out = pool.filter((i) => !fresh.has(i.id));
      for (const id of fresh) {
        const live = store.issues.get(id);
        if (live) out.push(live);
      }
      return out;
    };

    const search = (req: Req, params: SearchParams) => {
      const jql = (params.jql ?? '').trim();
      const compiled = compileJql(jql, store, Date.now(), req.actorId);
      if (!compiled.where) {
        throw new JiraApiError(400, ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.']);
      }
      const idOnly = params.fields.length === 0 || params.fields.every((f) => f === 'id');
      const cap = idOnly || params.fields.every((f) => f === 'id' || f === 'key') ? 5000 : 100;
      const maxResults = Math.min(cap, Math.max(0, params.maxResults ?? 50));
      const hash = createHash('sha256').update(jql).digest('base64url').slice(0, 12);
      let offset = 0;
      if (params.nextPageToken) {
        try {
          const t = JSON.parse(Buffer.from(params.nextPageToken, 'base64url').toString('utf8')) as { o?: unknown; h?: unknown };
          if (typeof t.o !== 'number' || t.h !== hash) throw new Error('mismatch');
          offset = t.o;
        } catch {
          throw new JiraApiError(400, ['The provided next page token is invalid or expired.']);
        }
      }
      const where = compiled.where;
      const pool = searchPool(compiled.candidates, params.reconcileIssues);
      const matched = sortIssues(pool.filter((i) => where(i)), compiled.orderBy, store);
      const page = matched.slice(offset, offset + maxResults);
      const next = offset + page.length;
      const isLast = next >= matched.length || maxResults === 0;
      const fields = selectFields(params.fields, false);
      const expand = params.expand ? list(params.expand) : [];
      const out: Json = {
        issues: page.map((i) => renderIssue(base(req), store, i, { fields, expand, properties: params.properties, idOnly: idOnly && !expand.length && !params.properties.length })),
        isLast,
      };
      if (!isLast) out.nextPageToken = Buffer.from(JSON.stringify({ o: next, h: hash })).toString('base64url');
      if (expand.includes('names')) out.names = Object.fromEntries(fields.map((f) => [f, FIELDS.find((x) => x.id === f)?.name ?? f]));
      return out;
    };

    app.get('/search/jql', async (req: Req) =>
      search(req, {
        jql: one(req.query.jql),
        nextPageToken: one(req.query.nextPageToken),
        maxResults: one(req.query.maxResults) === undefined ? undefined : intParam(req.query.maxResults, 'maxResults', 50),
        fields: list(req.query.fields),
        expand: one(req.query.expand),
        properties: list(req.query.properties),
        reconcileIssues: list(req.query.reconcileIssues),
      }),
    );

    // An estimate of the number of matches, from the same (possibly lagging) index as search.
    app.post('/search/approximate-count', async (req: Req) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const jql = (typeof b.jql === 'string' ? b.jql : '').trim();
      const compiled = compileJql(jql, store, Date.now(), req.actorId);
      if (!compiled.where) {
        throw new JiraApiError(400, ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.']);
      }
      const where = compiled.where;
      return { count: searchPool(compiled.candidates, []).filter((i) => where(i)).length };
    });

    // POST /jql/parse?validation=strict|warn|none: each query's errors (the messages search would answer
    // with) or its structure. The structure carries `orderBy` only; the `where` tree is not built here.
    app.post('/jql/parse', async (req: Req) => {
      const validation = one(req.query.validation) ?? 'strict';
      if (!['strict', 'warn', 'none'].includes(validation)) {
        throw new JiraApiError(400, [`Invalid validation value '${validation}'. Valid values are: strict, warn, none.`]);
      }
      const b = (req.body ?? {}) as Record<string, unknown>;
      const queries = b.queries;
      if (!Array.isArray(queries) || queries.length === 0 || !queries.every((q) => typeof q === 'string' && q.length > 0)) {
        throw new JiraApiError(400, ['The request must contain at least one non-empty JQL query.']);
      }
      return {
        queries: (queries as string[]).map((query) => {
          try {
            const compiled = compileJql(query, store, Date.now(), req.actorId);
            const fields = compiled.orderBy.map((o) => ({ field: { name: o.field, encodedName: o.field }, direction: o.desc ? 'desc' : 'asc' }));
            return { query, structure: fields.length > 0 ? { orderBy: { fields } } : {} };
          } catch (err) {
            if (!(err instanceof JiraApiError)) throw err;
            return { query, errors: [...new Set(err.errorMessages)] };
          }
        }),
      };
    });

    app.post('/search/jql', async (req: Req) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
      if (b.maxResults !== undefined && (typeof b.maxResults !== 'number' || !Number.isInteger(b.maxResults))) {
        throw new JiraApiError(400, ['maxResults must be an integer.']);
      }
      if (strings(b.properties).length > 5) throw new JiraApiError(400, ['At most 5 properties can be requested.']);
      const reconcile = b.reconcileIssues;
      if (reconcile !== undefined && (!Array.isArray(reconcile) || !reconcile.every((x) => typeof x === 'number' && Number.isInteger(x)))) {
        throw new JiraApiError(400, ['reconcileIssues must be an array of issue ids (integers).']);
      }
      if (Array.isArray(reconcile) && reconcile.length > 50) throw new JiraApiError(400, ['At most 50 issues can be reconciled.']);
      return search(req, {
        reconcileIssues: Array.isArray(reconcile) ? reconcile.map(String) : [],
        jql: typeof b.jql === 'string' ? b.jql : undefined,
        nextPageToken: typeof b.nextPageToken === 'string' ? b.nextPageToken : undefined,
        maxResults: typeof b.maxResults === 'number' ? b.maxResults : undefined,
        fields: strings(b.fields).flatMap((f) => f.split(',')),
        expand: typeof b.expand === 'string' ? b.expand : undefined,
        properties: strings(b.properties),
      });
    });
  };
}

/** Entity-property writes: key length, a non-empty JSON value of at most 32 768 bytes. */
export function checkPropertyWrite(key: string, value: unknown, maxKeyLength: number): void {
  if (key.length > maxKeyLength) throw new JiraApiError(400, [`The property key can't be longer than ${maxKeyLength} characters.`]);
  if (value === undefined) throw new JiraApiError(400, ['The property value must be a valid non-empty JSON.']);
  if (Buffer.byteLength(JSON.stringify(value)) > 32_768) throw new JiraApiError(400, ["The property value can't be longer than 32768 bytes."]);
}

/**
 * What every Jira REST route goes through, in each plugin that serves some (`/rest/api/3`, `/rest/forge/1`, both
 * also under `/ex/jira/{cloudId}`): the cloud id, request counting, the outage, injected faults (and their
 * `delayMs`), the rate limit, then authentication (`req.actorId`).
 */
export function installRestGuard(app: FastifyInstance, ctx: SimContext): void {
  // Faults with `delayMs`: the request ran; its answer leaves only after the delay.
  const heldAnswers = new WeakMap<object, number>();
  app.addHook('onSend', async (req) => {
    const ms = heldAnswers.get(req.raw);
    if (ms !== undefined) await new Promise((r) => setTimeout(r, ms));
  });

  app.addHook('onRequest', async (req: Req, reply) => {
    const cloudId = req.params.cloudId;
    if (cloudId !== undefined && cloudId !== ctx.installation().cloudId && !ctx.siteAliases.has(cloudId)) {
      throw new JiraApiError(404, [`Site ${cloudId} not found.`]);
    }
    const route = req.routeOptions.url ?? req.url;
    ctx.count(`${req.method} ${route.replace(/^\/ex\/jira\/:cloudId/, '')}`);
    const outage = ctx.outage;
    if (outage) {
      if (outage.status === 0) {
        req.raw.socket.destroy();
        return reply;
      }
      const headers: Record<string, string> = outage.retryAfterSeconds !== undefined ? { 'retry-after': String(outage.retryAfterSeconds) } : {};
      return reply.code(outage.status).headers(headers).send({ errorMessages: ['The Jira sandbox is having an outage (injected); try again later.'], errors: {} });
    }
    const path = req.url.split('?')[0]!.replace(/^\/ex\/jira\/[^/]+/, '');
    const fault = ctx.takeFault(req.method, path);
    if (fault?.delayMs !== undefined) heldAnswers.set(req.raw, fault.delayMs);
    else if (fault) {
      if (fault.status === 0) {
        req.raw.socket.destroy();
        return reply;
      }
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      if (fault.status === 429) Object.assign(headers, rateLimitHeaders(fault.retryAfterSeconds ?? 1, fault.rateLimitReason ?? 'jira-burst-based'));
      return reply
        .code(fault.status)
        .headers(headers)
        .send(fault.body ?? { errorMessages: [fault.status === 429 ? 'Rate limit exceeded.' : 'Injected fault from the Jira sandbox.'], errors: {} });
    }
    const wait = ctx.takeRateToken();
    if (wait !== undefined) {
      return reply.code(429).headers(rateLimitHeaders(wait, 'jira-burst-based')).send({ errorMessages: ['Rate limit exceeded.'], errors: {} });
    }
    req.actorId = ctx.authenticate(req);
    return undefined;
  });
}

interface SearchParams {
  jql: string | undefined;
  nextPageToken: string | undefined;
  maxResults: number | undefined;
  fields: string[];
  expand: string | undefined;
  properties: string[];
  /** Issue ids read as they are now rather than as indexed. */
  reconcileIssues: string[];
}

export function rateLimitHeaders(retryAfterSeconds: number, reason: string): Record<string, string> {
  const reset = new Date(Date.now() + retryAfterSeconds * 1000).toISOString().slice(0, 16) + 'Z';
  return {
    'retry-after': String(retryAfterSeconds),
    'x-ratelimit-limit': '100',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': reset,
    'ratelimit-reason': reason,
  };
}
