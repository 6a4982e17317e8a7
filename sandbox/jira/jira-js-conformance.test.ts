// jira.js 6.2.0 (a widely used third-party Jira Cloud client), unpatched, against the Jira simulator: the
// calls a real app makes, with jira.js's runtime response validation set to fail the test on any drift, and
// every exchange checked against Atlassian's OpenAPI document as well. Where jira.js and the simulator
// disagreed, Atlassian's documentation decided (see README.md, "Quirks reproduced").
//
// jira.js 6 has no `Version3Client`: 6.0 replaced Version2Client/Version3Client with one v3 surface,
// `createCloudClient` (jira.js README, "Supported APIs"). That is the client driven here.
import { createCloudClient, isApiError, type CloudClient } from 'jira.js';
import type { SchemaMismatchReport } from 'jira.js/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HttpExchange } from '../shared/exchange';
import { jiraConformanceProblems, restExchanges } from './conformance-support';
import { startJiraSimulator, type JiraSimulator } from './index';

const exchanges: HttpExchange[] = [];
const mismatches: SchemaMismatchReport[] = [];
let sim: JiraSimulator;
/** As a person: Basic e-mail + API token against the site URL. */
let jira: CloudClient;
/** As the Forge app: Bearer system token against Forge Remote's apiBaseUrl. */
let asApp: CloudClient;

beforeAll(async () => {
  sim = await startJiraSimulator({ onExchange: (e) => exchanges.push(e) });
  const onSchemaMismatch = (r: SchemaMismatchReport) => void mismatches.push(r);
  jira = createCloudClient({ host: sim.url, auth: { type: 'basic', email: sim.basicAuth.email, apiToken: sim.basicAuth.apiToken }, onSchemaMismatch });
  asApp = createCloudClient({ host: sim.apiBaseUrl, auth: { type: 'bearer', token: sim.systemToken }, onSchemaMismatch });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await sim.reset();
  exchanges.length = 0;
  mismatches.length = 0;
});

/** Neither jira.js's schemas nor Atlassian's OpenAPI document found anything wrong with the exchanges so far. */
function expectConformant() {
  expect(mismatches, JSON.stringify(mismatches, null, 1)).toEqual([]);
  // 503 is not documented per operation; Atlassian documents it globally (with Retry-After), as 429.
  expect(jiraConformanceProblems(restExchanges(exchanges), { acceptStatuses: [503] })).toEqual([]);
}

async function failure(p: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await p;
  } catch (e) {
    if (isApiError(e)) return { status: e.status, body: e.body };
    throw e;
  }
  throw new Error('expected the call to fail');
}

type Named = { name?: string };
/** jira.js types issue fields as `Record<string, any>`; these are the ones read here. */
interface Fields {
  summary?: string;
  description?: unknown;
  issuetype?: Named;
  status?: Named;
  resolution?: Named;
  resolutiondate?: unknown;
  labels?: string[];
  attachment?: { filename?: string }[];
  [id: string]: unknown;
}
const fieldsOf = (issue: { fields?: Record<string, unknown> | undefined }): Fields => issue.fields ?? {};
const anyString: unknown = expect.any(String);

const adf = (text: string) => ({ type: 'doc' as const, version: 1 as const, content: [{ type: 'paragraph' as const, content: [{ type: 'text' as const, text }] }] });

