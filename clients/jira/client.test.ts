// The client over real HTTP against the Jira simulator: every family of calls, the failure modes, and the
// streamed attachment path with bounded memory.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jiraConformanceProblems, restExchanges } from '../../sandbox/jira/conformance-support';
import { startJiraSimulator, type JiraSimulator } from '../../sandbox/jira/index';
import type { HttpExchange } from '../../sandbox/shared/exchange';
import { adfToHtml, adfToText, createJiraClient, htmlToAdf, JiraError, textToAdf, truncateSummary, type JiraClient } from './index';

let sim: JiraSimulator;
let jira: JiraClient;
const exchanges: HttpExchange[] = [];

beforeAll(async () => {
  sim = await startJiraSimulator({ attachmentMaxBytes: 64 * 1024 * 1024, onExchange: (e) => exchanges.push(e) });
  // Production shape: Forge's system token against the installation's apiBaseUrl.
  jira = createJiraClient({ baseUrl: sim.apiBaseUrl, auth: { type: 'forge', systemToken: () => sim.systemToken } });
});
afterAll(async () => {
  await sim.close();
  // Every request this suite sent, and every answer, against Atlassian's OpenAPI document. 403 and 503 come
  // from injected faults; Atlassian documents them globally rather than per operation.
  const recorded = restExchanges(exchanges);
  expect(recorded.length).toBeGreaterThan(50);
  expect(jiraConformanceProblems(recorded, { acceptStatuses: [403, 503] })).toEqual([]);
});
beforeEach(async () => {
  await sim.reset();
});

async function rejection(p: Promise<unknown>): Promise<JiraError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(JiraError);
    return e as JiraError;
  }
  throw new Error('expected the call to fail');
}

