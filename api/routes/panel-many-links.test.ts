// F43 over the panel routes: an issue links several records through one SCI and a record several issues;
// the first link is primary, "Make primary" moves it, unlinking the primary promotes the oldest other link.
// The Zoho simulator's demo org (App OAuth 2.0), the Jira simulator's DEMO-1 and DEMO-4 (Tasks).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmartConnectedItem, Tenant } from '../../prisma/generated/client';
import type { TestApp } from '../test/helper';
import { seedSci, startRouteSuite, type RouteSuite } from '../test/route-suite';

let suite: RouteSuite;
let t: TestApp;
let app: FastifyInstance;
let main: Tenant;
let display: SmartConnectedItem;
let deals: { id: string; name: string }[];

beforeAll(async () => {
  suite = await startRouteSuite({ zoho: true });
  ({ t, app } = suite);
  main = await t.tenant('main');
  await suite.connectZoho(main);
  display = await seedSci(t, main, {
    name: 'Many links display',
    syncMode: 'DISPLAY',
    fieldMappings: [],
    displayFields: ['Deal_Name'],
  });
  const zoho = await t.deps.clients.zoho(main.id);
  const page = await zoho.records.list('Deals', { fields: ['Deal_Name'], perPage: 5 });
  deals = page.records.slice(0, 3).map((r) => ({ id: r.id, name: String(r.Deal_Name) }));
}, 120_000);

afterAll(async () => {
  await suite?.close();
});

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers: await t.headers({ accountId: 'user-1' }),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

type Card = { id: string; zohoRecordId: string; primary: boolean; recordName: string | null };

async function panelLinks(issue: string): Promise<Card[]> {
  const res = await call('GET', `/panel/issues/${issue}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ links: Card[] }>().links;
}

describe('many links per issue and per record (F43)', () => {
  it('the first link is primary, further links are secondary, listed after it; the same link twice is refused', async () => {
    const first = await call('POST', '/panel/issues/DEMO-1/links', { sciId: display.id, recordId: deals[0]!.id });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ zohoRecordId: deals[0]!.id, primary: true });
    const second = await call('POST', '/panel/issues/DEMO-1/links', { sciId: display.id, recordId: deals[1]!.id });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json()).toMatchObject({ zohoRecordId: deals[1]!.id, primary: false, recordName: deals[1]!.name });

    const links = await panelLinks('DEMO-1');
    expect(links.map((l) => [l.zohoRecordId, l.primary])).toEqual([
      [deals[0]!.id, true],
      [deals[1]!.id, false],
    ]);

    const again = await call('POST', '/panel/issues/DEMO-1/links', { sciId: display.id, recordId: deals[1]!.id });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ message: string }>().message).toBe(
      `This record is already linked to DEMO-1 through "${display.name}".`,
    );
    expect(await t.db.prisma.recordLink.count({ where: { sciId: display.id, jiraIssueKey: 'DEMO-1' } })).toBe(2);
  });

  it('a record linked to one issue can be linked to another, where it is primary there', async () => {
    const res = await call('POST', '/panel/issues/DEMO-4/links', { sciId: display.id, recordId: deals[0]!.id });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ jiraIssueKey: 'DEMO-4', primary: true });
    // The search names this issue's link when the record has several.
    const search = await call('GET', `/panel/issues/DEMO-4/search?q=${deals[0]!.id}&sciId=${display.id}`);
    expect(search.json<{ results: { linkedIssueKey: string | null }[] }>().results[0]?.linkedIssueKey).toBe('DEMO-4');
    expect((await panelLinks('DEMO-1')).find((l) => l.zohoRecordId === deals[0]!.id)?.primary).toBe(true);
  });

  it('"Make primary" moves the primary link and answers the panel, primary first', async () => {
    const before = await panelLinks('DEMO-1');
    const secondary = before.find((l) => !l.primary)!;
    const res = await call('POST', `/panel/issues/DEMO-1/links/${secondary.id}/primary`);
    expect(res.statusCode, res.body).toBe(200);
    const links = res.json<{ links: Card[] }>().links;
    expect(links.map((l) => [l.id, l.primary])).toEqual([
      [secondary.id, true],
      [before[0]!.id, false],
    ]);
    // Again on the primary: nothing changes.
    const same = await call('POST', `/panel/issues/DEMO-1/links/${secondary.id}/primary`);
    expect(same.statusCode).toBe(200);
    expect(
      await t.db.prisma.recordLink.count({ where: { sciId: display.id, jiraIssueKey: 'DEMO-1', primary: true } }),
    ).toBe(1);
    // Another issue's link is not this issue's to change.
    const demo4 = (await panelLinks('DEMO-4'))[0]!;
    expect((await call('POST', `/panel/issues/DEMO-1/links/${demo4.id}/primary`)).statusCode).toBe(404);
  });

  it('unlinking a secondary link keeps the primary; unlinking the primary promotes the oldest other link, or none', async () => {
    const third = await call('POST', '/panel/issues/DEMO-1/links', { sciId: display.id, recordId: deals[2]!.id });
    expect(third.json()).toMatchObject({ primary: false });
    let links = await panelLinks('DEMO-1');
    const [primary, oldest, newest] = links;
    expect(primary!.zohoRecordId).toBe(deals[1]!.id);
    expect(oldest!.zohoRecordId).toBe(deals[0]!.id);
    expect(newest!.zohoRecordId).toBe(deals[2]!.id);

    expect((await call('DELETE', `/panel/issues/DEMO-1/links/${primary!.id}`)).statusCode).toBe(204);
    links = await panelLinks('DEMO-1');
    expect(links.map((l) => [l.id, l.primary])).toEqual([
      [oldest!.id, true],
      [newest!.id, false],
    ]);

    expect((await call('DELETE', `/panel/issues/DEMO-1/links/${newest!.id}`)).statusCode).toBe(204);
    expect((await panelLinks('DEMO-1')).map((l) => [l.id, l.primary])).toEqual([[oldest!.id, true]]);
    expect((await call('DELETE', `/panel/issues/DEMO-1/links/${oldest!.id}`)).statusCode).toBe(204);
    expect(await panelLinks('DEMO-1')).toEqual([]);
    // DEMO-4's link of the same record is untouched.
    expect((await panelLinks('DEMO-4')).map((l) => [l.zohoRecordId, l.primary])).toEqual([[deals[0]!.id, true]]);
  });
});
