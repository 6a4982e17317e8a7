// OpenAPI conformance: a representative client session against the simulator (every family the client
// uses, success and error paths), with every request and response checked against Zoho's own v8
// OpenAPI documents in sandbox/openapi/zoho-crm-v8.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZohoOAuth, type RowOutcome } from '../../clients/zoho';
import { assertConformant, loadSpec, loadZohoSpec, type OpenApiSpec } from '../../test/support/openapi-conformance';
import type { HttpExchange } from '../shared/exchange';
import { startZohoSimulator, type ZohoSimulator } from './index';
import { connectZohoClient } from './testing';

type Json = Record<string, unknown>;

const ZOHO_DIR = fileURLToPath(new URL('../openapi/zoho-crm-v8/', import.meta.url));

/**
 * Zoho's documents, with a few places where they are looser (or stricter) than Zoho itself corrected.
 * Each patch touches one schema or parameter and says why; nothing else is relaxed.
 */
function patchedZohoSpec(): OpenApiSpec {
  const base = loadZohoSpec();
  const spec = loadSpec(
    readdirSync(ZOHO_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => join(ZOHO_DIR, f)),
    base.options,
  );
  const doc = (file: string): Json => {
    const found = [...spec.documents.values()].find((d) => d.file === file);
    if (!found) throw new Error(`no ${file}`);
    return found.raw;
  };
  const schemas = (file: string): Record<string, Json> => (doc(file).components as Json).schemas as Record<string, Json>;

  // notes.json: the request Body_Wrapper reuses the response `Note`, which marks read-only keys
  // ($attachments, Created_Time, Owner, ...) as required; no client can send those on create/update.
  const note = schemas('notes.json').Note!;
  const noteInput: Json = { ...note };
  delete noteInput.required;
  schemas('notes.json').Note_Input = noteInput;
  schemas('notes.json').Body_Wrapper = {
    type: 'object',
    properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Note_Input' } } },
    required: ['data'],
  };

  // attachments.json: the POST operation documents only link attachments (attachmentUrl marked required)
  // and no body, although the same endpoint takes the multipart `file` upload (upload-attachment.html).
  const attachments = doc('attachments.json');
  const params = (attachments.components as Json).parameters as Record<string, Json>;
  params.attachmentUrl = { ...params.attachmentUrl, required: false };
  const paths = attachments.paths as Record<string, Record<string, Json>>;
  const collection = paths['/crm/v8/{module}/{record_id}/Attachments']!;
  collection.post!.requestBody = {
    content: {
      'multipart/form-data': {
        schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] },
      },
    },
  };
  // ...and its GET marks the `ids` filter required, which would forbid listing all attachments.
  collection.get!.parameters = (collection.get!.parameters as Json[]).map((p) =>
    p.$ref === '#/components/parameters/ids' ? { name: 'ids', in: 'query', required: false, schema: { type: 'string' } } : p,
  );

  // notifications.json: `channel_id` (a long in requests, a string in Zoho's samples) is typed "object",
  // and `notify_url` carries a pattern that is a leaked example host (www.xxxxxzoho.com).
  const notification = schemas('notifications.json').Notification!;
  const nprops = notification.properties as Json;
  nprops.channel_id = { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+$' }] };
  nprops.notify_url = { type: 'string', format: 'uri' };

  // users.json: `email` carries a leaked sample pattern and `time_zone` (e.g. "Asia/Kolkata") is typed object.
  const uprops = schemas('users.json').users!.properties as Json;
  uprops.email = { type: 'string' };
  uprops.time_zone = { type: 'string' };

  // modules.json, fields.json, layouts.json: every key of one sample response is marked required (61,
  // 75 and 82 keys, many of them only present for some module or field types). Types stay checked.
  for (const file of ['modules.json', 'fields.json', 'layouts.json']) {
    for (const s of Object.values(schemas(file))) delete s.required;
  }
  return spec;
}

let sim: ZohoSimulator;
const exchanges: HttpExchange[] = [];

beforeAll(async () => {
  sim = await startZohoSimulator({ onExchange: (e) => exchanges.push(e) });
});
afterAll(async () => {
  await sim.close();
});

/** Simulator paths carry the DC as a prefix (/api/{dc}, /accounts/{dc}); Zoho's documents do not. */
const stripPrefix = (path: string): string => path.replace(/^\/(api|accounts)\/[a-z]{2}(?=\/)/, '');

const idOf = (row: RowOutcome | undefined): string => (row?.ok ? row.id : '');

