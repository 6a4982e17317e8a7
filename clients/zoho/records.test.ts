// Records over real HTTP against the simulator: lists, the 2,000-record page cap and page_token,
// If-Modified-Since → 304 (one call for an idle poll), writes with per-row results, search quirks,
// deleted records, and bad input answered with Zoho's own error codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpExchange } from '../../sandbox/shared/exchange';
import { startZohoSimulator, type ZohoSimulator } from '../../sandbox/zoho/index';
import { connectZohoClient } from '../../sandbox/zoho/testing';
import { criteria, ZohoNotFoundError, ZohoValidationError, type ZohoClient, type RowOutcome } from './index';

let sim: ZohoSimulator;
let client: ZohoClient;
let token: string;
const exchanges: HttpExchange[] = [];

beforeAll(async () => {
  sim = await startZohoSimulator({ onExchange: (e) => exchanges.push(e) });
  const c = await connectZohoClient(sim);
  client = c.client;
  token = c.tokens.accessToken!;
});
afterAll(async () => {
  await sim.close();
});

const okId = (row: RowOutcome | undefined): string => {
  if (!row?.ok) throw new Error(`row failed: ${row && !row.ok ? row.error.code : 'missing'}`);
  return row.id;
};

const control = (path: string, body: unknown, method = 'POST') =>
  fetch(`${sim.url}/__sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('list', () => {
  it('lists seeded records in every polling-ready module with their status picklist', async () => {
    const page = await client.records.list('Deals', { fields: ['Deal_Name', 'Stage', 'Modified_Time'] });
    expect(page.records.length).toBeGreaterThan(5);
    expect(page.records[0]).toHaveProperty('Stage');
    expect(page.records[0]!.id).toMatch(/^\d{19}$/);
    const cases = await client.records.list('Cases', { fields: ['Subject', 'Status'] });
    expect(new Set(cases.records.map((r) => r.Status))).toContain('Escalated');
  });

  it('pages past 2,000 records with page_token', async () => {
    const res = await control('/records/Vendors/bulk', { count: 2150, values: { Vendor_Name: 'Bulk vendor {n}' } });
    expect(res.status).toBe(201);
    const before = exchanges.length;
    const ids = new Set<string>();
    let pages = 0;
    for await (const page of client.records.pages('Vendors', { fields: ['Vendor_Name'], sortBy: 'id', sortOrder: 'asc' })) {
      pages += 1;
      for (const r of page.records) ids.add(r.id);
    }
    expect(pages).toBe(11);
    expect(ids.size).toBe(2154);
    const urls = exchanges.slice(before).map((e) => new URL(e.url, sim.url));
    expect(urls.filter((u) => u.searchParams.has('page_token'))).toHaveLength(1);
    expect(urls.at(-1)?.searchParams.has('page')).toBe(false);
  });

  it('refuses page 11 of 200 with DISCRETE_PAGINATION_LIMIT_EXCEEDED', async () => {
    const err = await client.records.list('Vendors', { fields: ['Vendor_Name'], page: 11 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoValidationError);
    expect(err).toMatchObject({ code: 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', status: 400, retryable: false });
  });

  it('answers an idle If-Modified-Since poll with 304 in exactly one Zoho call', async () => {
    const latest = await client.records.list('Leads', { fields: ['Modified_Time'], sortBy: 'Modified_Time', sortOrder: 'desc', perPage: 1 });
    const since = latest.records[0]!.Modified_Time!;
    sim.resetStats();
    const idle = await client.records.list('Leads', { fields: ['Last_Name'], ifModifiedSince: since, sortBy: 'Modified_Time', sortOrder: 'asc' });
    expect(idle.notModified).toBe(true);
    expect(sim.stats().api).toBe(1);
    expect(sim.stats().accounts).toBe(0);
  });

  it('returns only records changed after If-Modified-Since, with Modified_Time bumped on the edit', async () => {
    const lead = (await client.records.list('Leads', { fields: ['Lead_Status', 'Modified_Time'], perPage: 1 })).records[0]!;
    const since = new Date(Date.now() - 1000);
    const res = await control(`/records/Leads/${lead.id}`, { values: { Lead_Status: 'Contacted' === lead.Lead_Status ? 'Pre-Qualified' : 'Contacted' } }, 'PATCH');
    expect(res.status).toBe(200);
    const changed = await client.records.list('Leads', { fields: ['Lead_Status', 'Modified_Time'], ifModifiedSince: since });
    expect(changed.notModified).toBe(false);
    expect(changed.records.map((r) => r.id)).toEqual([lead.id]);
    expect(Date.parse(changed.records[0]!.Modified_Time!)).toBeGreaterThan(Date.parse(lead.Modified_Time!));
  });

  it('requires fields (REQUIRED_PARAM_MISSING) and knows unknown modules (INVALID_MODULE)', async () => {
    const res = await fetch(`${sim.endpoints.us.apiDomain}/crm/v8/Leads`, { headers: { authorization: `Zoho-oauthtoken ${token}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'REQUIRED_PARAM_MISSING', status: 'error', details: { param: 'fields' } });
    const err = await client.records.list('Spaceships', { fields: ['Name'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoNotFoundError);
    expect(err).toMatchObject({ code: 'INVALID_MODULE', status: 400 });
  });
});

