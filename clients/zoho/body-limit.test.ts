// The JSON body cap of the Zoho HTTP chokepoint against a hostile local server: an endless answer (with and
// without a Content-Length saying so) fails with a typed, non-retryable error after reading at most the
// cap, the connection is dropped, and Temporal sees a non-retryable failure. File downloads are not capped.
import { ApplicationFailure } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toActivityFailure } from '../../activities/errors';
import { MiB, startOversizedServer, type OversizedServer } from '../../test/support/oversized-server';
import { ZohoHttp } from './http';
import { ZohoResponseTooLargeError, isZohoError } from './index';

let server: OversizedServer;

beforeAll(async () => {
  server = await startOversizedServer();
});
afterAll(async () => {
  await server.close();
});

async function tooLarge(p: Promise<unknown>): Promise<ZohoResponseTooLargeError> {
  const err = await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ZohoResponseTooLargeError);
  return err as ZohoResponseTooLargeError;
}

const get = (http: ZohoHttp, path: string) => http.json({ operation: 'records.list', method: 'GET', url: `${server.url}${path}` });

describe('Zoho JSON body cap', () => {
  it('stops reading an endless answer without Content-Length at the default 32 MB: typed, non-retryable, connection dropped', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const err = await tooLarge(get(new ZohoHttp({ timeoutMs: 20_000 }), '/endless'));
    expect(err.message).toBe('Zoho CRM sent an answer larger than the connector accepts (over 32 MB).');
    expect(err).toMatchObject({ code: 'RESPONSE_TOO_LARGE', retryable: false, status: 200, operation: 'records.list', limitBytes: 32 * MiB });
    expect(isZohoError(err)).toBe(true);
    // The client hung up: the server stopped after about the cap (plus socket buffers), never endlessly.
    const { sent, clientClosed } = await server.responses.at(-1)!;
    expect(clientClosed).toBe(true);
    expect(sent).toBeGreaterThan(32 * MiB);
    expect(sent).toBeLessThan(64 * MiB);
    // What was read is not kept: well under what an endless body would have taken.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(96 * MiB);
  });

  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    const started = Date.now();
    const err = await tooLarge(get(new ZohoHttp({ maxJsonBytes: MiB, timeoutMs: 20_000 }), '/declared'));
    expect(Date.now() - started).toBeLessThan(5000); // the server never sends the rest; nobody waited for it
    expect(err.message).toBe('Zoho CRM sent an answer larger than the connector accepts (over 1 MB).');
    expect(err.details).toMatchObject({ limitBytes: MiB, declaredBytes: 1024 * MiB });
    expect((await server.responses.at(-1)!).clientClosed).toBe(true);
  });

  it('caps error bodies too (an endless 500)', async () => {
    const err = await tooLarge(get(new ZohoHttp({ maxJsonBytes: MiB, timeoutMs: 20_000 }), '/endless-error'));
    expect(err).toMatchObject({ status: 500, retryable: false });
    const { sent } = await server.responses.at(-1)!;
    expect(sent).toBeLessThan(32 * MiB);
  });

  it('is a non-retryable failure for Temporal', async () => {
    const err = await tooLarge(get(new ZohoHttp({ maxJsonBytes: MiB }), '/endless'));
    const failure = toActivityFailure(err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ nonRetryable: true, type: 'Zoho.RESPONSE_TOO_LARGE' });
  });

  it('leaves file downloads alone: a binary body over the JSON cap streams through whole', async () => {
    const http = new ZohoHttp({ maxJsonBytes: MiB });
    const res = await http.stream({ operation: 'attachments.download', method: 'GET', url: `${server.url}/binary?bytes=${3 * MiB}` });
    let bytes = 0;
    for await (const piece of res.body!) bytes += (piece as Buffer).length;
    expect(bytes).toBe(3 * MiB);
  });
});
