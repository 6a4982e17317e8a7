// Jira behaviour the simulator reproduces beyond the client's happy paths: JQL semantics, validation
// messages, XSRF on multipart, the removed search API, and the control surface (stats, faults, hand edits).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startJiraSimulator, type JiraSimulator } from './index';

let sim: JiraSimulator;
let auth: string;

beforeAll(async () => {
  sim = await startJiraSimulator();
  auth = 'Basic ' + Buffer.from(`${sim.basicAuth.email}:${sim.basicAuth.apiToken}`).toString('base64');
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await sim.reset();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(sim.url + path, {
    method,
    headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const keys = async (jql: string) => {
  const res = await call('POST', '/rest/api/3/search/jql', { jql, fields: ['summary'], maxResults: 100 });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body!.issues as { key: string }[]).map((i) => i.key);
};

describe('JQL', () => {
  it('supports the clauses the product uses', async () => {
    expect(await keys('project = DEMO ORDER BY key ASC')).toEqual(['DEMO-1', 'DEMO-2', 'DEMO-3', 'DEMO-4', 'DEMO-5']);
    expect(await keys('project = DEMO AND issuetype = Bug ORDER BY key')).toEqual(['DEMO-2', 'DEMO-5']);
    expect(await keys('project in (DEMO, SUP) AND type in (Task) ORDER BY key DESC')).toEqual(['SUP-1', 'DEMO-4', 'DEMO-1']);
    expect(await keys('key in (DEMO-3, demo-1) ORDER BY key')).toEqual(['DEMO-1', 'DEMO-3']);
    expect(await keys('project = DEMO AND status = Done')).toEqual(['DEMO-4']);
    expect(await keys('project = DEMO AND statusCategory != Done AND labels = crm')).toEqual(['DEMO-5']);
    expect(await keys('project = DEMO AND cf[10032] = Gold')).toEqual(['DEMO-1']);
    expect(await keys('project = DEMO AND "Story Points" >= 4')).toEqual(['DEMO-3']);
    expect(await keys('project = DEMO AND (issuetype = Story OR priority = Highest) ORDER BY key')).toEqual(['DEMO-2', 'DEMO-3']);
    expect(await keys('project = DEMO AND assignee IS EMPTY ORDER BY key')).toEqual(['DEMO-3', 'DEMO-5']);
    expect(await keys('project = DEMO AND summary ~ "VAT"')).toEqual(['DEMO-2']);
  });

  it('compares updated with minute precision and orders by updated', async () => {
    const res = await call('PUT', '/rest/api/3/issue/DEMO-1', { fields: { summary: 'Touched' } });
    expect(res.status).toBe(204);
    const now = new Date();
    const thisMinute = now.toISOString().slice(0, 16).replace('T', ' ');
    const nextMinute = new Date(now.getTime() + 60_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(await keys(`updated >= "${thisMinute}"`)).toEqual(['DEMO-1']);
    expect(await keys(`updated >= "${nextMinute}"`)).toEqual([]);
    expect(await keys('updated >= -1h')).toEqual(['DEMO-1']);
    expect((await keys('project = DEMO ORDER BY updated DESC'))[0]).toBe('DEMO-1');
    expect((await keys('project = DEMO ORDER BY updated ASC')).at(-1)).toBe('DEMO-1');
  });

  it('answers JQL errors with 400 and Jira-like messages', async () => {
    const cases: [string, RegExp][] = [
      ['ORDER BY key', /Unbounded JQL/],
      ['', /Unbounded JQL/],
      ['project = NOPE', /The value 'NOPE' does not exist for the field 'project'/],
      ['colour = red', /Field 'colour' does not exist/],
      ['updated >= "yesterday"', /Date value 'yesterday'/],
      ['project = DEMO AND', /Expecting a field name/],
      ['project = DEMO ORDER BY a, b, c, d, e, f, g, h', /Field 'a' does not exist|at most 7/],
    ];
    for (const [jql, message] of cases) {
      const res = await call('POST', '/rest/api/3/search/jql', { jql });
      expect(res.status, jql).toBe(400);
      expect((res.body!.errorMessages as string[])[0], jql).toMatch(message);
    }
  });

  it('keeps its search indexes in step with property writes and deletes', async () => {
    const byProp = (v: string) => keys(`project = DEMO AND issue.property[zohoCrmLink].record.id = "${v}"`);
    expect((await call('PUT', '/rest/api/3/issue/DEMO-2/properties/zohoCrmLink', { record: { id: 'A-1' } })).status).toBe(201);
    expect(await byProp('a-1')).toEqual(['DEMO-2']);
    expect((await call('PUT', '/rest/api/3/issue/DEMO-2/properties/zohoCrmLink', { record: { id: 'B-2' } })).status).toBe(200);
    expect(await byProp('A-1')).toEqual([]);
    expect(await byProp('B-2')).toEqual(['DEMO-2']);
    expect((await call('DELETE', '/rest/api/3/issue/DEMO-2/properties/zohoCrmLink')).status).toBe(204);
    expect(await byProp('B-2')).toEqual([]);
    expect(await keys('project = SUP OR key = DEMO-1 ORDER BY key')).toEqual(['DEMO-1', 'SUP-1']);
    expect((await call('DELETE', '/rest/api/3/issue/SUP-1')).status).toBe(204);
    expect(await keys('project = SUP OR key = DEMO-1 ORDER BY key')).toEqual(['DEMO-1']);
    expect(await keys('NOT project = DEMO OR key = DEMO-2 ORDER BY key')).toEqual(['DEMO-2']);
  });

  it('rejects a foreign or tampered nextPageToken', async () => {
    const first = await call('POST', '/rest/api/3/search/jql', { jql: 'project = DEMO', maxResults: 1 });
    const token = first.body!.nextPageToken as string;
    const other = await call('POST', '/rest/api/3/search/jql', { jql: 'project = SUP', nextPageToken: token });
    expect(other.status).toBe(400);
  });

  it('has removed the old /rest/api/3/search', async () => {
    const res = await call('GET', '/rest/api/3/search?jql=project%3DDEMO');
    expect(res.status).toBe(410);
    expect((res.body!.errorMessages as string[])[0]).toMatch(/\/rest\/api\/3\/search\/jql/);
  });
});

describe('validation', () => {
  it('validates fields on create like Jira', async () => {
    const res = await call('POST', '/rest/api/3/issue', {
      fields: {
        project: { key: 'DEMO' },
        issuetype: { name: 'Epic' },
        summary: 'two\nlines',
        description: 'not adf',
        customfield_10030: 'five',
        customfield_10031: '31/12/2026',
        customfield_10032: { value: 'Platinum' },
        customfield_99999: 1,
        status: { name: 'Done' },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errorMessages: [],
      errors: {
        issuetype: 'Specify a valid issue type',
        summary: 'The summary is invalid because it contains newline characters.',
        description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)',
        customfield_10030: 'Operation value must be a number',
        customfield_10031: 'Error parsing date string: 31/12/2026',
        customfield_10032: "Option value 'Platinum' is not valid",
        customfield_99999: "Field 'customfield_99999' cannot be set. It is not on the appropriate screen, or unknown.",
        status: "Field 'status' cannot be set. It is not on the appropriate screen, or unknown.",
      },
    });
  });

  it('checks ADF structure in comments', async () => {
    const bad = [
      { type: 'doc', version: 2, content: [] },
      { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] },
      { type: 'doc', version: 1, content: [{ type: 'bulletList', content: [{ type: 'paragraph' }] }] },
      { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link' }] }] }] },
      { type: 'doc', version: 1, content: [{ type: 'text', text: 'inline at top level' }] },
    ];
    for (const body of bad) {
      const res = await call('POST', '/rest/api/3/issue/DEMO-1/comment', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body!.errors).toHaveProperty('comment');
    }
  });

  it('answers 401 without credentials and 404 for unknown issues, projects and sites', async () => {
    expect((await fetch(`${sim.url}/rest/api/3/myself`)).status).toBe(401);
    expect((await call('GET', '/rest/api/3/issue/DEMO-404')).status).toBe(404);
    expect((await call('GET', '/rest/api/3/project/NOPE')).status).toBe(404);
    const wrongSite = await fetch(`${sim.url}/ex/jira/00000000-0000-0000-0000-000000000000/rest/api/3/myself`, { headers: { authorization: `Bearer ${sim.systemToken}` } });
    expect(wrongSite.status).toBe(404);
  });

  it('refuses multipart uploads without X-Atlassian-Token: no-check', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello']), 'hello.txt');
    const res = await fetch(`${sim.url}/rest/api/3/issue/DEMO-1/attachments`, { method: 'POST', headers: { authorization: auth }, body: form });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ errorMessages: ['XSRF check failed'], errors: {} });
  });

  it('redirects attachment content by default (303) and serves bytes with redirect=false', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'hello.txt');
    const up = await fetch(`${sim.url}/rest/api/3/issue/DEMO-1/attachments`, { method: 'POST', headers: { authorization: auth, 'x-atlassian-token': 'no-check' }, body: form });
    const [att] = (await up.json()) as { id: string }[];
    const redirect = await fetch(`${sim.url}/rest/api/3/attachment/content/${att!.id}`, { headers: { authorization: auth }, redirect: 'manual' });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toContain('redirect=false');
    const direct = await fetch(`${sim.url}/rest/api/3/attachment/content/${att!.id}?redirect=false`, { headers: { authorization: auth } });
    expect(await direct.text()).toBe('hello');
  });
});

