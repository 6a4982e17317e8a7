// Every request the Jira client sends and every response the simulator answers, checked against
// Atlassian's OpenAPI document (sandbox/openapi/jira-cloud-v3), over a representative session that
// touches each family the product uses, failures included.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createJiraClient, htmlToAdf, JiraError, textToAdf, truncateSummary, type JiraClient } from '../../clients/jira/index';
import type { HttpExchange } from '../shared/exchange';
import { jiraConformanceProblems, restExchanges } from './conformance-support';
import { startJiraSimulator, type JiraSimulator } from './index';

const exchanges: HttpExchange[] = [];
let sim: JiraSimulator;
let app: JiraClient;
let basic: JiraClient;

beforeAll(async () => {
  sim = await startJiraSimulator({ onExchange: (e) => exchanges.push(e), attachmentMaxBytes: 1024 * 1024 });
  app = createJiraClient({ baseUrl: sim.apiBaseUrl, auth: { type: 'forge', systemToken: () => sim.systemToken } });
  basic = createJiraClient({ baseUrl: sim.url, auth: { type: 'basic', ...sim.basicAuth } });
});
afterAll(async () => {
  await sim.close();
});

const failsWith = async (status: number, p: Promise<unknown>) => {
  await expect(p).rejects.toBeInstanceOf(JiraError);
  await expect(p).rejects.toMatchObject({ status });
};


