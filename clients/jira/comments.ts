// Comments, always in ADF. https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/
import { z } from 'zod';
import { adfDocSchema, type AdfDoc } from './adf';
import type { JiraHttp } from './http';
import { entityPropertySchema, userSchema } from './schemas';

export const commentSchema = z.looseObject({
  id: z.string(),
  self: z.string().optional(),
  // v3 returns ADF; anything else is kept as-is rather than failing the whole page.
  body: z.union([adfDocSchema, z.unknown()]),
  author: userSchema.optional(),
  updateAuthor: userSchema.optional(),
  created: z.string(),
  updated: z.string(),
  visibility: z.looseObject({ type: z.string(), value: z.string().optional() }).optional(),
  properties: z.array(entityPropertySchema).optional(),
});
export type JiraComment = z.infer<typeof commentSchema>;

export const pageOfCommentsSchema = z.looseObject({
  startAt: z.number(),
  maxResults: z.number(),
  total: z.number(),
  comments: z.array(commentSchema),
});
export type PageOfComments = z.infer<typeof pageOfCommentsSchema>;

const key = (issueIdOrKey: string) => encodeURIComponent(issueIdOrKey);

export interface ListCommentsOptions {
  startAt?: number;
  maxResults?: number;
  orderBy?: 'created' | '-created' | '+created';
  /** e.g. `properties` to read back the markers a connector left on its own comments. */
  expand?: string[];
  signal?: AbortSignal;
}

/** GET /rest/api/3/issue/{issueIdOrKey}/comment */
export async function listComments(http: JiraHttp, issueIdOrKey: string, opts: ListCommentsOptions = {}): Promise<PageOfComments> {
  return http.request({
    method: 'GET',
    path: `/rest/api/3/issue/${key(issueIdOrKey)}/comment`,
    query: { startAt: opts.startAt, maxResults: opts.maxResults, orderBy: opts.orderBy, expand: opts.expand?.join(',') },
    schema: pageOfCommentsSchema,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

export interface AddCommentOptions {
  /** Comment entity properties, e.g. a marker that the connector wrote this comment (no echoes, F18). */
  properties?: { key: string; value: unknown }[];
  visibility?: { type: 'group' | 'role'; value: string };
  signal?: AbortSignal;
}

/** POST /rest/api/3/issue/{issueIdOrKey}/comment -> 201 Comment */
export async function addComment(
  http: JiraHttp,
  issueIdOrKey: string,
  body: AdfDoc,
  opts: AddCommentOptions = {},
): Promise<JiraComment> {
  return http.request({
    method: 'POST',
    path: `/rest/api/3/issue/${key(issueIdOrKey)}/comment`,
    json: {
      body,
      ...(opts.properties?.length ? { properties: opts.properties } : {}),
      ...(opts.visibility ? { visibility: opts.visibility } : {}),
    },
    schema: commentSchema,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/** GET /rest/api/3/issue/{issueIdOrKey}/comment/{id} */
export async function getComment(
  http: JiraHttp,
  issueIdOrKey: string,
  commentId: string,
  opts: { expand?: string[]; signal?: AbortSignal } = {},
): Promise<JiraComment> {
  return http.request({
    method: 'GET',
    path: `/rest/api/3/issue/${key(issueIdOrKey)}/comment/${encodeURIComponent(commentId)}`,
    query: { expand: opts.expand?.join(',') },
    schema: commentSchema,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/** PUT /rest/api/3/issue/{issueIdOrKey}/comment/{id} -> 200 Comment */
export async function updateComment(
  http: JiraHttp,
  issueIdOrKey: string,
  commentId: string,
  body: AdfDoc,
  opts: { notifyUsers?: boolean; signal?: AbortSignal } = {},
): Promise<JiraComment> {
  return http.request({
    method: 'PUT',
    path: `/rest/api/3/issue/${key(issueIdOrKey)}/comment/${encodeURIComponent(commentId)}`,
    query: { notifyUsers: opts.notifyUsers },
    json: { body },
    schema: commentSchema,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/** DELETE /rest/api/3/issue/{issueIdOrKey}/comment/{id} -> 204 */
export async function deleteComment(
  http: JiraHttp,
  issueIdOrKey: string,
  commentId: string,
  opts: { signal?: AbortSignal } = {},
): Promise<void> {
  await http.requestVoid({
    method: 'DELETE',
    path: `/rest/api/3/issue/${key(issueIdOrKey)}/comment/${encodeURIComponent(commentId)}`,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}
