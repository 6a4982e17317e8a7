// Zoho's official Node SDK (@zohocrm/nodejs-sdk-8.0), unpatched, against the simulator: the SDK's own
// Environment (API URL + accounts token URL) points at the simulator's `us` DC, its own FileStore keeps
// the tokens, and every call goes through the SDK's request building and response parsing. Where the SDK
// and the simulator disagreed, the rule decided (with its source) is in README "Quirks reproduced".
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access,
   @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return
   -- the SDK is plain JavaScript without type declarations (see sdk-conformance.d.ts). */
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Z from '@zohocrm/nodejs-sdk-8.0';
import { ZOHO_APP_SCOPES } from '../../clients/zoho';
import { startZohoSimulator, type ZohoSimulator } from './index';

let sim: ZohoSimulator;
let dir: string;
const calls: { method: string; url: string; status: number; type: string }[] = [];

async function param(cls: any, pairs: [any, unknown][]): Promise<any> {
  const map = new cls();
  for (const [k, v] of pairs) await map.add(k, v);
  return map;
}
const params = (pairs: [any, unknown][]) => param(Z.ParameterMap, pairs);

beforeAll(async () => {
  sim = await startZohoSimulator({
    onExchange: (e) => calls.push({ method: e.method, url: e.url, status: e.status, type: String(e.requestHeaders['content-type'] ?? '') }),
  });
  dir = await mkdtemp(join(tmpdir(), 'zoho-sdk-'));
  const environment = new Z.Environment(`${sim.url}/api/us`, `${sim.url}/accounts/us/oauth/v2/token`, `${sim.url}/api/us`);
  const token = new Z.OAuthBuilder()
    .clientId(sim.demoClient.clientId)
    .clientSecret(sim.demoClient.clientSecret)
    .grantToken(sim.mintGrantCode({ scopes: [...ZOHO_APP_SCOPES, 'ZohoCRM.coql.READ'] }))
    .build();
  await (await new Z.InitializeBuilder())
    .environment(environment)
    .token(token)
    .store(new Z.FileStore(join(dir, 'sdk_tokens.txt')))
    .SDKConfig(new Z.SDKConfigBuilder().autoRefreshFields(false).pickListValidation(false).build())
    // Trailing slash: the SDK's related-list cache path is `resourcePath + "resources/"` (utility.js getRelatedLists).
    .resourcePath(`${dir}/`)
    .logger(new Z.LogBuilder().level(Z.Levels.OFF).build())
    .initialize();
}, 60_000);