describe('issues', () => {
  it('refuses a 300-character summary, and truncateSummary makes it fit', async () => {
    const long = 'Renewal for ' + 'Acme Corporation international subsidiary '.repeat(7);
    expect(long.length).toBeGreaterThanOrEqual(300);
    const err = await rejection(jira.issues.create({ project: { key: 'DEMO' }, issueType: { name: 'Task' }, summary: long }));
    expect(err.status).toBe(400);
    expect(err.retryable).toBe(false);
    expect(err.errors.summary).toBe('Summary must be less than 255 characters.');

    const summary = truncateSummary(long);
    expect(summary.length).toBeLessThanOrEqual(255);
    const created = await jira.issues.create({
      project: { key: 'DEMO' },
      issueType: { name: 'Task' },
      summary,
      description: textToAdf('Created from the CRM.'),
      fields: { customfield_10030: 8, customfield_10031: '2026-06-30', customfield_10032: { value: 'Gold' } },
    });
    expect(created.key).toMatch(/^DEMO-\d+$/);
    const issue = await jira.issues.get(created.key, { fields: ['summary', 'customfield_10030', 'customfield_10031', 'customfield_10032', 'status'] });
    expect(issue.fields.summary).toBe(summary);
    expect(issue.fields.customfield_10030).toBe(8);
    expect(issue.fields.customfield_10031).toBe('2026-06-30');
    expect(issue.fields.customfield_10032).toMatchObject({ value: 'Gold' });
    expect(issue.fields.status).toMatchObject({ name: 'To Do' });
  });

  it('edits fields and reads the changelog', async () => {
    await jira.issues.edit('DEMO-1', { fields: { summary: 'Onboard Acme Corp (phase 2)' }, update: { labels: [{ add: 'phase-2' }] } }, { notifyUsers: false });
    const issue = await jira.issues.get('DEMO-1', { fields: ['summary', 'labels'], changelog: true });
    expect(issue.fields.summary).toBe('Onboard Acme Corp (phase 2)');
    expect(issue.fields.labels).toEqual(['onboarding', 'phase-2']);
    const latest = issue.changelog!.histories[0]!;
    expect(latest.items.map((i) => i.field).sort()).toEqual(['labels', 'summary']);
    expect(latest.items.find((i) => i.field === 'summary')).toMatchObject({ fromString: 'Onboard Acme Corp to the enterprise plan', toString: 'Onboard Acme Corp (phase 2)' });
  });

  it('performs a transition that needs a field', async () => {
    const transitions = await jira.issues.getTransitions('DEMO-1');
    const done = transitions.find((t) => t.to.name === 'Done')!;
    expect(done.fields?.resolution?.required).toBe(true);
    const names = (done.fields?.resolution?.allowedValues ?? []).map((v) => (v as { name: string }).name);
    expect(names).toContain('Done');

    const err = await rejection(jira.issues.transition('DEMO-1', { transitionId: done.id }));
    expect(err.status).toBe(400);
    expect(err.errors.resolution).toBe('Resolution is required.');

    await jira.issues.transition('DEMO-1', { transitionId: done.id, fields: { resolution: { name: 'Done' } } });
    const issue = await jira.issues.get('DEMO-1', { fields: ['status', 'resolution'] });
    expect(issue.fields.status).toMatchObject({ name: 'Done', statusCategory: { key: 'done' } });
    expect(issue.fields.resolution).toMatchObject({ name: 'Done' });
  });

  it('reads and writes issue properties', async () => {
    expect(await jira.issues.getProperty('DEMO-2', 'zoho-link')).toBeUndefined();
    expect(await jira.issues.setProperty('DEMO-2', 'zoho-link', { module: 'Deals', recordId: '4242' })).toEqual({ created: true });
    expect(await jira.issues.setProperty('DEMO-2', 'zoho-link', { module: 'Deals', recordId: '4343' })).toEqual({ created: false });
    expect(await jira.issues.getProperty('DEMO-2', 'zoho-link')).toEqual({ module: 'Deals', recordId: '4343' });
    expect(await jira.issues.listPropertyKeys('DEMO-2')).toEqual(['zoho-link']);
    const withProps = await jira.issues.get('DEMO-2', { fields: ['summary'], properties: ['zoho-link'] });
    expect(withProps.properties).toEqual({ 'zoho-link': { module: 'Deals', recordId: '4343' } });
    await jira.issues.deleteProperty('DEMO-2', 'zoho-link');
    expect(await jira.issues.getProperty('DEMO-2', 'zoho-link')).toBeUndefined();
  });

  it('pages a JQL search with nextPageToken', async () => {
    for (let i = 0; i < 5; i++) {
      await jira.issues.create({ project: { key: 'SUP' }, issueType: { name: 'Bug' }, summary: `Customer report ${i}` });
    }
    const jql = 'project = SUP ORDER BY key ASC';
    const first = await jira.issues.search({ jql, fields: ['summary'], maxResults: 2 });
    expect(first.issues).toHaveLength(2);
    expect(first.nextPageToken).toEqual(expect.any(String));
    expect(first.isLast).toBe(false);

    const pages = [];
    for await (const page of jira.issues.searchPages({ jql, fields: ['summary'], maxResults: 2 })) pages.push(page);
    expect(pages).toHaveLength(3);
    expect(pages.at(-1)!.nextPageToken).toBeUndefined();
    expect(pages.at(-1)!.isLast).toBe(true);
    expect(pages.flatMap((p) => p.issues.map((i) => i.key))).toEqual(['SUP-1', 'SUP-2', 'SUP-3', 'SUP-4', 'SUP-5', 'SUP-6']);

    // Without fields, the new search answers ids only.
    const ids = await jira.issues.search({ jql: 'key in (SUP-1, SUP-2) ORDER BY key DESC' });
    expect(ids.issues.map((i) => Object.keys(i).sort())).toEqual([['fields', 'id'], ['fields', 'id']]);
  });

  it('searches by updated with minute precision, newest last', async () => {
    const since = new Date(Date.now() - 60_000).toISOString().slice(0, 16).replace('T', ' ');
    await jira.issues.edit('DEMO-3', { fields: { customfield_10030: 13 } });
    const res = await jira.issues.search({ jql: `project = DEMO AND issuetype = Story AND updated >= "${since}" ORDER BY updated ASC`, fields: ['updated'] });
    expect(res.issues.map((i) => i.key)).toEqual(['DEMO-3']);
  });
});

