// Issues: read, create, edit, transition, entity properties and JQL search.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/
import type { z } from 'zod';
import type { AdfDoc } from './adf';
import type { JiraError } from './errors';
import type { JiraHttp } from './http';
import {
  createdIssueSchema,
  createdIssuesSchema,
  entityPropertySchema,
  issueSchema,
  propertyKeysSchema,
  searchResultsSchema,
  transitionsSchema,
  type JiraCreatedIssue,
  type JiraCreatedIssues,
  type JiraIssue,
  type JiraTransition,
} from './schemas';

const key = (issueIdOrKey: string) => encodeURIComponent(issueIdOrKey);

interface Signal {
  signal?: AbortSignal;
}

export interface GetIssueOptions extends Signal {
  /** Field ids to return; Jira's default is all fields. `*navigable` and `-field` work too. */
  fields?: string[];
  /** Adds the changelog (`expand=changelog`). */
  changelog?: boolean;
  /** Other expansions, e.g. `names`, `transitions`, `renderedFields`. */
  expand?: string[];
  /** Entity properties to include, e.g. the link metadata key. */
  properties?: string[];
}

/** GET /rest/api/3/issue/{issueIdOrKey} */
export async function getIssue(http: JiraHttp, issueIdOrKey: string, opts: GetIssueOptions = {}): Promise<JiraIssue> {
  const expand = [...(opts.expand ?? []), ...(opts.changelog ? ['changelog'] : [])];
  return http.request({
    method: 'GET',
    path: `/rest/api/3/issue/${key(issueIdOrKey)}`,
    query: {
      fields: opts.fields?.join(','),
      expand: expand.length ? expand.join(',') : undefined,
      properties: opts.properties?.join(','),
    },
    schema: issueSchema,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

export type ProjectRef = { key: string } | { id: string };
export type IssueTypeRef = { id: string } | { name: string };

export interface CreateIssueInput {
  project: ProjectRef;
  issueType: IssueTypeRef;
  /** At most 255 characters and one line: pass it through `truncateSummary` when it comes from elsewhere. */
  summary: string;
  description?: AdfDoc;
  /** Further fields by id (custom fields as `customfield_10020`), in the shapes Jira's create screen takes. */
  fields?: Record<string, unknown>;
  /** Entity properties set atomically with the issue (e.g. link metadata). */
  properties?: { key: string; value: unknown }[];
}

/** POST /rest/api/3/issue -> 201 {id, key, self} */
export async function createIssue(http: JiraHttp, input: CreateIssueInput, opts: Signal = {}): Promise<JiraCreatedIssue> {
  return http.request({
    method: 'POST',
    path: '/rest/api/3/issue',
    json: {
      fields: {
        ...input.fields,
        project: input.project,
        issuetype: input.issueType,
        summary: input.summary,
        ...(input.description ? { description: input.description } : {}),
      },
      ...(input.properties?.length ? { properties: input.properties } : {}),
    },
    schema: createdIssueSchema,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/** Jira takes at most 50 issues per bulk create. */
export const BULK_CREATE_MAX = 50;

/**
 * POST /rest/api/3/issue/bulk -> 201 {issues, errors}: up to 50 issues in one call (backfill, F34). Issues
 * are created in request order; a failed element is reported by its index and does not stop the others.
 * When every element fails Jira answers 400, which throws like any other 400.
 */
export async function createIssues(http: JiraHttp, inputs: CreateIssueInput[], opts: Signal = {}): Promise<JiraCreatedIssues> {
  if (inputs.length === 0) return { issues: [], errors: [] };
  if (inputs.length > BULK_CREATE_MAX) throw new RangeError(`createIssues: at most ${BULK_CREATE_MAX} issues per call`);
  return http.request({
    method: 'POST',
    path: '/rest/api/3/issue/bulk',
    json: { issueUpdates: inputs.map(createBody) },
    schema: createdIssuesSchema,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

function createBody(input: CreateIssueInput) {
  return {
    fields: {
      ...input.fields,
      project: input.project,
      issuetype: input.issueType,
      summary: input.summary,
      ...(input.description ? { description: input.description } : {}),
    },
    ...(input.properties?.length ? { properties: input.properties } : {}),
  };
}

export type FieldOperation = { set: unknown } | { add: unknown } | { remove: unknown } | { edit: unknown } | { copy: unknown };

export interface EditIssueInput {
  fields?: Record<string, unknown>;
  update?: Record<string, FieldOperation[]>;
  properties?: { key: string; value: unknown }[];
}

export interface EditIssueOptions extends Signal {
  /** Default true in Jira; syncs usually pass false so mirrored edits do not e-mail watchers. */
  notifyUsers?: boolean;
}

/** PUT /rest/api/3/issue/{issueIdOrKey} -> 204 */
export async function editIssue(
  http: JiraHttp,
  issueIdOrKey: string,
  input: EditIssueInput,
  opts: EditIssueOptions = {},
): Promise<void> {
  await http.requestVoid({
    method: 'PUT',
    path: `/rest/api/3/issue/${key(issueIdOrKey)}`,
    query: { notifyUsers: opts.notifyUsers },
    json: input,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

export interface GetTransitionsOptions extends Signal {
  /** Include the fields each transition's screen asks for (`expand=transitions.fields`). Default true. */
  withFields?: boolean;
  transitionId?: string;
}

/** GET /rest/api/3/issue/{issueIdOrKey}/transitions: the transitions available from the current status. */
export async function getTransitions(
  http: JiraHttp,
  issueIdOrKey: string,
  opts: GetTransitionsOptions = {},
): Promise<JiraTransition[]> {
  const res = await http.request({
    method: 'GET',
    path: `/rest/api/3/issue/${key(issueIdOrKey)}/transitions`,
    query: {
      expand: opts.withFields === false ? undefined : 'transitions.fields',
      transitionId: opts.transitionId,
    },
    schema: transitionsSchema,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return res.transitions;
}

export interface TransitionInput {
  transitionId: string;
  /** Values for the transition screen's fields, e.g. `{ resolution: { name: 'Done' } }`. */
  fields?: Record<string, unknown>;
  update?: Record<string, FieldOperation[]>;
}

/** POST /rest/api/3/issue/{issueIdOrKey}/transitions -> 204 */
export async function transitionIssue(
  http: JiraHttp,
  issueIdOrKey: string,
  input: TransitionInput,
  opts: Signal = {},
): Promise<void> {
  await http.requestVoid({
    method: 'POST',
    path: `/rest/api/3/issue/${key(issueIdOrKey)}/transitions`,
    json: {
      transition: { id: input.transitionId },
      ...(input.fields ? { fields: input.fields } : {}),
      ...(input.update ? { update: input.update } : {}),
    },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/**
 * GET /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}. Undefined when Jira answers 404 (the
 * property, or the issue, does not exist).
 */
export async function getIssueProperty(
  http: JiraHttp,
  issueIdOrKey: string,
  propertyKey: string,
  opts: Signal = {},
): Promise<unknown> {
  try {
    const res = await http.request({
      method: 'GET',
      path: `/rest/api/3/issue/${key(issueIdOrKey)}/properties/${encodeURIComponent(propertyKey)}`,
      schema: entityPropertySchema,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return res.value;
  } catch (e) {
    if ((e as JiraError).type === 'JiraError' && (e as JiraError).status === 404) return undefined;
    throw e;
  }
}

/** PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}: 201 when created, 200 when replaced. */
export async function setIssueProperty(
  http: JiraHttp,
  issueIdOrKey: string,
  propertyKey: string,
  value: unknown,
  opts: Signal = {},
): Promise<{ created: boolean }> {
  const res = await http.requestRaw({
    method: 'PUT',
    path: `/rest/api/3/issue/${key(issueIdOrKey)}/properties/${encodeURIComponent(propertyKey)}`,
    json: value,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  await res.body?.cancel();
  return { created: res.status === 201 };
}

/** DELETE /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey} -> 204 */
export async function deleteIssueProperty(
  http: JiraHttp,
  issueIdOrKey: string,
  propertyKey: string,
  opts: Signal = {},
): Promise<void> {
  await http.requestVoid({
    method: 'DELETE',
    path: `/rest/api/3/issue/${key(issueIdOrKey)}/properties/${encodeURIComponent(propertyKey)}`,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/** GET /rest/api/3/issue/{issueIdOrKey}/properties */
export async function listIssuePropertyKeys(http: JiraHttp, issueIdOrKey: string, opts: Signal = {}): Promise<string[]> {
  const res = await http.request({
    method: 'GET',
    path: `/rest/api/3/issue/${key(issueIdOrKey)}/properties`,
    schema: propertyKeysSchema,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return res.keys.map((k) => k.key);
}

export interface SearchInput extends Signal {
  /** Must be bounded (e.g. `project = DEMO AND updated >= "2025-01-01 00:00" ORDER BY updated ASC`). */
  jql: string;
  /** Jira returns only `id` unless fields are named. */
  fields?: string[];
  maxResults?: number;
  nextPageToken?: string;
  expand?: string;
  properties?: string[];
  /** Issue ids (numbers) to read-after-write reconcile. */
  reconcileIssues?: number[];
}

export const searchPageSchema = searchResultsSchema;
export type SearchPage = z.infer<typeof searchResultsSchema>;

/**
 * POST /rest/api/3/search/jql: one page. The old `/rest/api/3/search` (startAt/total) is gone; pages are
 * chained with `nextPageToken`, absent on the last page. POST keeps long JQL (`key in (...)`) out of URLs.
 */
export async function searchIssues(http: JiraHttp, input: SearchInput): Promise<SearchPage> {
  return http.request({
    method: 'POST',
    path: '/rest/api/3/search/jql',
    json: {
      jql: input.jql,
      ...(input.fields ? { fields: input.fields } : {}),
      ...(input.maxResults !== undefined ? { maxResults: input.maxResults } : {}),
      ...(input.nextPageToken ? { nextPageToken: input.nextPageToken } : {}),
      ...(input.expand ? { expand: input.expand } : {}),
      ...(input.properties ? { properties: input.properties } : {}),
      ...(input.reconcileIssues ? { reconcileIssues: input.reconcileIssues } : {}),
    },
    schema: searchResultsSchema,
    ...(input.signal ? { signal: input.signal } : {}),
  });
}

/**
 * Every page of a search, one at a time, so a caller can checkpoint `nextPageToken` after each. Bounded by
 * `maxPages` (default 1,000) so a server that never says "last" cannot loop us forever.
 */
export async function* searchPages(
  http: JiraHttp,
  input: Omit<SearchInput, 'nextPageToken'> & { startToken?: string; maxPages?: number },
): AsyncGenerator<SearchPage> {
  const { startToken, maxPages = 1000, ...rest } = input;
  let token = startToken;
  for (let page = 0; page < maxPages; page++) {
    const res = await searchIssues(http, { ...rest, ...(token ? { nextPageToken: token } : {}) });
    yield res;
    if (!res.nextPageToken || res.isLast === true) return;
    token = res.nextPageToken;
  }
}