describe('Zoho simulator conformance to Zoho CRM v8 OpenAPI', () => {
  it('a representative client session sends and receives only documented shapes', async () => {
    // OAuth: consent, code exchange, user info, refresh, revoke.
    const web = createZohoOAuth({ credentials: sim.demoWebClient, endpoints: sim.endpoints });
    const redirectUri = 'http://127.0.0.1:3000/oauth/zoho/callback';
    const consent = await fetch(web.authorizationUrl({ dc: 'eu', scopes: ['ZohoCRM.modules.ALL', 'AaaServer.profile.READ'], redirectUri, state: 's' }), {
      redirect: 'manual',
    });
    const redirect = web.parseAuthorizationRedirect(Object.fromEntries(new URL(consent.headers.get('location')!).searchParams));
    const userTokens = await web.exchangeGrantCode({ dc: redirect.dc, code: redirect.code, redirectUri });
    await web.userInfo({ dc: userTokens.dc, accessToken: userTokens.accessToken! });
    await web.revoke({ dc: userTokens.dc, refreshToken: userTokens.refreshToken });
    await web.exchangeGrantCode({ dc: 'us', code: 'not-a-code' }).catch(() => undefined);

    const { client, store } = await connectZohoClient(sim);
    // INVALID_TOKEN (401) → refresh → retry. (On a records call: org.json documents only INVALID_DATA as
    // its error envelope, although every endpoint answers INVALID_TOKEN for a dead token.)
    await fetch(`${sim.url}/__sandbox/tokens/expire`, { method: 'POST' });
    await client.records.list('Leads', { fields: ['Last_Name'], perPage: 5 });
    await client.tokens.refresh();
    await client.metadata.org();

    // Metadata.
    await client.metadata.modules();
    await client.metadata.fields('Deals');
    await client.metadata.layouts('Deals');
    await client.metadata.currentUser();
    expect((await client.metadata.users()).length).toBeGreaterThan(0); // user mapping by e-mail (F41)

    // Records: list, page_token, 304, get, insert (with a failing row), update, upsert, delete, deleted, count.
    await fetch(`${sim.url}/__sandbox/records/Vendors/bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 2001, values: { Vendor_Name: 'Vendor {n}' } }),
    });
    let pages = 0;
    for await (const page of client.records.pages('Vendors', { fields: ['Vendor_Name', 'Modified_Time'], sortBy: 'Modified_Time', sortOrder: 'asc' })) {
      pages += page.records.length > 0 ? 1 : 0;
    }
    expect(pages).toBe(11);
    const deal = (await client.records.list('Deals', { fields: ['Deal_Name', 'Stage', 'Amount', 'Account_Name', 'Owner'] })).records[0]!;
    await client.records.list('Deals', { fields: ['Deal_Name'], ifModifiedSince: new Date(Date.now() + 60_000) });
    await client.records.get('Deals', deal.id);
    await client.records.get('Deals', '5725767999999999999');
    const inserted = await client.records.insert('Leads', [{ Last_Name: 'Conformance', Email: 'conf@example.com' }, { Company: 'No last name' }]);
    await client.records.insert('Contacts', [{ Last_Name: 'Dup A', Email: 'dup-conf@example.com' }]);
    await client.records.insert('Contacts', [{ Last_Name: 'Dup B', Email: 'dup-conf@example.com' }]);
    await client.records.update('Deals', [{ id: deal.id, Stage: 'Closed Won' }]);
    await client.records.upsert('Leads', [{ Last_Name: 'Conformance 2', Email: 'conf@example.com' }], ['Email']);
    await client.records.delete('Leads', [idOf(inserted[0]), '5725767999999999999']);
    await client.records.deleted('Leads');
    await client.records.deleted('Leads', { ifModifiedSince: new Date(Date.now() + 60_000) });
    await client.records.count('Leads');
    await client.records.list('Spaceships', { fields: ['Name'] }).catch(() => undefined);

    // Search: criteria, email, word, and no match (204).
    await client.records.search('Accounts', { criteria: '(Account_Name:starts_with:Acme)' }, { fields: ['Account_Name'] });
    await client.records.search('Leads', { email: 'lead1@prospect1.example' });
    await client.records.search('Accounts', { word: 'harbor' });
    await client.records.search('Leads', { word: 'zzqqxx' });

    // Notes.
    const [note] = await client.notes.create([{ module: 'Deals', recordId: deal.id, title: 'Call', content: 'Spoke to the buyer.' }]);
    await client.notes.create([{ module: 'Deals', recordId: '5725767999999999999', content: 'orphan' }]);
    await client.notes.listForRecord('Deals', deal.id);
    await client.notes.update(idOf(note), { content: 'Spoke to the buyer twice.' });
    await client.notes.delete(idOf(note));

    // Attachments: upload, list, download, delete, and a download of nothing (204).
    const up = await client.attachments.upload('Deals', deal.id, { fileName: 'quote.pdf', contentType: 'application/pdf', data: [Buffer.from('%PDF-1.4 sandbox')] });
    await client.attachments.list('Deals', deal.id);
    const download = await client.attachments.download('Deals', deal.id, idOf(up));
    for await (const chunk of download!.stream) void chunk;
    await client.attachments.delete('Deals', deal.id, [idOf(up)]);
    await client.attachments.download('Deals', deal.id, idOf(up));

    // Watch channels.
    const notifyUrl = 'http://127.0.0.1:9/zoho/notify';
    await client.notifications.enable([{ channelId: '1000000068001', events: ['Deals.all'], notifyUrl, token: 'channel-token', returnAffectedFieldValues: true }]);
    await client.notifications.list();
    await client.notifications.update([{ channelId: '1000000068001', events: ['Deals.all'], expiresAt: new Date(Date.now() + 86_400_000) }]);
    await client.notifications.disableEvents('1000000068001', ['Deals.all']).catch(() => undefined);
    await client.notifications.enable([{ channelId: '1000000068002', events: ['Leads.edit'], notifyUrl, token: 'channel-token' }]);
    await client.notifications.disable(['1000000068002']);
    // All-error answers are documented (202 wrappers); a mix of success and error rows in one answer is not.
    await client.notifications.disable(['42']);
    await client.notifications.list();

    expect(store.current().refreshToken).toBeTruthy();
    expect(exchanges.length).toBeGreaterThan(50);
    assertConformant(patchedZohoSpec(), exchanges, { stripPrefix });
  });
});
