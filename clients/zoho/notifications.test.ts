// Watch channels over real HTTP: the simulator POSTs callbacks to a real local receiver when records
// change (through the API or by hand), carrying the channel token that verifyChannelToken checks.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZohoSimulator, type ZohoSimulator } from '../../sandbox/zoho/index';
import { connectZohoClient } from '../../sandbox/zoho/testing';
import { parseNotificationCallback, verifyChannelToken, ZohoValidationError, type ZohoClient, type ZohoNotificationCallback } from './index';

let sim: ZohoSimulator;
let client: ZohoClient;
let receiver: Server;
let notifyUrl: string;
const received: unknown[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const addr = receiver.address();
  notifyUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/zoho/notify?tenant=t1`;
  sim = await startZohoSimulator();
  client = (await connectZohoClient(sim)).client;
});
afterAll(async () => {
  await sim.close();
  await new Promise((resolve) => receiver.close(resolve));
});

const callbacks = async (): Promise<ZohoNotificationCallback[]> => {
  await sim.settleNotifications();
  return received.splice(0).map(parseNotificationCallback);
};

describe('watch channels', () => {
  const channelId = '1000000068001';
  const token = 'tenant-t1-sci-42-secret';

  it('subscribes, then delivers insert, update and delete callbacks with the channel token', async () => {
    const expiresAt = new Date(Date.now() + 6 * 86_400_000);
    const [enabled] = await client.notifications.enable([
      { channelId, events: ['Deals.all'], notifyUrl, token, expiresAt, returnAffectedFieldValues: true },
    ]);
    expect(enabled).toMatchObject({ ok: true, channelId });
    expect(Date.parse(enabled!.ok ? enabled!.channelExpiry! : '')).toBe(Math.floor(expiresAt.getTime() / 1000) * 1000);

    const [row] = await client.records.insert('Deals', [{ Deal_Name: 'Watched deal', Stage: 'Qualification' }]);
    const id = row!.ok ? row!.id : '';
    let got = await callbacks();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ module: 'Deals', operation: 'insert', ids: [id], channel_id: channelId, affected_fields: [], query_params: { tenant: 't1' } });
    expect(verifyChannelToken(got[0]!, token)).toBe(true);
    expect(verifyChannelToken(got[0]!, 'forged')).toBe(false);

    // A person edits the deal in the sandbox's "CRM": the callback names the changed field and value.
    const res = await fetch(`${sim.url}/__sandbox/records/Deals/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ values: { Stage: 'Closed Won' } }),
    });
    expect(res.status).toBe(200);
    got = await callbacks();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ operation: 'update', ids: [id], affected_fields: [{ [id]: ['Stage'] }], affected_values: [{ record_id: id, values: { Stage: 'Closed Won' } }] });

    await client.records.delete('Deals', [id]);
    got = await callbacks();
    expect(got[0]).toMatchObject({ operation: 'delete', ids: [id] });

    // Other modules are not watched.
    await client.records.insert('Leads', [{ Last_Name: 'Unwatched' }]);
    expect(await callbacks()).toEqual([]);
  });

  it('lists, renews (PATCH), drops events and disables channels; unknown channels are NOT_SUBSCRIBED', async () => {
    const listed = await client.notifications.list();
    expect(listed.find((c) => c.channel_id === channelId)).toMatchObject({ events: ['Deals.all'], notify_url: notifyUrl, token });
    const later = new Date(Date.now() + 7 * 86_400_000 - 60_000);
    const [renewed] = await client.notifications.update([{ channelId, events: ['Deals.all'], expiresAt: later }]);
    expect(renewed).toMatchObject({ ok: true, channelId });
    expect(renewed!.ok && Date.parse(renewed!.channelExpiry!)).toBe(Math.floor(later.getTime() / 1000) * 1000);
    await client.notifications.update([{ channelId, events: ['Deals.create', 'Deals.edit'] }]);
    expect(await client.notifications.disableEvents(channelId, ['Deals.create'])).toMatchObject([{ ok: true }]);
    expect((await client.notifications.list({ channelId }))[0]?.events).toEqual(['Deals.edit']);
    const disabled = await client.notifications.disable([channelId, '999']);
    expect(disabled[0]).toMatchObject({ ok: true, channelId });
    expect(disabled[1]).toMatchObject({ ok: false, error: { code: 'NOT_SUBSCRIBED' } });
    expect(await client.notifications.list()).toEqual([]);
  });

  it('validates channels: token length client-side, bad events and missing notify_url per row', async () => {
    await expect(client.notifications.enable([{ channelId: '5', events: ['Deals.all'], notifyUrl, token: 'x'.repeat(51) }])).rejects.toBeInstanceOf(
      ZohoValidationError,
    );
    const rows = await client.notifications.enable([
      { channelId: '6', events: ['Spaceships.all'], notifyUrl, token: 't' },
      { channelId: '7', events: ['Deals.edit'], notifyUrl: 'not a url', token: 't' },
    ]);
    expect(rows).toMatchObject([
      { ok: false, error: { code: 'INVALID_DATA', field: 'events' } },
      { ok: false, error: { code: 'INVALID_DATA', field: 'notify_url' } },
    ]);
  });

  it('defaults a channel expiry beyond the one-week maximum to one hour, and stops delivering after expiry', async () => {
    const [row] = await client.notifications.enable([
      { channelId: '8', events: ['Tasks.all'], notifyUrl, token: 'tk', expiresAt: new Date(Date.now() + 30 * 86_400_000) },
    ]);
    const expiry = row!.ok ? Date.parse(row!.channelExpiry!) : 0;
    expect(expiry - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect(expiry - Date.now()).toBeGreaterThan(3_500_000);
    sim.sim.watch.channels.get('8')!.expiresMs = Date.now() - 1;
    await client.records.insert('Tasks', [{ Subject: 'After expiry' }]);
    expect(await callbacks()).toEqual([]);
  });

  it('rejects malformed callback bodies', () => {
    expect(() => parseNotificationCallback({ module: 'Deals' })).toThrow(ZohoValidationError);
  });
});
