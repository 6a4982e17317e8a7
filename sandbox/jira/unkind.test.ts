// The simulator as unkind as Jira Cloud: a search index that lags writes (reads by id do not), and
// outages of the whole REST API that leave the control surface and Forge's deliveries alone.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startJiraSimulator, type JiraSimulator } from './index';

const LAG = 400;

function client(sim: JiraSimulator) {
  const auth = 'Basic ' + Buffer.from(`${sim.basicAuth.email}:${sim.basicAuth.apiToken}`).toString('base64');
  return async (method: string, path: string, body?: unknown, base = sim.url) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
}

describe('search-index lag', () => {
  let sim: JiraSimulator;
  let call: ReturnType<typeof client>;
  beforeAll(async () => {
    sim = await startJiraSimulator({ searchIndexLagMs: LAG });
    call = client(sim);
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(async () => {
    await sim.reset();
  });

  const search = async (jql: string, extra: Record<string, unknown> = {}) => {
    const res = await call('POST', '/rest/api/3/search/jql', { jql, fields: ['summary'], maxResults: 100, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body!.issues as { id: string; key: string; fields: { summary: string } }[]);
  };

  it('a created issue is not found until the index catches up; GET by id sees it at once', async () => {
    expect(sim.searchIndexLagMs).toBe(LAG);
    const created = await call('POST', '/rest/api/3/issue', { fields: { project: { key: 'DEMO' }, issuetype: { name: 'Task' }, summary: 'Lagging zebra' } });
    expect(created.status).toBe(201);
    const id = created.body!.id as string;
    expect(await search('project = DEMO AND summary ~ "zebra"')).toEqual([]);
    expect((await call('GET', `/rest/api/3/search/jql?jql=${encodeURIComponent('project = DEMO AND summary ~ "zebra"')}`)).body!.issues).toEqual([]);
    expect((await call('POST', '/rest/api/3/search/approximate-count', { jql: 'project = DEMO AND summary ~ "zebra"' })).body).toEqual({ count: 0 });
    // Seed issues were indexed long ago.
    expect((await search('project = DEMO')).length).toBe(5);
    const byId = await call('GET', `/rest/api/3/issue/${id}?fields=summary`);
    expect(byId.status).toBe(200);
    expect((byId.body!.fields as { summary: string }).summary).toBe('Lagging zebra');
    // reconcileIssues reads the named issues as they are now (read-after-write consistency).
    expect((await search('project = DEMO AND summary ~ "zebra"', { reconcileIssues: [Number(id)] })).map((i) => i.id)).toEqual([id]);
    await sleep(LAG + 100);
    expect((await search('project = DEMO AND summary ~ "zebra"')).map((i) => i.id)).toEqual([id]);
    expect((await call('POST', '/rest/api/3/search/approximate-count', { jql: 'project = DEMO AND summary ~ "zebra"' })).body).toEqual({ count: 1 });
  });

  it('an edit is searched on the indexed (older) version until the lag has passed', async () => {
    const res = await call('PUT', '/rest/api/3/issue/DEMO-1', { fields: { summary: 'Renamed giraffe' } });
    expect(res.status).toBe(204);
    expect(await search('project = DEMO AND summary ~ "giraffe"')).toEqual([]);
    const stale = await search('key = DEMO-1');
    expect(stale.length).toBe(1);
    expect(stale[0]!.fields.summary).not.toBe('Renamed giraffe');
    expect((await search('project = DEMO AND updated >= -1m')).map((i) => i.key)).toEqual([]);
    await sleep(LAG + 100);
    expect((await search('project = DEMO AND summary ~ "giraffe"')).map((i) => i.key)).toEqual(['DEMO-1']);
    expect((await search('project = DEMO AND updated >= -1m')).map((i) => i.key)).toEqual(['DEMO-1']);
  });

  it('issue-property writes reach JQL late; reading the property by id is immediate', async () => {
    const put = await call('PUT', '/rest/api/3/issue/DEMO-2/properties/sci-sync', { state: 'linked' });
    expect(put.status).toBe(201);
    expect((await call('GET', '/rest/api/3/issue/DEMO-2/properties/sci-sync')).body).toEqual({ key: 'sci-sync', value: { state: 'linked' } });
    expect(await search('issue.property[sci-sync].state = "linked"')).toEqual([]);
    await sleep(LAG + 100);
    expect((await search('issue.property[sci-sync].state = "linked"')).map((i) => i.key)).toEqual(['DEMO-2']);
  });

  it('a deleted issue is still found until the deletion is indexed', async () => {
    expect((await call('DELETE', '/rest/api/3/issue/DEMO-3')).status).toBe(204);
    expect((await call('GET', '/rest/api/3/issue/DEMO-3')).status).toBe(404);
    expect((await search('key = DEMO-3')).map((i) => i.key)).toEqual(['DEMO-3']);
    await sleep(LAG + 100);
    expect(await search('project = DEMO AND key = DEMO-3')).toEqual([]);
  });

  it('is set at runtime by method and by control route; 0 makes writes searchable at once', async () => {
    const control = await fetch(`${sim.url}/__sandbox/search-index-lag`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 0 }) });
    expect(await control.json()).toEqual({ ms: 0 });
    await call('PUT', '/rest/api/3/issue/DEMO-4', { fields: { summary: 'Instant okapi' } });
    expect((await search('summary ~ "okapi"')).map((i) => i.key)).toEqual(['DEMO-4']);
    sim.setSearchIndexLag(LAG);
    expect((await (await fetch(`${sim.url}/__sandbox/search-index-lag`)).json())).toEqual({ ms: LAG });
    // Turning the lag on indexes what exists as already searchable; only later writes lag.
    expect((await search('summary ~ "okapi"')).map((i) => i.key)).toEqual(['DEMO-4']);
    await call('PUT', '/rest/api/3/issue/DEMO-4', { fields: { summary: 'Delayed okapi' } });
    expect((await search('summary ~ "okapi"'))[0]!.fields.summary).toBe('Instant okapi');
  });
});