describe('control surface', () => {
  it('counts requests per endpoint, so an idle poll can be shown to make no Jira call', async () => {
    sim.resetStats();
    expect(sim.stats().total).toBe(0);
    await call('GET', '/rest/api/3/issue/DEMO-1');
    await call('GET', '/rest/api/3/issue/DEMO-2');
    await call('POST', '/rest/api/3/search/jql', { jql: 'project = DEMO' });
    await fetch(`${sim.url}/.well-known/jwks.json`);
    const stats = (await call('GET', '/__sandbox/stats')).body!;
    expect(stats.total).toBe(3);
    expect(stats.byEndpoint).toEqual({ 'GET /rest/api/3/issue/:issueIdOrKey': 2, 'POST /rest/api/3/search/jql': 1 });
  });

  it('injects faults through the control endpoint', async () => {
    const added = await call('POST', '/__sandbox/faults', { method: 'GET', path: '^/rest/api/3/field$', status: 429, retryAfterSeconds: 5, times: 2 });
    expect(added.status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const res = await call('GET', '/rest/api/3/field');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/);
    }
    expect((await call('GET', '/rest/api/3/field')).status).toBe(200);
  });

  it('makes hand edits as a person, visible through the REST API', async () => {
    const created = await call('POST', '/__sandbox/issues', { project: 'DEMO', issueType: 'Story', summary: 'Made by hand', description: 'First line\nSecond line', fields: { customfield_10030: 2 } });
    expect(created.status).toBe(201);
    const key = created.body!.key as string;
    const edited = await call('PATCH', `/__sandbox/issues/${key}`, { fields: { summary: 'Renamed by hand', customfield_10032: { value: 'Bronze' } }, status: 'Done' });
    expect(edited.status).toBe(200);
    await call('POST', `/__sandbox/issues/${key}/comments`, { text: 'A comment' });
    await call('POST', `/__sandbox/issues/${key}/attachments`, { filename: 'a.txt', content: 'abc' });
    const issue = (await call('GET', `/rest/api/3/issue/${key}?expand=changelog`)).body as { fields: Record<string, unknown>; changelog: { histories: { author: { displayName: string } }[] } };
    expect(issue.fields.summary).toBe('Renamed by hand');
    expect(issue.fields.status).toMatchObject({ name: 'Done' });
    expect(issue.fields.resolution).toMatchObject({ name: 'Done' });
    expect((issue.fields.comment as { total: number }).total).toBe(1);
    expect((issue.fields.attachment as unknown[]).length).toBe(1);
    expect(issue.changelog.histories[0]!.author.displayName).toBe('Alana Grant');
    await sim.idle();
    expect(sim.deliveries.map((d) => d.eventType)).toEqual([
      'avi:jira:created:issue',
      'avi:jira:updated:issue',
      'avi:jira:updated:issue',
      'avi:jira:commented:issue',
      'avi:jira:created:attachment',
    ]);
  });

  it('resets to the seed data', async () => {
    await call('PUT', '/rest/api/3/issue/DEMO-1', { fields: { summary: 'Changed' } });
    expect((await call('POST', '/__sandbox/reset')).status).toBe(204);
    const issue = await call('GET', '/rest/api/3/issue/DEMO-1?fields=summary');
    expect((issue.body!.fields as { summary: string }).summary).toBe('Onboard Acme Corp to the enterprise plan');
  });
});