describe('get, insert, update, upsert, delete', () => {
  it('inserts with per-row outcomes, naming the missing or mistyped field', async () => {
    const rows = await client.records.insert('Leads', [
      { Last_Name: 'Nakamura', Company: 'Harbor Tech', Email: 'k.nakamura@harbor.example', Lead_Status: 'Not Contacted' },
      { Company: 'No Name Inc' },
      { Last_Name: 'Typed', No_of_Employees: 'many' },
    ]);
    expect(rows[0]).toMatchObject({ ok: true });
    expect(rows[1]).toMatchObject({ ok: false, error: { code: 'MANDATORY_NOT_FOUND', field: 'Last_Name' } });
    expect(rows[2]).toMatchObject({ ok: false, error: { code: 'INVALID_DATA', field: 'No_of_Employees' } });
    const lead = await client.records.get('Leads', okId(rows[0]));
    expect(lead).toMatchObject({ Last_Name: 'Nakamura', Full_Name: 'Nakamura', Lead_Status: 'Not Contacted' });
  });

  it('refuses a duplicate unique value with DUPLICATE_DATA and the existing record id', async () => {
    const first = okId((await client.records.insert('Contacts', [{ Last_Name: 'Dup', Email: 'dup@example.com' }]))[0]);
    const rows = await client.records.insert('Contacts', [{ Last_Name: 'Dup2', Email: 'DUP@example.com' }]);
    expect(rows[0]).toMatchObject({ ok: false, error: { code: 'DUPLICATE_DATA', field: 'Email', duplicateRecordId: first } });
  });

  it('updates, bumping Modified_Time, and upserts by a duplicate-check field', async () => {
    const id = okId((await client.records.insert('Deals', [{ Deal_Name: 'Widget rollout', Stage: 'Qualification' }]))[0]);
    const before = (await client.records.get('Deals', id))!;
    await new Promise((r) => setTimeout(r, 1100));
    const rows = await client.records.update('Deals', [{ id, Stage: 'Negotiation/Review', Amount: 1200.5 }]);
    expect(rows[0]).toMatchObject({ ok: true, id });
    const after = (await client.records.get('Deals', id))!;
    expect(after.Stage).toBe('Negotiation/Review');
    expect(Date.parse(after.Modified_Time!)).toBeGreaterThan(Date.parse(before.Modified_Time!));
    const up = await client.records.upsert('Deals', [{ Deal_Name: 'Widget rollout', Stage: 'Closed Won' }], ['Deal_Name']);
    expect(up[0]).toMatchObject({ ok: true, id, action: 'update' });
    const bad = await client.records.update('Deals', [{ id: '5725767999999999999', Stage: 'Closed Won' }]);
    expect(bad[0]).toMatchObject({ ok: false, error: { code: 'INVALID_DATA' } });
  });

  it('rejects more than 100 rows before sending', async () => {
    const rows = Array.from({ length: 101 }, (_, i) => ({ Last_Name: `L${i}` }));
    await expect(client.records.insert('Leads', rows)).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });

  it('deletes, then lists the record among deleted records; a missing record is undefined', async () => {
    const id = okId((await client.records.insert('Tasks', [{ Subject: 'Throwaway', Status: 'Not Started' }]))[0]);
    const since = new Date(Date.now() - 2000);
    expect(await client.records.delete('Tasks', [id])).toMatchObject([{ ok: true, id }]);
    expect(await client.records.get('Tasks', id)).toBeUndefined();
    const deleted = await client.records.deleted('Tasks', { ifModifiedSince: since });
    expect(deleted.records.map((d) => d.id)).toContain(id);
    expect(deleted.records[0]).toMatchObject({ display_name: 'Throwaway', type: 'recycle' });
    expect(await client.records.count('Tasks')).toBeGreaterThan(0);
  });
});

