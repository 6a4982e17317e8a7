// What the SCI editor's pickers are filled from: projects, issue types, fields, statuses, transitions, and
// the identity the client acts as.
import { z } from 'zod';
import type { JiraHttp } from './http';
import {
  fieldSchema,
  issueTypeSchema,
  issueTypeWithStatusSchema,
  pageOfProjectsSchema,
  projectSchema,
  statusSchema,
  userSchema,
  type JiraField,
  type JiraIssueType,
  type JiraProject,
  type JiraStatus,
  type JiraUser,
} from './schemas';

interface Signal {
  signal?: AbortSignal;
}
const withSignal = (opts: Signal) => (opts.signal ? { signal: opts.signal } : {});

export interface ListProjectsOptions extends Signal {
  query?: string;
  keys?: string[];
  startAt?: number;
  maxResults?: number;
  /** e.g. `issueTypes` */
  expand?: string[];
}

/** GET /rest/api/3/project/search: one page of projects. */
export async function listProjects(http: JiraHttp, opts: ListProjectsOptions = {}): Promise<z.infer<typeof pageOfProjectsSchema>> {
  return http.request({
    method: 'GET',
    path: '/rest/api/3/project/search',
    query: {
      query: opts.query,
      keys: opts.keys,
      startAt: opts.startAt,
      maxResults: opts.maxResults,
      expand: opts.expand?.join(','),
    },
    schema: pageOfProjectsSchema,
    ...withSignal(opts),
  });
}

/** Every project, page by page (bounded at 100 pages of 100). */
export async function listAllProjects(http: JiraHttp, opts: Omit<ListProjectsOptions, 'startAt'> = {}): Promise<JiraProject[]> {
  const all: JiraProject[] = [];
  for (let page = 0; page < 100; page++) {
    const res = await listProjects(http, { ...opts, startAt: all.length, maxResults: opts.maxResults ?? 100 });
    all.push(...res.values);
    if (res.isLast !== false || res.values.length === 0) break;
  }
  return all;
}

/** GET /rest/api/3/project/{projectIdOrKey} (with its issue types). */
export async function getProject(http: JiraHttp, projectIdOrKey: string, opts: Signal = {}): Promise<JiraProject> {
  return http.request({
    method: 'GET',
    path: `/rest/api/3/project/${encodeURIComponent(projectIdOrKey)}`,
    schema: projectSchema,
    ...withSignal(opts),
  });
}

/** GET /rest/api/3/issuetype/project?projectId= : the issue types a project uses. */
export async function getProjectIssueTypes(http: JiraHttp, projectId: string, opts: Signal = {}): Promise<JiraIssueType[]> {
  return http.request({
    method: 'GET',
    path: '/rest/api/3/issuetype/project',
    query: { projectId },
    schema: z.array(issueTypeSchema),
    ...withSignal(opts),
  });
}

/** GET /rest/api/3/field: system and custom fields with their schema types. */
export async function listFields(http: JiraHttp, opts: Signal = {}): Promise<JiraField[]> {
  return http.request({ method: 'GET', path: '/rest/api/3/field', schema: z.array(fieldSchema), ...withSignal(opts) });
}

/** GET /rest/api/3/status: every status visible to the caller. */
export async function listStatuses(http: JiraHttp, opts: Signal = {}): Promise<JiraStatus[]> {
  return http.request({ method: 'GET', path: '/rest/api/3/status', schema: z.array(statusSchema), ...withSignal(opts) });
}

/** GET /rest/api/3/project/{projectIdOrKey}/statuses: statuses per issue type of a project's workflow. */
export async function getProjectStatuses(
  http: JiraHttp,
  projectIdOrKey: string,
  opts: Signal = {},
): Promise<z.infer<typeof issueTypeWithStatusSchema>[]> {
  return http.request({
    method: 'GET',
    path: `/rest/api/3/project/${encodeURIComponent(projectIdOrKey)}/statuses`,
    schema: z.array(issueTypeWithStatusSchema),
    ...withSignal(opts),
  });
}

/** GET /rest/api/3/myself: the account the credentials act as (the app user for a Forge system token). */
export async function getMyself(http: JiraHttp, opts: Signal = {}): Promise<JiraUser> {
  return http.request({ method: 'GET', path: '/rest/api/3/myself', schema: userSchema, ...withSignal(opts) });
}
