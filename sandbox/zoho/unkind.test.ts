// The simulator as unkind as Zoho: outages of the API (and optionally of the accounts servers), watch
// callbacks that arrive late, out of order or not at all, and the module-wide Notes list the product polls
// (with If-Modified-Since) because a new note or attachment leaves its record's Modified_Time alone.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startZohoSimulator, type ZohoSimulator } from './index';

const SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.modules.notes.ALL', 'ZohoCRM.modules.attachments.ALL', 'ZohoCRM.notifications.ALL', 'ZohoCRM.org.READ'];

type Json = Record<string, unknown>;

async function tokenFor(sim: ZohoSimulator): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: sim.demoClient.clientId,
    client_secret: sim.demoClient.clientSecret,
    code: sim.mintGrantCode({ scopes: SCOPES }),
  });
  const res = await fetch(`${sim.url}/accounts/us/oauth/v2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

function api(sim: ZohoSimulator, token: () => string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${sim.url}/api/us/crm/v8${path}`, {
      method,
      headers: { authorization: `Zoho-oauthtoken ${token()}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined };
  };
}

const control = async (sim: ZohoSimulator, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sim.url}/__sandbox${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Json };
};

/** Zoho's DateTime form (seconds, numeric offset). */
const zohoTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');

describe('outage', () => {
  let sim: ZohoSimulator;
  let token = '';
  let call: ReturnType<typeof api>;
  beforeAll(async () => {
    sim = await startZohoSimulator();
    token = await tokenFor(sim);
    call = api(sim, () => token);
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(() => {
    sim.clearOutage();
  });

  it('answers every CRM call with 503 until it ends; accounts, web and control keep working', async () => {
    sim.setOutage({ durationMs: 400 });
    const res = await call('GET', '/org');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'error', code: 'INTERNAL_ERROR' });
    expect((await call('GET', '/Deals?fields=Deal_Name')).status).toBe(503);
    expect((await control(sim, 'GET', '/outage')).body.outage).toMatchObject({ status: 503, includeAccounts: false });
    expect(await tokenFor(sim)).toMatch(/./);
    expect((await control(sim, 'GET', '/stats')).status).toBe(200);
    await sleep(450);
    expect(sim.outage()).toBeUndefined();
    expect((await call('GET', '/org')).status).toBe(200);
  });

  it('can include the accounts servers, drop connections (status 0) and be set through the control route', async () => {
    sim.setOutage({ durationMs: 60_000, includeAccounts: true });
    await expect(tokenFor(sim)).rejects.toThrow();
    const tokenRes = await fetch(`${sim.url}/accounts/us/oauth/v2/token`, { method: 'POST' });
    expect(tokenRes.status).toBe(503);
    sim.clearOutage();
    expect((await call('GET', '/org')).status).toBe(200);

    const set = await control(sim, 'POST', '/outage', { durationMs: 60_000, status: 0 });
    expect(set.status).toBe(200);
    await expect(call('GET', '/org')).rejects.toThrow();
    expect((await control(sim, 'DELETE', '/outage')).body).toEqual({ outage: null });
    expect((await call('GET', '/org')).status).toBe(200);

    await control(sim, 'POST', '/outage', { durationMs: 60_000, status: 500 });
    expect((await call('GET', '/org')).status).toBe(500);
  });

  it('can start in an outage; reset of faults ends it', async () => {
    const down = await startZohoSimulator({ outage: { durationMs: 60_000 } });
    try {
      const t = await tokenFor(down);
      const c = api(down, () => t);
      expect((await c('GET', '/org')).status).toBe(503);
      await control(down, 'POST', '/reset', { what: ['faults'] });
      expect((await c('GET', '/org')).status).toBe(200);
    } finally {
      await down.close();
    }
  });
});

describe('notification delivery', () => {
  let sim: ZohoSimulator;
  let receiver: Server;
  let notifyUrl = '';
  let received: { at: number; ids: string[]; operation: string; server_time: number }[] = [];
  const dice: number[] = [];
  let dealIds: string[] = [];
  let call: ReturnType<typeof api>;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const b = JSON.parse(body) as { ids: string[]; operation: string; server_time: number };
        received.push({ at: Date.now(), ids: b.ids, operation: b.operation, server_time: b.server_time });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/zoho`;
    sim = await startZohoSimulator({ random: () => dice.shift() ?? 0 });
    const token = await tokenFor(sim);
    call = api(sim, () => token);
    const sub = await call('POST', '/actions/watch', { watch: [{ channel_id: 1000, events: ['Deals.edit'], notify_url: notifyUrl, token: 'tok' }] });
    expect(sub.status).toBe(201);
    dealIds = ((await control(sim, 'GET', '/records/Deals')).body.data as { id: string }[]).map((d) => d.id);
  });
  afterAll(async () => {
    await sim.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });
  beforeEach(async () => {
    await sim.settleNotifications();
    received = [];
    dice.length = 0;
    await control(sim, 'POST', '/reset', { what: ['faults'] });
  });

  let n = 0;
  const edit = async (id: string) => {
    n += 1;
    const res = await control(sim, 'PATCH', `/records/Deals/${id}`, { values: { Deal_Name: `Edited deal ${n}` } });
    expect(res.status).toBe(200);
  };

  it('delivers promptly by default', async () => {
    expect(sim.notificationDelivery()).toEqual({ delayMs: 0, jitterMs: 0, dropRate: 0, silentUntil: null });
    await edit(dealIds[0]!);
    await sim.settleNotifications();
    expect(received.map((r) => r.ids)).toEqual([[dealIds[0]]]);
  });

  it('delays every callback by delayMs; settleNotifications waits for it', async () => {
    sim.setNotificationDelivery({ delayMs: 300 });
    const start = Date.now();
    await edit(dealIds[0]!);
    await sleep(100);
    expect(received).toEqual([]);
    await sim.settleNotifications();
    expect(received.length).toBe(1);
    expect(received[0]!.at - start).toBeGreaterThanOrEqual(290);
    // server_time is when Zoho saw the write, not when the callback left.
    expect(received[0]!.server_time).toBeLessThanOrEqual(start + 100);
    expect(sim.sim.watch.deliveries.at(-1)).toMatchObject({ status: 200 });
    expect(sim.sim.watch.deliveries.at(-1)!.dueAt).toMatch(/^\d{4}-/);
  });

  it('reorders callbacks with jitter', async () => {
    // First callback draws the whole jitter, the second none: the second overtakes the first.
    const set = await control(sim, 'POST', '/notifications/delivery', { jitterMs: 300 });
    expect(set.body).toMatchObject({ delayMs: 0, jitterMs: 300 });
    dice.push(1, 0);
    await edit(dealIds[0]!);
    await edit(dealIds[1]!);
    await sim.settleNotifications();
    expect(received.map((r) => r.ids[0])).toEqual([dealIds[1], dealIds[0]]);
  });

  it('drops a share of callbacks (dropRate)', async () => {
    sim.setNotificationDelivery({ dropRate: 0.5 });
    dice.push(0.1, 0.9, 0.2, 0.7); // < 0.5 is dropped
    for (const id of dealIds.slice(0, 4)) await edit(id);
    await sim.settleNotifications();
    expect(received.map((r) => r.ids[0])).toEqual([dealIds[1], dealIds[3]]);
    expect(sim.sim.watch.deliveries.slice(-4).map((d) => d.dropped ?? null)).toEqual(['dropRate', null, 'dropRate', null]);
  });

  it('goes silent for silenceForMs (the callbacks of that window are lost), then notifies again', async () => {
    sim.setNotificationDelivery({ silenceForMs: 300 });
    expect(sim.notificationDelivery().silentUntil).not.toBeNull();
    await edit(dealIds[0]!);
    await sim.settleNotifications();
    expect(received).toEqual([]);
    expect(sim.sim.watch.deliveries.at(-1)!.dropped).toBe('silence');
    await sleep(350);
    expect(sim.notificationDelivery().silentUntil).toBeNull();
    await edit(dealIds[1]!);
    await sim.settleNotifications();
    expect(received.map((r) => r.ids[0])).toEqual([dealIds[1]]);
  });

  it('cancels delayed callbacks on close, without hanging', async () => {
    const other = await startZohoSimulator({ notificationDelivery: { delayMs: 60_000 } });
    const t = await tokenFor(other);
    const c = api(other, () => t);
    await c('POST', '/actions/watch', { watch: [{ channel_id: 2000, events: ['Deals.edit'], notify_url: notifyUrl }] });
    const id = ((await control(other, 'GET', '/records/Deals')).body.data as { id: string }[])[0]!.id;
    await control(other, 'PATCH', `/records/Deals/${id}`, { values: { Deal_Name: 'Never told' } });
    const start = Date.now();
    await other.close();
    expect(Date.now() - start).toBeLessThan(5_000);
    expect(other.sim.watch.deliveries.at(-1)!.dropped).toBe('closed');
    expect(received).toEqual([]);
  });
});

