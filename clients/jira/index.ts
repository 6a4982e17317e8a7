// The Jira Cloud REST client: `createJiraClient({ baseUrl, auth })`. Imported by api/ and activities/,
// never by workflows/ (they are replayed and must not do I/O).
import * as adf from './adf';
import * as attachments from './attachments';
import * as comments from './comments';
import * as fieldValues from './field-values';
import { createJiraHttp, type JiraHttp, type JiraHttpOptions } from './http';
import * as issues from './issues';
import * as jqlParse from './jql-parse';
import * as metadata from './metadata';
import * as permissions from './permissions';
import * as users from './users';

export type JiraClientOptions = JiraHttpOptions;

type Rest<F> = F extends (http: JiraHttp, ...args: infer A) => infer R ? (...args: A) => R : never;
type Bound<M> = { [K in keyof M]: Rest<M[K]> };

function bind<M extends Record<string, (http: JiraHttp, ...args: never[]) => unknown>>(http: JiraHttp, mod: M): Bound<M> {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(mod)) out[name] = (...args: never[]) => fn(http, ...args);
  return out as Bound<M>;
}

const issueOps = {
  get: issues.getIssue,
  create: issues.createIssue,
  createMany: issues.createIssues,
  edit: issues.editIssue,
  getTransitions: issues.getTransitions,
  transition: issues.transitionIssue,
  getProperty: issues.getIssueProperty,
  setProperty: issues.setIssueProperty,
  deleteProperty: issues.deleteIssueProperty,
  listPropertyKeys: issues.listIssuePropertyKeys,
  search: issues.searchIssues,
  parseJql: jqlParse.parseJql,
  searchPages: issues.searchPages,
};
const commentOps = {
  list: comments.listComments,
  add: comments.addComment,
  get: comments.getComment,
  update: comments.updateComment,
  delete: comments.deleteComment,
};
const attachmentOps = {
  upload: attachments.uploadAttachment,
  download: attachments.downloadAttachment,
  get: attachments.getAttachment,
  settings: attachments.getAttachmentSettings,
};
const metadataOps = {
  listProjects: metadata.listProjects,
  listAllProjects: metadata.listAllProjects,
  getProject: metadata.getProject,
  getProjectIssueTypes: metadata.getProjectIssueTypes,
  listFields: metadata.listFields,
  listStatuses: metadata.listStatuses,
  getProjectStatuses: metadata.getProjectStatuses,
  myself: metadata.getMyself,
  listPriorities: fieldValues.listPriorities,
  listFieldOptions: fieldValues.listFieldOptions,
  listLabels: fieldValues.listLabels,
  searchUsers: users.searchUsers,
  findUserByEmail: users.findUserByEmail,
  findUserByAccountId: users.findUserByAccountId,
  listUsers: users.listUsers,
};
const permissionOps = {
  check: permissions.checkPermissions,
};

export interface JiraClient {
  readonly http: JiraHttp;
  readonly issues: Bound<typeof issueOps>;
  readonly comments: Bound<typeof commentOps>;
  readonly attachments: Bound<typeof attachmentOps>;
  readonly metadata: Bound<typeof metadataOps>;
  readonly permissions: Bound<typeof permissionOps>;
}

export function createJiraClient(options: JiraClientOptions): JiraClient {
  const http = createJiraHttp(options);
  return {
    http,
    issues: bind(http, issueOps),
    comments: bind(http, commentOps),
    attachments: bind(http, attachmentOps),
    metadata: bind(http, metadataOps),
    permissions: bind(http, permissionOps),
  };
}

export { adf };
export {
  adfDocSchema,
  adfNodeSchema,
  adfToHtml,
  adfToText,
  htmlToAdf,
  isAdfDoc,
  looksLikeHtml,
  noteToAdf,
  textToAdf,
  type AdfDoc,
  type AdfMark,
  type AdfNode,
} from './adf';
export { JiraError, JiraResponseTooLargeError, retryAfterFromHeaders, type JiraErrorKind, type ErrorCollection } from './errors';
export { createJiraHttp, type JiraAuth, type JiraCallInfo, type JiraHttp, type JiraHttpOptions, type TokenSource } from './http';
export { SUMMARY_MAX_LENGTH, truncateSummary } from './summary';
export { BULK_CREATE_MAX } from './issues';
export type { ParsedJqlQuery, ParseJqlOptions } from './jql-parse';
export { jqlAnd, jqlEq, jqlField, jqlIn, jqlIssueProperty, jqlOrderBy, jqlString, type Jql, type JqlProperty } from './jql';
export type { ByteSource } from '../multipart';
export type {
  CreateIssueInput,
  EditIssueInput,
  FieldOperation,
  GetIssueOptions,
  IssueTypeRef,
  ProjectRef,
  SearchInput,
  SearchPage,
  TransitionInput,
} from './issues';
export type { JiraComment, PageOfComments } from './comments';
export type { DownloadedAttachment, UploadInput } from './attachments';
export * from './schemas';