describe('outage', () => {
  let sim: JiraSimulator;
  let call: ReturnType<typeof client>;
  let receiver: Server;
  const received: string[] = [];
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push((JSON.parse(body) as { payload: { eventType: string } }).payload.eventType);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    sim = await startJiraSimulator({ forge: { eventUrl: `http://127.0.0.1:${port}/events`, retryDelayMs: 20 } });
    call = client(sim);
  });
  afterAll(async () => {
    await sim.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });
  afterEach(() => {
    sim.clearOutage();
  });

  it('answers every REST call with 503 until the outage ends; control, JWKS and Forge delivery keep working', async () => {
    sim.setOutage({ durationMs: 400 });
    const site = await call('GET', '/rest/api/3/myself');
    expect(site.status).toBe(503);
    expect(site.body).toMatchObject({ errorMessages: [expect.any(String)], errors: {} });
    expect((await call('POST', '/rest/api/3/search/jql', { jql: 'project = DEMO' })).status).toBe(503);
    expect((await call('GET', `/ex/jira/${sim.cloudId}/rest/api/3/issue/DEMO-1`)).status).toBe(503);
    expect((await fetch(`${sim.url}/__sandbox/outage`).then((r) => r.json()) as { outage: { status: number } | null }).outage?.status).toBe(503);
    expect((await fetch(`${sim.url}/.well-known/jwks.json`)).status).toBe(200);
    // A person's edit in Jira still reaches the app through Forge.
    const edit = await fetch(`${sim.url}/__sandbox/issues/DEMO-1`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fields: { summary: 'Edited during outage' } }) });
    expect(edit.status).toBe(200);
    await sim.idle();
    expect(received).toContain('avi:jira:updated:issue');
    await sleep(500);
    expect(sim.outage()).toBeUndefined();
    expect((await call('GET', '/rest/api/3/myself')).status).toBe(200);
  });

  it('drops connections with status 0, set through the control route, and clearOutage ends it', async () => {
    const res = await fetch(`${sim.url}/__sandbox/outage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ durationMs: 60_000, status: 0 }) });
    expect(res.status).toBe(200);
    await expect(call('GET', '/rest/api/3/myself')).rejects.toThrow();
    const del = await fetch(`${sim.url}/__sandbox/outage`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await call('GET', '/rest/api/3/myself')).status).toBe(200);
  });

  it('takes another status and a Retry-After', async () => {
    sim.setOutage({ durationMs: 60_000, status: 502, retryAfterSeconds: 7 });
    const res = await call('GET', '/rest/api/3/serverInfo');
    expect(res.status).toBe(502);
    expect(res.headers.get('retry-after')).toBe('7');
    sim.clearOutage();
    expect((await call('GET', '/rest/api/3/serverInfo')).status).toBe(200);
  });

  it('can start in an outage', async () => {
    const down = await startJiraSimulator({ outage: { durationMs: 60_000 } });
    try {
      expect((await client(down)('GET', '/rest/api/3/myself')).status).toBe(503);
      await down.reset();
      expect((await client(down)('GET', '/rest/api/3/myself')).status).toBe(200);
    } finally {
      await down.close();
    }
  });
});