describe('OpenAPI conformance of the Jira client and simulator', () => {
  it('a representative session conforms in both directions', async () => {
    // Metadata (what the SCI editor's pickers read).
    await app.metadata.myself();
    await basic.metadata.myself();
    const projects = await app.metadata.listProjects({ expand: ['issueTypes'], maxResults: 1 });
    await app.metadata.listProjects({ startAt: 1, maxResults: 1, keys: ['DEMO', 'SUP'] });
    await app.metadata.getProject('DEMO');
    await app.metadata.getProjectIssueTypes(projects.values[0]!.id);
    await app.metadata.listFields();
    await app.metadata.listStatuses();
    await app.metadata.getProjectStatuses('DEMO');
    // Value and user mapping (F41): priorities, a select field's options, labels, users.
    expect((await app.metadata.listPriorities()).map((p) => p.name)).toContain('Highest');
    expect((await app.metadata.listFieldOptions('customfield_10032')).map((o) => o.value)).toEqual(['Gold', 'Silver', 'Bronze']);
    await app.metadata.listLabels();
    expect((await app.metadata.listUsers()).length).toBeGreaterThan(0);
    expect(await app.metadata.findUserByEmail('aisha.patel@zylker.example')).toMatchObject({ displayName: 'Aisha Patel' });
    await app.metadata.findUserByAccountId('712020:9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d');

    // Issues: create, read, edit, properties, transitions.
    await failsWith(400, app.issues.create({ project: { key: 'DEMO' }, issueType: { name: 'Task' }, summary: 'x'.repeat(300) }));
    const created = await app.issues.create({
      project: { key: 'DEMO' },
      issueType: { id: '10002' },
      summary: truncateSummary('Acme: invoice VAT issue reported by the customer\nsecond line'),
      description: htmlToAdf('<p>Reported by <b>Acme</b> via <a href="https://crm.example.com/cases/9">case 9</a></p><ul><li>EU only</li></ul>'),
      fields: { customfield_10030: 3, customfield_10032: { value: 'Silver' }, labels: ['crm'], priority: { name: 'High' } },
      properties: [{ key: 'zoho-link', value: { module: 'Cases', recordId: '9' } }],
    });
    await app.issues.get(created.key);
    await app.issues.get(created.key, { fields: ['summary', 'status'], changelog: true, expand: ['names', 'schema', 'transitions'], properties: ['zoho-link'] });
    await app.issues.edit(created.key, { fields: { customfield_10031: '2026-07-01' }, update: { labels: [{ add: 'vat' }] } }, { notifyUsers: false });
    await failsWith(400, app.issues.edit(created.key, { fields: { description: 'plain text' } }));
    await failsWith(404, app.issues.get('DEMO-9999'));
    await app.issues.setProperty(created.key, 'sync-state', { version: 1 });
    await app.issues.setProperty(created.key, 'sync-state', { version: 2 });
    await app.issues.getProperty(created.key, 'sync-state');
    await app.issues.getProperty(created.key, 'missing');
    await app.issues.listPropertyKeys(created.key);
    await app.issues.deleteProperty(created.key, 'sync-state');
    const transitions = await app.issues.getTransitions(created.key);
    const done = transitions.find((t) => t.to.name === 'Done')!;
    await failsWith(400, app.issues.transition(created.key, { transitionId: done.id }));
    await app.issues.transition(created.key, { transitionId: done.id, fields: { resolution: { name: 'Done' } } });
    await app.issues.get(created.key, { fields: ['status', 'resolution', 'resolutiondate'], changelog: true });
    await app.http.request({ method: 'GET', path: `/rest/api/3/issue/${created.key}/changelog`, query: { maxResults: 2 }, schema: z.unknown() });

    // Search: paging with nextPageToken, ids only, bounded JQL.
    for await (const page of app.issues.searchPages({ jql: 'project = DEMO ORDER BY updated ASC', fields: ['summary', 'updated'], maxResults: 2 })) {
      expect(page.issues.length).toBeGreaterThan(0);
    }
    await app.issues.search({ jql: `key in (DEMO-1, ${created.key}) AND issuetype = Bug`, properties: ['zoho-link'] });
    await app.issues.search({ jql: 'project = DEMO AND updated >= "2020-01-01 00:00"', fields: ['*navigable'], expand: 'names' });
    await failsWith(400, app.issues.search({ jql: 'ORDER BY key' }));
    // JQL checked the way the SCI editor's filter is (F40): valid, invalid and ordered queries in one call.
    const parsed = await app.issues.parseJql(['labels = vip', 'universe = 42', 'project = DEMO ORDER BY key']);
    expect(parsed.map((q) => [q.query, q.errors ?? [], Boolean(q.structure?.orderBy)])).toEqual([
      ['labels = vip', [], false],
      ['universe = 42', ["Field 'universe' does not exist or you do not have permission to view it."], false],
      ['project = DEMO ORDER BY key', [], true],
    ]);
    await failsWith(400, app.issues.parseJql([]));

    // Comments in ADF.
    const comment = await app.comments.add(created.key, textToAdf('Called the customer.\n\nNext: https://crm.example.com'), {
      properties: [{ key: 'sci.origin', value: { source: 'zoho' } }],
    });
    await app.comments.list(created.key, { orderBy: '-created', maxResults: 10 });
    await app.comments.get(created.key, comment.id, { expand: ['properties'] });
    await app.comments.update(created.key, comment.id, textToAdf('Called the customer twice.'));
    await app.comments.delete(created.key, comment.id);

    // Attachments, streamed.
    await app.attachments.settings();
    const [att] = await app.attachments.upload(created.key, { filename: 'notes.txt', contentType: 'text/plain', data: Readable.from([Buffer.from('hello world')]) });
    await app.attachments.get(att!.id);
    const download = await app.attachments.download(att!.id);
    download.stream.resume();
    await failsWith(413, app.attachments.upload(created.key, { filename: 'big.bin', data: Readable.from([Buffer.alloc(2 * 1024 * 1024)]) }));

    // Rate limiting and faults.
    sim.addFault({ path: '^/rest/api/3/myself$', status: 429, retryAfterSeconds: 3 });
    await failsWith(429, app.metadata.myself());
    sim.addFault({ path: '/issue/', status: 503 });
    await failsWith(503, app.issues.get('DEMO-1'));

    const recorded = restExchanges(exchanges);
    expect(recorded.length).toBeGreaterThan(40);
    // 503 is not documented per operation; Atlassian documents it globally (with Retry-After), as 429.
    expect(jiraConformanceProblems(recorded, { acceptStatuses: [503] })).toEqual([]);
    // The excuse above is used (the session reads changelogs with emptied fields), so it stays honest.
    expect(recorded.some((e) => e.url.includes('expand=changelog'))).toBe(true);
  });
});