describe('comments and ADF', () => {
  it('round-trips a multi-paragraph plain-text note with a link and a list', async () => {
    const note = [
      'Hi team,',
      'Acme signed the renewal today. Contract: https://crm.example.com/deals/4242\nCall notes are in the CRM.',
      '- upgrade to 50 seats\n- add the EU data residency option\n- invoice quarterly',
      'Thanks, Alana',
    ].join('\n\n');
    const comment = await jira.comments.add('DEMO-1', textToAdf(note), { properties: [{ key: 'sci.origin', value: { source: 'zoho', noteId: 'n-1' } }] });
    const page = await jira.comments.list('DEMO-1', { expand: ['properties'] });
    const stored = page.comments.find((c) => c.id === comment.id)!;
    expect(adfToText(stored.body as Parameters<typeof adfToText>[0])).toBe(note);
    expect(stored.properties).toEqual([{ key: 'sci.origin', value: { source: 'zoho', noteId: 'n-1' } }]);
  });

  it('round-trips an HTML note', async () => {
    const html =
      '<p>Hello <strong>team</strong>,</p><p>See <a href="https://crm.example.com/deals/7">the deal</a><br>and <em>call</em> <code>ACME-7</code>.</p>' +
      '<ol><li><p>first</p></li><li><p>second</p></li></ol><ul><li><p>one</p></li></ul>';
    const comment = await jira.comments.add('DEMO-2', htmlToAdf(html));
    const got = await jira.comments.get('DEMO-2', comment.id);
    expect(adfToHtml(got.body as Parameters<typeof adfToHtml>[0])).toBe(html);
  });

  it('is refused by Jira when the body is not ADF', async () => {
    const err = await rejection(jira.http.request({ method: 'POST', path: '/rest/api/3/issue/DEMO-1/comment', json: { body: 'plain' }, schema: (await import('zod')).z.unknown() }));
    expect(err.status).toBe(400);
    expect(err.errors.comment).toMatch(/Atlassian Document/);
  });
});

describe('attachments', () => {
  const CHUNK = 64 * 1024;
  const SIZE = 24 * 1024 * 1024; // > 10 MB, and larger than loopback socket buffers
  const LAG = 8 * 1024 * 1024;

  /** Deterministic bytes; waits whenever it is LAG ahead of what the simulator has stored. */
  function source(hash: ReturnType<typeof createHash>, received: () => number): Readable {
    let produced = 0;
    return Readable.from(
      (async function* () {
        while (produced < SIZE) {
          // A client that buffered the whole body would never let the server see a byte: stop and fail.
          for (let spins = 0; produced - received() > LAG; spins++) {
            if (spins > 2000) throw new Error(`upload was buffered: ${produced} bytes produced, ${received()} received`);
            await new Promise((r) => setTimeout(r, 5));
          }
          const chunk = Buffer.alloc(CHUNK, produced / CHUNK);
          hash.update(chunk);
          produced += CHUNK;
          yield chunk;
        }
      })(),
    );
  }

  it('streams a file larger than 10 MB up and down with bounded memory', async () => {
    const upHash = createHash('sha256');
    const before = sim.stats().bytesReceived;
    const [att] = await jira.attachments.upload('DEMO-1', {
      filename: 'contract-scan.pdf',
      contentType: 'application/pdf',
      data: source(upHash, () => sim.stats().bytesReceived - before),
    });
    expect(att).toMatchObject({ filename: 'contract-scan.pdf', size: SIZE, mimeType: 'application/pdf' });

    const meta = await jira.attachments.get(att!.id);
    expect(meta.size).toBe(SIZE);

    const sentBefore = sim.stats().bytesSent;
    const download = await jira.attachments.download(att!.id);
    expect(download.size).toBe(SIZE);
    expect(download.contentType).toBe('application/pdf');
    await new Promise((r) => setTimeout(r, 100));
    // Nobody is reading yet: a streaming client lets back-pressure stop the server well short of the end.
    expect(sim.stats().bytesSent - sentBefore).toBeLessThan(SIZE);

    const downHash = createHash('sha256');
    let total = 0;
    for await (const chunk of download.stream as AsyncIterable<Buffer>) {
      downHash.update(chunk);
      total += chunk.length;
    }
    expect(total).toBe(SIZE);
    expect(downHash.digest('hex')).toBe(upHash.digest('hex'));
  });

  it('reports the upload limit and refuses larger files with 413', async () => {
    const small = await startJiraSimulator({ attachmentMaxBytes: 1024 });
    try {
      const client = createJiraClient({ baseUrl: small.url, auth: { type: 'basic', ...small.basicAuth } });
      expect(await client.attachments.settings()).toEqual({ enabled: true, uploadLimit: 1024 });
      const err = await rejection(client.attachments.upload('DEMO-1', { filename: 'big.bin', data: Readable.from([Buffer.alloc(4096)]) }));
      expect(err.status).toBe(413);
      expect(err.retryable).toBe(false);
      const ok = await client.attachments.upload('DEMO-1', { filename: 'résumé notes.txt', contentType: 'text/plain', data: Readable.from([Buffer.from('hello')]) });
      expect(ok[0]).toMatchObject({ filename: 'résumé notes.txt', size: 5 });
    } finally {
      await small.close();
    }
  });
});