describe('search', () => {
  it('finds by criteria (equals behaves like contains), email and word', async () => {
    const byCriteria = await client.records.search('Accounts', { criteria: criteria.condition('Account_Name', 'equals', 'Robotics') }, { fields: ['Account_Name'] });
    expect(byCriteria.records.map((r) => r.Account_Name)).toEqual(['Acme Robotics']);
    const both = await client.records.search('Deals', {
      criteria: criteria.and(criteria.condition('Stage', 'equals', 'Closed Won'), criteria.condition('Amount', 'greater_than', 0)),
    });
    expect(both.records.every((r) => r.Stage === 'Closed Won')).toBe(true);
    const byEmail = await client.records.search('Leads', { email: 'lead3@prospect3.example' });
    expect(byEmail.records).toHaveLength(1);
    const byWord = await client.records.search('Accounts', { word: 'harbor' });
    expect(byWord.records.length).toBeGreaterThan(0);
  });

  it('answers no match with 204, returned as an empty list', async () => {
    const before = exchanges.length;
    const none = await client.records.search('Leads', { word: 'zzqqxx' });
    expect(none.records).toEqual([]);
    expect(exchanges.slice(before).map((e) => e.status)).toEqual([204]);
  });

  it('refuses a bad criteria operator with INVALID_QUERY and a one-letter word with INVALID_DATA', async () => {
    await expect(client.records.search('Leads', { criteria: '(Last_Name:near:x)' })).rejects.toMatchObject({ code: 'INVALID_QUERY', status: 400 });
    await expect(client.records.search('Leads', { word: 'a' })).rejects.toMatchObject({ code: 'INVALID_DATA' });
  });
});

describe('bad input to the simulator', () => {
  const api = () => `${sim.endpoints.us.apiDomain}/crm/v8`;
  const auth = () => ({ authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' });

  it('answers malformed JSON, wrong shapes and unknown URLs with Zoho error codes', async () => {
    const malformed = await fetch(`${api()}/Leads`, { method: 'POST', headers: auth(), body: '{"data": [' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ code: 'INVALID_DATA', details: { expected_data_type: 'jsonobject' }, message: 'body', status: 'error' });
    const notArray = await fetch(`${api()}/Leads`, { method: 'POST', headers: auth(), body: JSON.stringify({ data: { Last_Name: 'x' } }) });
    expect(await notArray.json()).toMatchObject({ code: 'INVALID_DATA', details: { api_name: 'data', expected_data_type: 'jsonarray' } });
    const wrongTypes = await fetch(`${api()}/Deals`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify({ data: [{ Deal_Name: 42, Stage: 'Qualification' }, 'nope', { Deal_Name: 'x', Stage: 'Not a stage' }] }),
    });
    expect(wrongTypes.status).toBe(400);
    const rows = ((await wrongTypes.json()) as { data: { code: string; details: Record<string, unknown> }[] }).data;
    expect(rows.map((r) => r.code)).toEqual(['INVALID_DATA', 'INVALID_DATA', 'INVALID_DATA']);
    expect(rows[0]!.details).toMatchObject({ api_name: 'Deal_Name', expected_data_type: 'text', json_path: '$.data[0].Deal_Name' });
    expect(rows[2]!.details).toMatchObject({ api_name: 'Stage' });
    const unknown = await fetch(`${api()}/Leads/123/Nowhere/else/entirely`, { headers: auth() });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'INVALID_URL_PATTERN' });
    const noAuth = await fetch(`${api()}/Leads?fields=Last_Name`);
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toMatchObject({ code: 'AUTHENTICATION_FAILURE' });
    const badPerPage = await fetch(`${api()}/Leads?fields=Last_Name&per_page=abc`, { headers: auth() });
    expect(await badPerPage.json()).toMatchObject({ code: 'INVALID_DATA', details: { param: 'per_page' } });
    const huge = await fetch(`${api()}/Leads`, { method: 'POST', headers: auth(), body: JSON.stringify({ data: [{ Last_Name: 'x'.repeat(9 * 1024 * 1024) }] }) });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ code: 'LIMIT_EXCEEDED', status: 'error' });
  });
});
