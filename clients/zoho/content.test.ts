// Notes, attachments (streamed both ways with bounded memory, > 10 MB) and metadata over real HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZohoSimulator, type ZohoSimulator } from '../../sandbox/zoho/index';
import { connectZohoClient } from '../../sandbox/zoho/testing';
import { freePort } from '../../test/support/ports';
import {
  createZohoClient,
  createZohoOAuth,
  memoryTokenStore,
  POLLING_READY_MODULES,
  sandboxZohoEndpoints,
  ZOHO_APP_SCOPES,
  ZohoValidationError,
  type RowOutcome,
  type ZohoClient,
} from './index';

let sim: ZohoSimulator;
let client: ZohoClient;
let dealId: string;

beforeAll(async () => {
  sim = await startZohoSimulator({ attachmentMaxBytes: 40 * 1024 * 1024 });
  client = (await connectZohoClient(sim)).client;
  dealId = (await client.records.list('Deals', { fields: ['Deal_Name'], perPage: 1 })).records[0]!.id;
});
afterAll(async () => {
  await sim.close();
});

const idOf = (row: RowOutcome | undefined): string => {
  if (!row?.ok) throw new Error(`row failed: ${row && !row.ok ? row.error.code : 'missing'}`);
  return row.id;
};

describe('notes', () => {
  it('creates, lists, updates and deletes notes on a record (v8 Parent_Id object)', async () => {
    const [created] = await client.notes.create([{ module: 'Deals', recordId: dealId, title: 'From Jira', content: 'Customer confirmed the rollout date.' }]);
    const noteId = idOf(created);
    const listed = await client.notes.listForRecord('Deals', dealId);
    const note = listed.notes.find((n) => n.id === noteId);
    expect(note).toMatchObject({ Note_Title: 'From Jira', Note_Content: 'Customer confirmed the rollout date.', Parent_Id: { id: dealId, module: { api_name: 'Deals' } } });
    expect(await client.notes.update(noteId, { content: 'Rollout moved by a week.' })).toMatchObject({ ok: true, id: noteId });
    expect((await client.notes.listForRecord('Deals', dealId)).notes.find((n) => n.id === noteId)?.Note_Content).toBe('Rollout moved by a week.');
    expect(await client.notes.delete(noteId)).toMatchObject({ ok: true, id: noteId });
    const rows = await client.notes.create([{ module: 'Deals', recordId: '5725767999999999999', content: 'orphan' }]);
    expect(rows[0]).toMatchObject({ ok: false, error: { code: 'INVALID_DATA', field: 'Parent_Id' } });
  });

  it('answers a record without notes with 204 (an empty list) and needs the notes scope', async () => {
    const task = (await client.records.insert('Tasks', [{ Subject: 'No notes here' }]))[0];
    expect((await client.notes.listForRecord('Tasks', idOf(task))).notes).toEqual([]);
    const { client: narrow } = await connectZohoClient(sim, { scopes: ['ZohoCRM.modules.ALL'] });
    await expect(narrow.notes.listForRecord('Deals', dealId)).rejects.toMatchObject({ code: 'OAUTH_SCOPE_MISMATCH', scope: 'ZohoCRM.modules.notes.ALL' });
  });
});

// Forced collections make "live memory" measurable: garbage chunks would otherwise blur the numbers.
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const live = (): number => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const FILE_BYTES = 32 * 1024 * 1024;
const CHUNK = 64 * 1024;

/** A 32 MB random byte stream produced chunk by chunk, sampling live memory every megabyte. */
function* fileChunks(onMegabyte: () => void): Generator<Uint8Array> {
  for (let sent = 0; sent < FILE_BYTES; sent += CHUNK) {
    const chunk = randomFillSync(Buffer.allocUnsafe(CHUNK));
    if ((sent + CHUNK) % (1024 * 1024) === 0) onMegabyte();
    yield chunk;
  }
}