describe('exchange recording', () => {
  it('reports REST, control and JWKS exchanges, with multipart bodies left out', async () => {
    const seen: { method: string; url: string; status: number; requestBody: unknown }[] = [];
    const recorded = await startJiraSimulator({ onExchange: (e) => seen.push(e) });
    try {
      const basic = 'Basic ' + Buffer.from(`${recorded.basicAuth.email}:${recorded.basicAuth.apiToken}`).toString('base64');
      await fetch(`${recorded.url}/__sandbox/stats`);
      await fetch(`${recorded.url}/.well-known/jwks.json`);
      const form = new FormData();
      form.append('file', new Blob(['hi']), 'hi.txt');
      await fetch(`${recorded.url}/rest/api/3/issue/DEMO-1/attachments`, { method: 'POST', headers: { authorization: basic, 'x-atlassian-token': 'no-check' }, body: form });
      await fetch(`${recorded.url}/rest/api/3/issue/DEMO-1/comment`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/json' },
        body: JSON.stringify({ body: { type: 'doc', version: 1, content: [] } }),
      });
      expect(seen.map((e) => `${e.method} ${e.url.split('?')[0]} ${e.status}`)).toEqual([
        'GET /__sandbox/stats 200',
        'GET /.well-known/jwks.json 200',
        'POST /rest/api/3/issue/DEMO-1/attachments 200',
        'POST /rest/api/3/issue/DEMO-1/comment 201',
      ]);
      expect(seen[2]!.requestBody).toBeUndefined();
      expect(seen[3]!.requestBody).toEqual({ body: { type: 'doc', version: 1, content: [] } });
    } finally {
      await recorded.close();
    }
  });
});