describe('metadata', () => {
  it('lists projects, issue types, fields, statuses and the current user', async () => {
    const projects = await jira.metadata.listAllProjects({ expand: ['issueTypes'] });
    expect(projects.map((p) => p.key)).toEqual(['DEMO', 'SUP']);
    const demo = projects[0]!;
    expect(demo.issueTypes?.map((t) => t.name)).toEqual(['Task', 'Bug', 'Story']);
    expect((await jira.metadata.getProjectIssueTypes(demo.id)).map((t) => t.name)).toEqual(['Task', 'Bug', 'Story']);
    const fields = await jira.metadata.listFields();
    expect(fields.find((f) => f.id === 'customfield_10032')).toMatchObject({ custom: true, schema: { type: 'option' } });
    expect(fields.find((f) => f.id === 'customfield_10031')).toMatchObject({ custom: true, schema: { type: 'date' } });
    const statuses = await jira.metadata.getProjectStatuses('DEMO');
    expect(statuses[0]!.statuses.map((s) => s.name)).toEqual(['To Do', 'In Progress', 'Done']);
    expect((await jira.metadata.listStatuses()).length).toBeGreaterThanOrEqual(3);
    expect(await jira.metadata.myself()).toMatchObject({ accountType: 'app', displayName: 'Zoho CRM Connector' });
  });

  it('works with an API token (Basic) against the site URL', async () => {
    const basic = createJiraClient({ baseUrl: sim.url, auth: { type: 'basic', ...sim.basicAuth } });
    expect(await basic.metadata.myself()).toMatchObject({ accountType: 'atlassian', displayName: 'Alana Grant' });
  });
});

describe('errors', () => {
  it('turns 429 into a retryable error that says how long to wait', async () => {
    sim.addFault({ path: '^/rest/api/3/myself$', status: 429, retryAfterSeconds: 7 });
    const err = await rejection(jira.metadata.myself());
    expect(err.status).toBe(429);
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(7000);
    expect(err.rateLimitReason).toBe('jira-burst-based');
    // The fault was used up: the next call goes through.
    await expect(jira.metadata.myself()).resolves.toMatchObject({ accountType: 'app' });
  });

  it('rate-limits a burst with 429 and Retry-After', async () => {
    sim.setRateLimit({ perSecond: 1, burst: 2 });
    await jira.metadata.myself();
    await jira.metadata.myself();
    const err = await rejection(jira.metadata.myself());
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(1000);
    sim.setRateLimit(undefined);
  });

  it('marks 5xx and network failures retryable, 401/403/404 not', async () => {
    sim.addFault({ path: '/issue/', status: 503, retryAfterSeconds: 2 });
    const unavailable = await rejection(jira.issues.get('DEMO-1'));
    expect(unavailable).toMatchObject({ status: 503, retryable: true, retryAfterMs: 2000 });

    const missing = await rejection(jira.issues.get('DEMO-999'));
    expect(missing).toMatchObject({ status: 404, retryable: false, isNotFound: true });
    expect(missing.errorMessages).toEqual(['Issue does not exist or you do not have permission to see it.']);

    const stranger = createJiraClient({ baseUrl: sim.apiBaseUrl, auth: { type: 'forge', systemToken: 'not-a-token' } });
    const unauthorised = await rejection(stranger.metadata.myself());
    expect(unauthorised).toMatchObject({ status: 401, retryable: false });
    expect(unauthorised.message).not.toContain('not-a-token');

    sim.addFault({ path: '/myself', status: 403 });
    expect(await rejection(jira.metadata.myself())).toMatchObject({ status: 403, retryable: false });

    sim.addFault({ path: '/myself', status: 0 });
    expect(await rejection(jira.metadata.myself())).toMatchObject({ kind: 'network', retryable: true });

    const nowhere = createJiraClient({ baseUrl: 'http://127.0.0.1:1', auth: { type: 'forge', systemToken: 'x' } });
    expect(await rejection(nowhere.metadata.myself())).toMatchObject({ kind: 'network', retryable: true });
  });

  it('honours the caller’s AbortSignal', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await rejection(jira.metadata.myself({ signal: ac.signal }))).toMatchObject({ kind: 'aborted', retryable: false });
  });
});