describe('attachments', () => {
  // The simulator runs in its own process here so that only the client's memory is measured.
  let child: ChildProcess;
  let remote: ZohoClient;
  let remoteDeal: string;
  beforeAll(async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/zoho/main.ts'], {
      env: { ...process.env, SANDBOX_ZOHO_PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
      child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('listening')) resolve();
      });
    });
    const url = `http://127.0.0.1:${port}`;
    await fetch(`${url}/__sandbox/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attachmentMaxBytes: 40 * 1024 * 1024 }) });
    const code = ((await (await fetch(`${url}/__sandbox/self-client/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scopes: [...ZOHO_APP_SCOPES] }) })).json()) as { code: string }).code;
    const endpoints = sandboxZohoEndpoints(url);
    const tokens = await createZohoOAuth({ credentials: sim.demoClient, endpoints }).exchangeGrantCode({ dc: 'us', code });
    remote = createZohoClient({ credentials: sim.demoClient, tokenStore: memoryTokenStore(tokens), endpoints });
    remoteDeal = (await remote.records.list('Deals', { fields: ['Deal_Name'], perPage: 1 })).records[0]!.id;
  }, 60_000);
  afterAll(() => {
    child.kill('SIGTERM');
  });

  it('streams a 32 MB upload and download without holding the file in memory', async () => {
    const baseline = live();
    let peak = 0;
    const sample = (): void => {
      peak = Math.max(peak, live() - baseline);
    };
    const sent = createHash('sha256');
    const source = Readable.from(
      (function* () {
        for (const c of fileChunks(sample)) {
          sent.update(c);
          yield c;
        }
      })(),
    );
    const row = await remote.attachments.upload('Deals', remoteDeal, { fileName: 'site-survey.bin', contentType: 'application/octet-stream', data: source });
    const attachmentId = idOf(row);
    const uploadPeak = peak;

    const listed = await remote.attachments.list('Deals', remoteDeal);
    expect(listed.attachments.find((a) => a.id === attachmentId)).toMatchObject({ File_Name: 'site-survey.bin', Size: String(FILE_BYTES) });

    peak = 0;
    const download = await remote.attachments.download('Deals', remoteDeal, attachmentId);
    expect(download).toMatchObject({ fileName: 'site-survey.bin', size: FILE_BYTES, contentType: 'application/octet-stream' });
    const received = createHash('sha256');
    let bytes = 0;
    let chunks = 0;
    let largest = 0;
    let nextSample = 1024 * 1024;
    for await (const c of download!.stream as AsyncIterable<Buffer>) {
      received.update(c);
      bytes += c.length;
      chunks += 1;
      largest = Math.max(largest, c.length);
      if (bytes >= nextSample) {
        sample();
        nextSample += 1024 * 1024;
      }
    }
    expect(bytes).toBe(FILE_BYTES);
    expect(received.digest('hex')).toBe(sent.digest('hex'));
    expect(chunks).toBeGreaterThan(32);
    expect(largest).toBeLessThan(1024 * 1024);
    // A buffered client would hold ≥ 32 MB at once; streaming keeps live growth to a few buffers.
    expect(uploadPeak, 'upload: live memory growth').toBeLessThan(FILE_BYTES / 8);
    expect(peak, 'download: live memory growth').toBeLessThan(FILE_BYTES / 8);

    expect(await remote.attachments.delete('Deals', remoteDeal, [attachmentId])).toMatchObject([{ ok: true, id: attachmentId }]);
    expect(await remote.attachments.download('Deals', remoteDeal, attachmentId)).toBeUndefined();
  });

  it('stops an upload over maxBytes on the client side', async () => {
    const err = await client.attachments
      .upload('Deals', dealId, { fileName: 'big.bin', data: Readable.from(fileChunks(() => undefined)), maxBytes: 1024 * 1024 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZohoValidationError);
    expect(err).toMatchObject({ code: 'FILE_SIZE_MORE_THAN_ALLOWED_SIZE', retryable: false });
  });

  it('refuses a file over the simulator limit with FILE_SIZE_MORE_THAN_ALLOWED_SIZE', async () => {
    await fetch(`${sim.url}/__sandbox/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attachmentMaxBytes: 256 * 1024 }) });
    try {
      const err = await client.attachments
        .upload('Deals', dealId, { fileName: 'big.bin', data: [Buffer.alloc(200 * 1024, 1), Buffer.alloc(200 * 1024, 2)] })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'FILE_SIZE_MORE_THAN_ALLOWED_SIZE', status: 413 });
    } finally {
      await fetch(`${sim.url}/__sandbox/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attachmentMaxBytes: 40 * 1024 * 1024 }) });
    }
  });
});

describe('metadata', () => {
  it('lists modules (API-supported flags), fields with picklists and lookups, layouts, org and current user', async () => {
    const modules = await client.metadata.modules();
    for (const m of POLLING_READY_MODULES) expect(modules.find((x) => x.api_name === m.apiName)?.api_supported).toBe(true);
    expect(modules.find((m) => m.api_name === 'Reports')?.api_supported).toBe(false);
    expect(modules.find((m) => m.api_name === 'Events')?.module_name).toBe('Meetings');
    const fields = await client.metadata.fields('Deals');
    const stage = fields.find((f) => f.api_name === 'Stage')!;
    expect(stage).toMatchObject({ data_type: 'picklist', system_mandatory: true });
    expect(stage.pick_list_values?.map((v) => v.actual_value)).toContain('Closed Won');
    expect(fields.find((f) => f.api_name === 'Account_Name')?.lookup?.module?.api_name).toBe('Accounts');
    expect(fields.find((f) => f.api_name === 'Modified_Time')?.read_only).toBe(true);
    for (const m of POLLING_READY_MODULES) {
      if (!m.statusField) continue;
      const f = (await client.metadata.fields(m.apiName)).find((x) => x.api_name === m.statusField);
      expect(f?.data_type, `${m.apiName}.${m.statusField}`).toBe('picklist');
    }
    const layouts = await client.metadata.layouts('Deals');
    expect(layouts[0]?.sections?.[0]?.fields?.some((f) => f.api_name === 'Deal_Name' && f.required)).toBe(true);
    const org = await client.metadata.org();
    expect(org.domain_name).toBe(`org${org.zgid}`);
    const me = await client.metadata.currentUser();
    expect(me.email).toContain('@');
    await expect(client.metadata.fields('Spaceships')).rejects.toMatchObject({ code: 'INVALID_MODULE' });
  });

  it('builds the web URL of a record for the connection DC, which the simulator serves', async () => {
    const org = await client.metadata.org();
    const url = await client.recordWebUrl({ orgDomainName: org.domain_name, moduleApiName: 'Deals', recordId: dealId });
    expect(url).toBe(`${sim.endpoints.us.webBase}/crm/${org.domain_name}/tab/Potentials/${dealId}`);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(dealId);
  });
});