describe('GET /Notes (module-wide) and the parent record', () => {
  let sim: ZohoSimulator;
  let call: ReturnType<typeof api>;
  let dealId = '';
  beforeAll(async () => {
    sim = await startZohoSimulator();
    const token = await tokenFor(sim);
    call = api(sim, () => token);
    dealId = ((await control(sim, 'GET', '/records/Deals')).body.data as { id: string }[])[0]!.id;
  });
  afterAll(async () => {
    await sim.close();
  });

  const dealModified = async () => ((await call('GET', `/Deals/${dealId}`)).body!.data as Json[])[0]!.Modified_Time as string;

  it('adding a note or an attachment leaves the parent record Modified_Time alone', async () => {
    const before = await dealModified();
    await sleep(1100); // a bump would show in the next second
    const note = await call('POST', '/Notes', { data: [{ Parent_Id: { module: { api_name: 'Deals' }, id: dealId }, Note_Content: 'Called the customer' }] });
    expect(note.status).toBe(201);
    const link = await call('POST', `/Deals/${dealId}/Attachments?attachmentUrl=${encodeURIComponent('https://example.com/spec.pdf')}`);
    expect(link.status).toBe(200);
    expect(await dealModified()).toBe(before);
    const list = await call('GET', `/Deals?fields=Deal_Name&ids=${dealId}`, undefined, { 'If-Modified-Since': before });
    expect(list.status).toBe(304);
  });

  it('lists notes changed after If-Modified-Since with Parent_Id and Modified_Time; 304 when none', async () => {
    const since = Math.floor(Date.now() / 1000) * 1000 - 1000;
    const created = await call('POST', '/Notes', {
      data: [
        { Parent_Id: { module: { api_name: 'Deals' }, id: dealId }, Note_Title: 'First', Note_Content: 'one' },
        { Parent_Id: { module: { api_name: 'Deals' }, id: dealId }, Note_Title: 'Second', Note_Content: 'two' },
      ],
    });
    expect(created.status).toBe(201);
    const ids = (created.body!.data as { details: { id: string } }[]).map((r) => r.details.id);

    const res = await call('GET', '/Notes?fields=Note_Title,Parent_Id,Modified_Time&sort_by=Modified_Time&sort_order=asc', undefined, { 'If-Modified-Since': zohoTime(since) });
    expect(res.status).toBe(200);
    const rows = res.body!.data as Json[];
    expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining(ids));
    for (const r of rows) expect(Date.parse(r.Modified_Time as string)).toBeGreaterThan(since);
    const first = rows.find((r) => r.id === ids[0])!;
    const parent = first.Parent_Id as { module: { api_name: string; id: string }; id: string; name: string };
    expect(Object.keys(parent).sort()).toEqual(['id', 'module', 'name']);
    expect(parent.module.api_name).toBe('Deals');
    expect(parent.module.id).toMatch(/^\d+$/);
    expect(parent.id).toBe(dealId);
    expect(parent.name).not.toBe('');
    expect(first.Modified_Time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    expect(res.body!.info).toMatchObject({ sort_by: 'Modified_Time', sort_order: 'asc', more_records: false });

    // Nothing after the newest note's second: 304, no body.
    const newest = Math.max(...rows.map((r) => Date.parse(r.Modified_Time as string)));
    const none = await call('GET', '/Notes?fields=Note_Title', undefined, { 'If-Modified-Since': zohoTime(newest) });
    expect(none.status).toBe(304);
    expect(none.body).toBeUndefined();
  });

  it('checks fields, per_page and sort parameters, sorts and pages with page_token', async () => {
    expect((await call('GET', '/Notes')).body).toMatchObject({ code: 'REQUIRED_PARAM_MISSING' });
    expect((await call('GET', '/Notes?fields=Note_Title&per_page=201')).status).toBe(400);
    expect((await call('GET', '/Notes?fields=Note_Title&sort_by=Note_Title')).status).toBe(400);
    expect((await call('GET', '/Notes?fields=Note_Title&sort_order=up')).status).toBe(400);

    const all = await call('GET', '/Notes?fields=Note_Title&sort_by=id&sort_order=desc');
    const allIds = (all.body!.data as Json[]).map((r) => r.id as string);
    expect(allIds.length).toBeGreaterThan(2);
    expect([...allIds].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1))).toEqual(allIds);

    const page1 = await call('GET', '/Notes?fields=Note_Title&sort_by=id&sort_order=desc&per_page=2');
    const info = page1.body!.info as { more_records: boolean; next_page_token: string };
    expect(info.more_records).toBe(true);
    const page2 = await call('GET', `/Notes?fields=Note_Title&sort_by=id&sort_order=desc&per_page=2&page_token=${info.next_page_token}`);
    expect((page2.body!.data as Json[]).map((r) => r.id)).toEqual(allIds.slice(2, 4));
    expect((await call('GET', `/Notes?fields=Note_Title&per_page=2&page=1&page_token=${info.next_page_token}`)).body).toMatchObject({ code: 'AMBIGUITY_DURING_PROCESSING' });
    expect((await call('GET', `/Notes?fields=Note_Title&per_page=3&page_token=${info.next_page_token}`)).body).toMatchObject({ code: 'TOKEN_BOUND_DATA_MISMATCH' });
  });

  it('answers 204 when there are no notes at all', async () => {
    const empty = await startZohoSimulator({ seed: false });
    try {
      const t = await tokenFor(empty);
      expect((await api(empty, () => t)('GET', '/Notes?fields=Note_Title')).status).toBe(204);
    } finally {
      await empty.close();
    }
  });
});