describe('jira.js against the Jira simulator', () => {
  it('the drift detector is live: a response of the wrong shape is reported by jira.js and by the document check', async () => {
    sim.addFault({ path: '^/rest/api/3/myself$', status: 200, body: { accountId: 5, active: 'yes' } });
    await jira.myself.getCurrentUser();
    expect(mismatches.map((m) => m.endpoint)).toEqual(['GET /rest/api/3/myself']);
    expect(mismatches[0]!.issues.map((i) => i.path).sort()).toEqual(['accountId', 'active']);
    expect(jiraConformanceProblems(restExchanges(exchanges)).length).toBeGreaterThan(0);
  });

  it('myself, server info, projects, issue types, fields', async () => {
    const me = await jira.myself.getCurrentUser();
    expect(me).toMatchObject({ accountId: anyString, accountType: 'atlassian', emailAddress: sim.basicAuth.email, active: true });
    const app = await asApp.myself.getCurrentUser();
    expect(app).toMatchObject({ accountType: 'app', displayName: 'Zoho CRM Connector' });

    const info = await jira.serverInfo.getServerInfo();
    expect(info.deploymentType).toBe('Cloud');

    const page = await jira.projects.searchProjects({ maxResults: 1, expand: 'issueTypes' });
    expect(page).toMatchObject({ startAt: 0, maxResults: 1, total: 2, isLast: false });
    expect(page.values[0]!.key).toBe('DEMO');
    const second = await jira.projects.searchProjects({ startAt: 1, maxResults: 1 });
    expect(second.values.map((p) => p.key)).toEqual(['SUP']);
    expect(second.isLast).toBe(true);

    const demo = await jira.projects.getProject({ projectIdOrKey: 'DEMO' });
    expect(demo).toMatchObject({ key: 'DEMO', name: 'Demo Service Delivery', projectTypeKey: 'software' });
    expect(demo.issueTypes?.map((t) => t.name)).toEqual(['Task', 'Bug', 'Story']);

    const types = await jira.issueTypes.getIssueAllTypes();
    expect(types.map((t) => t.name)).toEqual(expect.arrayContaining(['Task', 'Bug', 'Story']));
    expect(await jira.issueTypes.getIssueType({ id: demo.issueTypes![1]!.id! })).toMatchObject({ name: 'Bug', subtask: false });
    const statuses = await jira.projects.getAllStatuses({ projectIdOrKey: 'DEMO' });
    expect(statuses[0]!.statuses.map((s) => s.name)).toEqual(['To Do', 'In Progress', 'Done']);

    const fields = await jira.issueFields.getFields();
    expect(fields.find((f) => f.id === 'customfield_10030')).toMatchObject({ name: 'Story Points', custom: true, schema: { type: 'number' } });
    expect(fields.find((f) => f.id === 'summary')).toMatchObject({ name: 'Summary', custom: false, navigable: true });
    expectConformant();
  });

  it('creates, reads, edits and deletes an issue with ADF bodies', async () => {
    const description = { type: 'doc' as const, version: 1 as const, content: [{ type: 'paragraph' as const, content: [{ type: 'text' as const, text: 'Invoice ', marks: [{ type: 'strong' as const }] }, { type: 'text' as const, text: 'wrong', marks: [{ type: 'link' as const, attrs: { href: 'https://crm.example.com/cases/9' } }] }] }] };
    const created = await jira.issues.createIssue({
      fields: { project: { key: 'DEMO' }, issuetype: { name: 'Bug' }, summary: 'Acme: VAT on invoice', description, customfield_10030: 3, customfield_10032: { value: 'Gold' }, labels: ['crm'] },
      properties: [{ key: 'zoho-link', value: { module: 'Cases', id: '9' } }],
    });
    expect(created.key).toMatch(/^DEMO-\d+$/);
    expect(created.self).toContain(`/rest/api/3/issue/${created.id}`);

    const issue = await jira.issues.getIssue({ issueIdOrKey: created.key, properties: ['zoho-link'], expand: 'names,changelog' });
    expect(fieldsOf(issue).summary).toBe('Acme: VAT on invoice');
    expect(fieldsOf(issue).description).toEqual(description);
    expect(fieldsOf(issue).issuetype?.name).toBe('Bug');
    expect(fieldsOf(issue).status?.name).toBe('To Do');
    expect(fieldsOf(issue).customfield_10032).toMatchObject({ value: 'Gold' });
    expect(issue.properties).toEqual({ 'zoho-link': { module: 'Cases', id: '9' } });
    expect(issue.names?.summary).toBe('Summary');

    const narrow = await jira.issues.getIssue({ issueIdOrKey: created.id, fields: ['summary', 'labels'] });
    expect(Object.keys(fieldsOf(narrow)).sort()).toEqual(['labels', 'summary']);

    await jira.issues.editIssue({ issueIdOrKey: created.key, fields: { summary: 'Acme: VAT on invoice (EU)', customfield_10035: adf('Gold customer') }, update: { labels: [{ add: 'vat' }] }, notifyUsers: false });
    const edited = await jira.issues.getIssue({ issueIdOrKey: created.key, fields: ['summary', 'labels', 'customfield_10035'], expand: 'changelog' });
    expect(fieldsOf(edited).summary).toBe('Acme: VAT on invoice (EU)');
    expect(fieldsOf(edited).labels).toEqual(['crm', 'vat']);
    expect(fieldsOf(edited).customfield_10035).toEqual(adf('Gold customer'));
    expect(edited.changelog?.histories?.[0]?.items?.map((i) => i.field)).toContain('summary');

    const bad = await failure(jira.issues.editIssue({ issueIdOrKey: created.key, fields: { description: adf('') } }));
    expect(bad.status).toBe(400);

    await jira.issues.deleteIssue({ issueIdOrKey: created.key });
    const gone = await failure(jira.issues.getIssue({ issueIdOrKey: created.key }));
    expect(gone).toMatchObject({ status: 404, body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'] } });
    expectConformant();
  });

  it('transitions with and without a screen', async () => {
    const { transitions = [] } = await jira.issues.getTransitions({ issueIdOrKey: 'DEMO-1', expand: 'transitions.fields' });
    const start = transitions.find((t) => t.to?.name === 'In Progress')!;
    const done = transitions.find((t) => t.to?.name === 'Done')!;
    expect(start.hasScreen).toBe(false);
    expect(done.hasScreen).toBe(true);
    expect(done.fields?.resolution).toMatchObject({ required: true, name: 'Resolution' });
    expect((done.fields?.resolution as { allowedValues?: Named[] } | undefined)?.allowedValues?.map((v) => v.name)).toContain("Won't Do");
    expect(start.fields ?? {}).toEqual({});

    await jira.issues.doTransition({ issueIdOrKey: 'DEMO-1', transition: { id: start.id } });
    expect(fieldsOf((await jira.issues.getIssue({ issueIdOrKey: 'DEMO-1', fields: ['status'] }))).status?.name).toBe('In Progress');

    const refused = await failure(jira.issues.doTransition({ issueIdOrKey: 'DEMO-1', transition: { id: done.id } }));
    expect(refused.status).toBe(400);
    await jira.issues.doTransition({ issueIdOrKey: 'DEMO-1', transition: { id: done.id }, fields: { resolution: { name: 'Done' } } });
    const after = await jira.issues.getIssue({ issueIdOrKey: 'DEMO-1', fields: ['status', 'resolution', 'resolutiondate'] });
    expect(fieldsOf(after).status?.name).toBe('Done');
    expect(fieldsOf(after).resolution?.name).toBe('Done');
    expect(fieldsOf(after).resolutiondate).toBeTruthy();
    expectConformant();
  });

  it('comments: add, list with paging, get, update, delete, with properties', async () => {
    const added: string[] = [];
    for (const n of [1, 2, 3]) {
      const c = await jira.issueComments.addComment({ issueIdOrKey: 'DEMO-2', body: adf(`Call ${n}`), properties: [{ key: 'sci.origin', value: { source: 'zoho', n } }] });
      expect(c.body).toEqual(adf(`Call ${n}`));
      expect(c.author?.accountId).toBe((await jira.myself.getCurrentUser()).accountId);
      added.push(c.id!);
    }
    const all = await jira.issueComments.getComments({ issueIdOrKey: 'DEMO-2' });
    // maxResults defaults to 100 (OpenAPI getComments), not "all of them".
    expect(all.maxResults).toBe(100);
    const total = all.total!;
    expect(total).toBeGreaterThanOrEqual(3);
    const page = await jira.issueComments.getComments({ issueIdOrKey: 'DEMO-2', startAt: 1, maxResults: 2, orderBy: '-created' });
    expect(page).toMatchObject({ startAt: 1, maxResults: 2, total });
    expect(page.comments?.map((c) => c.id)).toEqual([added[1], added[0]]);

    const one = await jira.issueComments.getComment({ issueIdOrKey: 'DEMO-2', id: added[0]!, expand: 'properties' });
    expect(one.properties).toEqual([{ key: 'sci.origin', value: { source: 'zoho', n: 1 } }]);
    const keys = await jira.issueCommentProperties.getCommentPropertyKeys({ commentId: added[0]! });
    expect(keys.keys?.map((k) => k.key)).toEqual(['sci.origin']);
    await jira.issueCommentProperties.setCommentProperty({ commentId: added[0]!, propertyKey: 'sci.sync', body: { version: 2 } });
    expect(await jira.issueCommentProperties.getCommentProperty({ commentId: added[0]!, propertyKey: 'sci.sync' })).toEqual({ key: 'sci.sync', value: { version: 2 } });
    await jira.issueCommentProperties.deleteCommentProperty({ commentId: added[0]!, propertyKey: 'sci.sync' });
    expect((await failure(jira.issueCommentProperties.getCommentProperty({ commentId: added[0]!, propertyKey: 'sci.sync' }))).status).toBe(404);

    const updated = await jira.issueComments.updateComment({ issueIdOrKey: 'DEMO-2', id: added[0]!, body: { body: adf('Call 1, again') } });
    expect(updated.body).toEqual(adf('Call 1, again'));
    expect(updated.updated).toBeTruthy();

    await jira.issueComments.deleteComment({ issueIdOrKey: 'DEMO-2', id: added[0]! });
    expect((await failure(jira.issueComments.getComment({ issueIdOrKey: 'DEMO-2', id: added[0]! }))).status).toBe(404);
    expect((await jira.issueComments.getComments({ issueIdOrKey: 'DEMO-2' })).total).toBe(total - 1);
    expectConformant();
  });

  it('attachments: add (multipart), metadata, download, delete', async () => {
    const meta = await jira.issueAttachments.getAttachmentMeta();
    expect(meta).toMatchObject({ enabled: true, uploadLimit: 100 * 1024 * 1024 });

    const [att] = await jira.issueAttachments.addAttachment({ issueIdOrKey: 'DEMO-3', attachments: { filename: 'notes.txt', content: Buffer.from('hello jira.js') } });
    expect(att).toMatchObject({ filename: 'notes.txt', size: 13, mimeType: 'text/plain' });

    const metadata = await jira.issueAttachments.getAttachment({ id: String(att!.id) });
    expect(metadata).toMatchObject({ filename: 'notes.txt', size: 13, mimeType: 'text/plain' });

    const body = await jira.issueAttachments.getAttachmentContent({ id: String(att!.id) });
    expect(new TextDecoder().decode(body)).toBe('hello jira.js');
    const direct = await jira.issueAttachments.getAttachmentContent({ id: String(att!.id), redirect: false });
    expect(new TextDecoder().decode(direct)).toBe('hello jira.js');

    const issue = await jira.issues.getIssue({ issueIdOrKey: 'DEMO-3', fields: ['attachment'] });
    expect(fieldsOf(issue).attachment?.map((a) => a.filename)).toContain('notes.txt');

    // Several files in one request, one of them streamed (jira.js's own multipart encoder), a non-ASCII name.
    const streamed = async function* () {
      yield 'streamed ';
      yield new TextEncoder().encode('content');
    };
    const two = await jira.issueAttachments.addAttachment({
      issueIdOrKey: 'DEMO-3',
      attachments: [
        { filename: 'résumé client.txt', content: streamed() },
        { filename: 'data.bin', content: new Uint8Array([1, 2, 3, 4]) },
      ],
    });
    expect(two.map((a) => [a.filename, a.size])).toEqual([
      ['résumé client.txt', 16],
      ['data.bin', 4],
    ]);
    expect(new TextDecoder().decode(await jira.issueAttachments.getAttachmentContent({ id: String(two[0]!.id) }))).toBe('streamed content');

    await jira.issueAttachments.removeAttachment({ id: String(att!.id) });
    expect((await failure(jira.issueAttachments.getAttachment({ id: String(att!.id) }))).status).toBe(404);
    expectConformant();
  });

  it('issue properties and Forge app properties', async () => {
    await jira.issueProperties.setIssueProperty({ issueIdOrKey: 'DEMO-1', propertyKey: 'sync-state', body: { version: 1 } });
    await jira.issueProperties.setIssueProperty({ issueIdOrKey: 'DEMO-1', propertyKey: 'sync-state', body: { version: 2 } });
    expect(await jira.issueProperties.getIssueProperty({ issueIdOrKey: 'DEMO-1', propertyKey: 'sync-state' })).toEqual({ key: 'sync-state', value: { version: 2 } });
    const keys = await jira.issueProperties.getIssuePropertyKeys({ issueIdOrKey: 'DEMO-1' });
    expect(keys.keys?.map((k) => k.key)).toContain('sync-state');
    // Keys up to 255 characters travel in the path.
    const longKey = 'p'.repeat(255);
    await jira.issueProperties.setIssueProperty({ issueIdOrKey: 'DEMO-1', propertyKey: longKey, body: { long: true } });
    expect(await jira.issueProperties.getIssueProperty({ issueIdOrKey: 'DEMO-1', propertyKey: longKey })).toEqual({ key: longKey, value: { long: true } });
    expect((await failure(jira.issueProperties.setIssueProperty({ issueIdOrKey: 'DEMO-1', propertyKey: `${longKey}p`, body: { long: true } }))).status).toBe(400);
    await jira.issueProperties.deleteIssueProperty({ issueIdOrKey: 'DEMO-1', propertyKey: 'sync-state' });
    expect((await failure(jira.issueProperties.getIssueProperty({ issueIdOrKey: 'DEMO-1', propertyKey: 'sync-state' }))).status).toBe(404);

    // App properties: only the Forge app itself (asApp) may use them.
    const created = await asApp.appProperties.putForgeAppProperty({ propertyKey: 'sci-config', body: { mode: 'two-way' } });
    expect(created).toMatchObject({ message: anyString });
    await asApp.appProperties.putForgeAppProperty({ propertyKey: 'sci-config', body: { mode: 'one-way' } });
    expect(await asApp.appProperties.getForgeAppProperty({ propertyKey: 'sci-config' })).toEqual({ key: 'sci-config', value: { mode: 'one-way' } });
    const appKeys = await asApp.appProperties.getForgeAppPropertyKeys();
    expect(appKeys.keys?.map((k) => k.key)).toEqual(['sci-config']);
    expect((await failure(jira.appProperties.getForgeAppPropertyKeys())).status).toBe(403);
    // Their 400 and 404 bodies are OperationMessages, not Jira's errorMessages envelope (OpenAPI document).
    const tooLong = await failure(asApp.appProperties.putForgeAppProperty({ propertyKey: 'k'.repeat(128), body: { a: 1 } }));
    expect(tooLong).toMatchObject({ status: 400, body: { statusCode: 400, message: "The property key can't be longer than 127 characters." } });
    // The app-property routes share the REST guard: an outage reaches them too.
    sim.setOutage({ durationMs: 60_000 });
    expect((await failure(asApp.appProperties.getForgeAppPropertyKeys())).status).toBe(503);
    sim.clearOutage();
    await asApp.appProperties.deleteForgeAppProperty({ propertyKey: 'sci-config' });
    expect((await failure(asApp.appProperties.getForgeAppProperty({ propertyKey: 'sci-config' }))).status).toBe(404);
    expectConformant();
  });

  it('enhanced search (/search/jql) with nextPageToken, and the approximate count', async () => {
    const seen: string[] = [];
    let nextPageToken: string | undefined;
    let pages = 0;
    do {
      const page = await jira.issueSearch.searchAndReconsileIssuesUsingJqlPost({ jql: 'project = DEMO ORDER BY key ASC', fields: ['summary', 'status'], maxResults: 2, nextPageToken });
      pages += 1;
      for (const i of page.issues ?? []) {
        expect(fieldsOf(i).summary).toEqual(anyString);
        seen.push(i.key!);
      }
      nextPageToken = page.nextPageToken ?? undefined;
      expect(page.isLast).toBe(nextPageToken === undefined);
    } while (nextPageToken);
    expect(pages).toBe(3);
    expect(seen).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-3', 'DEMO-4', 'DEMO-5']);

    const viaGet = await jira.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = DEMO AND issuetype = Bug ORDER BY key', fields: ['summary'] });
    expect(viaGet.issues?.map((i) => i.key)).toEqual(['DEMO-2', 'DEMO-5']);
    const ids = await jira.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = SUP' });
    expect(ids.issues?.every((i) => i.id && Object.keys(i).every((k) => k === 'id'))).toBe(true);

    // names, properties and reconcileIssues (read-after-write) through jira.js's POST body.
    await jira.issueProperties.setIssueProperty({ issueIdOrKey: 'DEMO-4', propertyKey: 'zoho-link', body: { id: '42' } });
    const demo4 = await jira.issues.getIssue({ issueIdOrKey: 'DEMO-4', fields: ['summary'] });
    const rich = await jira.issueSearch.searchAndReconsileIssuesUsingJqlPost({
      jql: 'key = DEMO-4',
      fields: ['summary', 'customfield_10030'],
      expand: 'names',
      properties: ['zoho-link'],
      reconcileIssues: [Number(demo4.id)],
    });
    expect(rich.issues?.map((i) => [i.key, i.properties])).toEqual([['DEMO-4', { 'zoho-link': { id: '42' } }]]);
    expect(rich.names).toMatchObject({ summary: 'Summary', customfield_10030: 'Story Points' });

    const count = await jira.issueSearch.countIssues({ jql: 'project = DEMO' });
    expect(count.count).toBe(5);
    expect((await failure(jira.issueSearch.countIssues({ jql: 'ORDER BY key' }))).status).toBe(400);
    expectConformant();
  });

  it('bulk permission check and user search', async () => {
    const demo = await jira.projects.getProject({ projectIdOrKey: 'DEMO' });
    const perms = await jira.permissions.getBulkPermissions({
      globalPermissions: ['ADMINISTER'],
      projectPermissions: [{ permissions: ['BROWSE_PROJECTS', 'EDIT_ISSUES'], projects: [Number(demo.id)] }],
    });
    expect(perms.globalPermissions).toEqual(['ADMINISTER']);
    expect(perms.projectPermissions?.find((p) => p.permission === 'BROWSE_PROJECTS')?.projects).toEqual([Number(demo.id)]);
    const unknown = await failure(jira.permissions.getBulkPermissions({ globalPermissions: ['NOPE'] }));
    expect(unknown).toMatchObject({ status: 400, body: { errors: { NOPE: 'Unrecognized permission' } } });

    const found = await jira.userSearch.findUsers({ query: 'marcus' });
    expect(found.map((u) => u.displayName)).toEqual(['Marcus Lee']);
    expect(found[0]).toMatchObject({ accountType: 'atlassian', active: true, accountId: anyString });
    const byId = await jira.userSearch.findUsers({ accountId: found[0]!.accountId });
    expect(byId.map((u) => u.displayName)).toEqual(['Marcus Lee']);
    const paged = await jira.userSearch.findUsers({ query: 'a', maxResults: 1 });
    expect(paged).toHaveLength(1);
    expect((await failure(jira.userSearch.findUsers({}))).status).toBe(400);
    expect((await failure(jira.userSearch.findUsers({ query: 'marcus', accountId: found[0]!.accountId }))).status).toBe(400);
    // As the app (Bearer system token on apiBaseUrl) too.
    expect((await asApp.userSearch.findUsers({ query: 'priya' })).map((u) => u.displayName)).toEqual(['Priya Natarajan']);
    expectConformant();
  });
});