afterAll(async () => {
  if (process.env.SDK_DEBUG) console.log(calls.map((c) => `${c.method} ${c.url} ${c.status} ${c.type}`).join('\n'));
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Zoho Node SDK 8.0 against the simulator', () => {
  it('exchanges the grant code through the SDK (multipart form) and keeps the tokens in its FileStore', async () => {
    const exchange = calls.find((c) => c.url === '/accounts/us/oauth/v2/token');
    expect(exchange).toMatchObject({ method: 'POST', status: 200 });
    expect(exchange!.type).toMatch(/^multipart\/form-data; boundary=/);
    const stored = await readFile(join(dir, 'sdk_tokens.txt'), 'utf8');
    const [header, row] = stored.trim().split('\n').map((l) => l.split(','));
    const at = (k: string) => row![header!.indexOf(k)]!;
    expect(at('access_token')).toMatch(/^1000\./);
    expect(at('refresh_token')).toMatch(/^1000\./);
    // The SDK asked the simulator who the token's user is and stored that user's email.
    expect(at('user_name')).toMatch(/^patricia\.boyle@zylker\.example/);
    expect(sim.sim.accounts.refreshTokens.has(at('refresh_token'))).toBe(true);
  });

  it('refreshes through its own token handling once the access token has expired', async () => {
    const before = calls.filter((c) => c.url === '/accounts/us/oauth/v2/token').length;
    // Expire the token in the SDK's own store the way time would: expiry_time in the past.
    const file = join(dir, 'sdk_tokens.txt');
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    const header = lines[0]!.split(',');
    const row = lines[1]!.split(',');
    row[header.indexOf('expiry_time')] = String(Date.now() - 1000);
    await writeFile(file, `${lines[0]}\n${row.join(',')}\n`);
    const res = await new Z.Org.OrgOperations().getOrganization();
    expect(res.getStatusCode()).toBe(200);
    const after = calls.filter((c) => c.url === '/accounts/us/oauth/v2/token');
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)!.type).toMatch(/^multipart\/form-data/);
    const refreshed = (await readFile(file, 'utf8')).trim().split('\n')[1]!.split(',');
    expect(Number(refreshed[header.indexOf('expiry_time')])).toBeGreaterThan(Date.now());
  });

  it('reads field metadata into typed Field objects (every field parses)', async () => {
    const res = await new Z.Fields.FieldsOperations().getFields(await params([[Z.Fields.GetFieldsParam.MODULE, 'Deals']]));
    expect(res.getStatusCode()).toBe(200);
    const fields: any[] = res.getObject().getFields();
    expect(fields.every((f) => f !== null)).toBe(true);
    const stage = fields.find((f) => f.getAPIName() === 'Stage');
    expect(stage.getDataType()).toBe('picklist');
    expect(stage.getLength()).toBeGreaterThan(0);
    expect(stage.getPickListValues().map((v: any) => v.getActualValue())).toContain('Closed Won');
    const account = fields.find((f) => f.getAPIName() === 'Account_Name');
    expect(account.getDataType()).toBe('lookup');
    expect(account.getLookup().getModule().getAPIName()).toBe('Accounts');
    expect(typeof fields[0].getId()).toBe('bigint');
  });

  it('lists records with fields and paging, and gets one', async () => {
    const ops = new Z.Record.RecordOperations('Deals');
    const res = await ops.getRecords(
      await params([
        [Z.Record.GetRecordsParam.FIELDS, 'Deal_Name,Stage,Amount'],
        [Z.Record.GetRecordsParam.PER_PAGE, 2],
        [Z.Record.GetRecordsParam.PAGE, 1],
      ]),
    );
    expect(res.getStatusCode()).toBe(200);
    const wrapper = res.getObject();
    const data: any[] = wrapper.getData();
    expect(data).toHaveLength(2);
    expect(wrapper.getInfo().getPerPage()).toBe(2);
    expect(wrapper.getInfo().getMoreRecords()).toBe(true);
    const first = data[0];
    const stored = sim.sim.store.records.get('Deals')!.get(String(first.getId()))!.values;
    expect(first.getKeyValue('Deal_Name')).toBe(stored.Deal_Name);
    expect(first.getKeyValue('Stage').getValue()).toBe(stored.Stage);
    expect(first.getKeyValue('Amount')).toBe(stored.Amount);

    const page2 = await ops.getRecords(
      await params([
        [Z.Record.GetRecordsParam.FIELDS, 'Deal_Name'],
        [Z.Record.GetRecordsParam.PER_PAGE, 2],
        [Z.Record.GetRecordsParam.PAGE, 2],
      ]),
    );
    const ids2 = page2.getObject().getData().map((r: any) => String(r.getId()));
    expect(ids2).not.toContain(String(first.getId()));

    const one = await ops.getRecord(first.getId());
    expect(one.getStatusCode()).toBe(200);
    const rec = one.getObject().getData()[0];
    expect(String(rec.getId())).toBe(String(first.getId()));
    expect(rec.getKeyValue('Deal_Name')).toBe(stored.Deal_Name);
  });

  let createdId: bigint;
  it('creates, updates and deletes a record', async () => {
    const ops = new Z.Record.RecordOperations('Deals');
    const body = new Z.Record.BodyWrapper();
    const record = new Z.Record.Record();
    record.addKeyValue('Deal_Name', 'SDK conformance deal');
    record.addKeyValue('Stage', new Z.Choice('Qualification'));
    record.addKeyValue('Amount', 1234.5);
    body.setData([record]);
    const created = await ops.createRecords(body);
    expect(created.getStatusCode()).toBe(201);
    const row = created.getObject().getData()[0];
    expect(row.getStatus().getValue()).toBe('success');
    expect(row.getCode().getValue()).toBe('SUCCESS');
    createdId = BigInt(row.getDetails().get('id'));
    const stored = sim.sim.store.records.get('Deals')!.get(String(createdId))!.values;
    expect(stored).toMatchObject({ Deal_Name: 'SDK conformance deal', Stage: 'Qualification', Amount: 1234.5 });

    const upd = new Z.Record.BodyWrapper();
    const change = new Z.Record.Record();
    change.addKeyValue('Stage', new Z.Choice('Closed Won'));
    upd.setData([change]);
    const updated = await ops.updateRecord(createdId, upd);
    expect(updated.getStatusCode()).toBe(200);
    expect(updated.getObject().getData()[0].getCode().getValue()).toBe('SUCCESS');
    expect(sim.sim.store.records.get('Deals')!.get(String(createdId))!.values.Stage).toBe('Closed Won');
  });

  it('searches by criteria, word, email and phone; 204 when nothing matches', async () => {
    const deals = new Z.Record.RecordOperations('Deals');
    const byCriteria = await deals.searchRecords(await params([[Z.Record.SearchRecordsParam.CRITERIA, '(Deal_Name:equals:SDK conformance deal)']]));
    expect(byCriteria.getStatusCode()).toBe(200);
    expect(byCriteria.getObject().getData().map((r: any) => String(r.getId()))).toContain(String(createdId));
    const byWord = await deals.searchRecords(await params([[Z.Record.SearchRecordsParam.WORD, 'conformance']]));
    expect(byWord.getObject().getData()[0].getKeyValue('Deal_Name')).toBe('SDK conformance deal');

    const contact = [...sim.sim.store.records.get('Contacts')!.values()][0]!;
    const cv = contact.values;
    const contacts = new Z.Record.RecordOperations('Contacts');
    const byEmail = await contacts.searchRecords(await params([[Z.Record.SearchRecordsParam.EMAIL, cv.Email]]));
    expect(String(byEmail.getObject().getData()[0].getId())).toBe(String(contact.id));
    if (typeof cv.Phone === 'string') {
      const byPhone = await contacts.searchRecords(await params([[Z.Record.SearchRecordsParam.PHONE, cv.Phone]]));
      expect(byPhone.getObject().getData().map((r: any) => String(r.getId()))).toContain(String(contact.id));
    }
    const none = await deals.searchRecords(await params([[Z.Record.SearchRecordsParam.WORD, 'nothing-matches-this-xyz']]));
    expect(none.getStatusCode()).toBe(204);
    expect(none.getObject()).toBeNull();
  });

  it('queries with COQL: conditions, order, limit and lookups; 204 when nothing matches', async () => {
    const ops = new Z.Coql.CoqlOperations();
    const query = async (q: string) => {
      const body = new Z.Coql.BodyWrapper();
      body.setSelectQuery(q);
      return ops.getRecords(body);
    };
    const res = await query("select Deal_Name, Stage, Amount, Account_Name from Deals where Stage = 'Closed Won' and Amount > 0 order by Amount desc limit 3");
    expect(res.getStatusCode()).toBe(200);
    const rows: any[] = res.getObject().getData();
    const expected = [...sim.sim.store.records.get('Deals')!.values()]
      .filter((r) => r.values.Stage === 'Closed Won' && Number(r.values.Amount) > 0)
      .sort((a, b) => Number(b.values.Amount) - Number(a.values.Amount))
      .slice(0, 3);
    expect(rows.map((r) => String(r.getId()))).toEqual(expected.map((r) => r.id));
    expect(rows[0].getKeyValue('Amount')).toBe(expected[0]!.values.Amount);
    // A COQL answer names no module, so the SDK keeps picklists as strings and lookups as maps.
    expect(rows[0].getKeyValue('Stage')).toBe('Closed Won');
    const acct = expected[0]!.values.Account_Name as { id: string } | null;
    if (acct) {
      const v = rows[0].getKeyValue('Account_Name');
      expect(String(v instanceof Map ? v.get('id') : v.getId())).toBe(acct.id);
    }
    expect(res.getObject().getInfo().getCount()).toBe(rows.length);

    const like = await query("select Deal_Name from Deals where Deal_Name like 'SDK conf%'");
    expect(like.getObject().getData().map((r: any) => String(r.getId()))).toEqual([String(createdId)]);
    const none = await query("select Deal_Name from Deals where Deal_Name = 'no such deal at all'");
    expect(none.getStatusCode()).toBe(204);
    const bad = await query('select Deal_Name from Deals where');
    expect(bad.getStatusCode()).toBe(400);
    expect(bad.getObject().getCode().getValue()).toBe('SYNTAX_ERROR');
  });

  it('creates and reads notes with the v8 Parent_Id object', async () => {
    const ops = new Z.Notes.NotesOperations();
    const note = new Z.Notes.Note();
    note.setNoteTitle('SDK note');
    note.setNoteContent('written by the official SDK');
    const parent = new Z.Notes.ParentId();
    const module = new Z.Modules.MinifiedModule();
    module.setAPIName('Deals');
    parent.setModule(module);
    parent.setId(createdId);
    note.setParentId(parent);
    const body = new Z.Notes.BodyWrapper();
    body.setData([note]);
    const created = await ops.createNotes(body);
    expect(created.getStatusCode()).toBe(201);
    const noteId = BigInt(created.getObject().getData()[0].getDetails().get('id'));
    const got = await ops.getNote(noteId, await params([[Z.Notes.GetNoteParam.FIELDS, 'Note_Title,Note_Content,Parent_Id']]));
    const n = got.getObject().getData()[0];
    expect(n.getNoteTitle()).toBe('SDK note');
    expect(n.getNoteContent()).toBe('written by the official SDK');
    expect(n.getParentId().getModule().getAPIName()).toBe('Deals');
    expect(String(n.getParentId().getId())).toBe(String(createdId));

    // ...and as a related list of the record.
    const related = await new Z.RelatedRecords.RelatedRecordsOperations('Notes', 'Deals').getRelatedRecords(
      createdId,
      await params([[Z.RelatedRecords.GetRelatedRecordsParam.FIELDS, 'Note_Title,Note_Content']]),
    );
    expect(related.getStatusCode()).toBe(200);
    expect(related.getObject().getData().map((r: any) => r.getKeyValue('Note_Title'))).toContain('SDK note');
  });

  it('reads lookup-related records and the related-list metadata', async () => {
    const lists = await new Z.RelatedLists.RelatedListsOperations().getRelatedLists(await params([[Z.RelatedLists.GetRelatedListsParam.MODULE, 'Accounts']]));
    expect(lists.getStatusCode()).toBe(200);
    const rl: any[] = lists.getObject().getRelatedLists();
    const names = rl.map((l) => l.getAPIName());
    expect(names).toEqual(expect.arrayContaining(['Contacts', 'Deals', 'Notes', 'Attachments']));
    expect(rl.find((l) => l.getAPIName() === 'Deals').getModule().getAPIName()).toBe('Deals');

    const deal = [...sim.sim.store.records.get('Deals')!.values()].find((r) => (r.values.Account_Name as { id?: string } | null)?.id)!;
    const accountId = (deal.values.Account_Name as { id: string }).id;
    const expected = [...sim.sim.store.records.get('Deals')!.values()].filter((r) => (r.values.Account_Name as { id?: string } | null)?.id === accountId).map((r) => r.id);
    const related = await new Z.RelatedRecords.RelatedRecordsOperations('Deals', 'Accounts').getRelatedRecords(
      BigInt(accountId),
      await params([[Z.RelatedRecords.GetRelatedRecordsParam.FIELDS, 'Deal_Name,Stage,Account_Name']]),
    );
    expect(related.getStatusCode()).toBe(200);
    const rows: any[] = related.getObject().getData();
    expect(rows.map((r) => String(r.getId())).sort()).toEqual([...expected].sort());
    expect(rows[0].getKeyValue('Deal_Name')).toBe(sim.sim.store.records.get('Deals')!.get(String(rows[0].getId()))!.values.Deal_Name);
    expect(String(rows[0].getKeyValue('Account_Name').getId())).toBe(accountId);
  });

  it('uploads, lists, downloads and deletes an attachment', async () => {
    const ops = new Z.Attachments.AttachmentsOperations();
    const body = new Z.Attachments.FileBodyWrapper();
    const content = Buffer.from('hello from the Zoho SDK\n');
    // The SDK's documented form: a file path (a bare stream has no name or length for form-data).
    const local = join(dir, 'sdk-hello.txt');
    await writeFile(local, content);
    body.setFile(new Z.StreamWrapper(null, null, local));
    const up = await ops.uploadAttachments(createdId, 'Deals', body);
    expect(up.getStatusCode()).toBe(200);
    const upRow = up.getObject().getData()[0];
    expect(upRow.getCode().getValue()).toBe('SUCCESS');
    const attId = BigInt(upRow.getDetails().get('id'));

    const list = await ops.getAttachments(createdId, 'Deals', await params([[Z.Attachments.GetAttachmentsParam.FIELDS, 'File_Name,Size,id']]));
    expect(list.getStatusCode()).toBe(200);
    const att = list.getObject().getData().find((a: any) => String(a.getId()) === String(attId));
    expect(att.getFileName()).toBe('sdk-hello.txt');
    expect(String(att.getSize())).toBe(String(content.length));

    const dl = await ops.getAttachment(attId, createdId, 'Deals');
    expect(dl.getStatusCode()).toBe(200);

    const file = (await dl.getObject()).getFile();
    expect(file.getName()).toBe('sdk-hello.txt');
    const raw = file.getStream();
    let bytes: Buffer;
    if (Buffer.isBuffer(raw)) bytes = raw;
    else {
      const chunks: Buffer[] = [];
      for await (const c of raw) chunks.push(Buffer.from(c as Buffer));
      bytes = Buffer.concat(chunks);
    }
    expect(bytes.toString()).toBe(content.toString());

    const del = await ops.deleteAttachment(attId, createdId, 'Deals');
    expect(del.getStatusCode()).toBe(200);
    expect(del.getObject().getData()[0].getCode().getValue()).toBe('SUCCESS');
    const empty = await ops.getAttachments(createdId, 'Deals', await params([[Z.Attachments.GetAttachmentsParam.FIELDS, 'File_Name']]));
    expect(empty.getStatusCode()).toBe(204);
  });

  it('reads modules, layouts, users and org', async () => {
    const modules = await new Z.Modules.ModulesOperations().getModules();
    expect(modules.getStatusCode()).toBe(200);
    const deals = modules.getObject().getModules().find((m: any) => m.getAPIName() === 'Deals');
    expect(deals.getAPISupported()).toBe(true);
    expect(deals.getPluralLabel()).toBe('Deals');

    const layouts = await new Z.Layouts.LayoutsOperations().getLayouts(await params([[Z.Layouts.GetLayoutsParam.MODULE, 'Deals']]));
    expect(layouts.getStatusCode()).toBe(200);
    const layout = layouts.getObject().getLayouts()[0];
    expect(typeof layout.getId()).toBe('bigint');
    expect(layout.getName()).toBeTruthy();

    const users = await new Z.Users.UsersOperations().getUsers(await params([[Z.Users.GetUsersParam.TYPE, 'AllUsers']]));
    expect(users.getStatusCode()).toBe(200);
    const emails = users.getObject().getUsers().map((u: any) => u.getEmail());
    expect(emails).toContain('patricia.boyle@zylker.example');

    const org = await new Z.Org.OrgOperations().getOrganization();
    const o = org.getObject().getOrg()[0];
    expect(o.getDomainName()).toBe('org808232144');
    expect(String(o.getId())).toBe('5725767000000020005');
  });

  it('enables, gets, updates and disables a notification channel, and the callback arrives', async () => {
    const received: { body: unknown }[] = [];
    const hook = createServer((req: IncomingMessage, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        received.push({ body: JSON.parse(text) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const notifyUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/zoho`;
    try {
      const ops = new Z.Notifications.NotificationsOperations();
      const n = new Z.Notifications.Notification();
      n.setChannelId('1000000068001');
      n.setEvents(['Deals.edit']);
      n.setToken('sdk-token');
      n.setNotifyUrl(notifyUrl);
      const body = new Z.Notifications.BodyWrapper();
      body.setWatch([n]);
      const enabled = await ops.enableNotifications(body);
      expect(enabled.getStatusCode()).toBe(201);
      const row = enabled.getObject().getWatch()[0];
      expect(row.getCode().getValue()).toBe('SUCCESS');

      const got = await ops.getNotifications(await params([[Z.Notifications.GetNotificationsParam.CHANNEL_ID, '1000000068001']]));
      expect(got.getStatusCode()).toBe(200);
      const ch = got.getObject().getWatch()[0];
      expect(ch.getNotifyUrl()).toBe(notifyUrl);
      expect(ch.getEvents()).toEqual(['Deals.edit']);

      const u = new Z.Notifications.Notification();
      u.setChannelId('1000000068001');
      u.setEvents(['Deals.all']);
      u.setToken('sdk-token-2');
      u.setNotifyUrl(notifyUrl);
      const ub = new Z.Notifications.BodyWrapper();
      ub.setWatch([u]);
      const updated = await ops.updateNotifications(ub);
      expect(updated.getStatusCode()).toBe(200);

      // A record edit fires the documented callback body.
      const change = new Z.Record.Record();
      change.addKeyValue('Amount', 999);
      const cb = new Z.Record.BodyWrapper();
      cb.setData([change]);
      await new Z.Record.RecordOperations('Deals').updateRecord(createdId, cb);
      await sim.settleNotifications();
      expect(received).toHaveLength(1);
      expect(received[0]!.body).toMatchObject({ operation: 'update', module: 'Deals', ids: [String(createdId)], channel_id: '1000000068001', token: 'sdk-token-2' });

      // Zoho's "Disable Notifications" is DELETE /actions/watch?channel_ids= (the SDK's deleteNotification).
      const off = await ops.deleteNotification(await params([[Z.Notifications.DeleteNotificationParam.CHANNEL_IDS, '1000000068001']]));
      expect(off.getStatusCode()).toBe(200);
      const gone = await ops.getNotifications(await params([[Z.Notifications.GetNotificationsParam.CHANNEL_ID, '1000000068001']]));
      expect(gone.getStatusCode()).toBe(204);
    } finally {
      await new Promise<void>((r) => hook.close(() => r()));
    }
  });

  it('deletes the record', async () => {
    const del = await new Z.Record.RecordOperations('Deals').deleteRecord(createdId);
    expect(del.getStatusCode()).toBe(200);
    expect(del.getObject().getData()[0].getCode().getValue()).toBe('SUCCESS');
    expect(sim.sim.store.records.get('Deals')!.has(String(createdId))).toBe(false);
  });

  it('never got a 415 for a JSON body sent without Content-Type', () => {
    expect(calls.filter((c) => c.status === 415)).toEqual([]);
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/us/crm/v8/Deals' && c.type === '')).toBe(true);
  });
});
