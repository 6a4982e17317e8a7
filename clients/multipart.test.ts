// The shared multipart encoder, read back by the parser the simulators use (@fastify/multipart on busboy):
// several parts, streamed data, a non-ASCII name (filename and filename*), and the byte limit.
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import multipart from '@fastify/multipart';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filenameParams, multipartBody } from './multipart';

const app = Fastify();
beforeAll(async () => {
  await app.register(multipart);
  app.post('/upload', async (req) => {
    const files: { field: string; filename: string; mimetype: string; text: string }[] = [];
    for await (const part of req.files()) files.push({ field: part.fieldname, filename: part.filename, mimetype: part.mimetype, text: (await part.toBuffer()).toString('utf8') });
    return files;
  });
  await app.ready();
});
afterAll(() => app.close());

async function post(parts: Parameters<typeof multipartBody>[0]) {
  const { body, contentType } = multipartBody(parts);
  const bytes = Buffer.from(await new Response(body).arrayBuffer());
  return app.inject({ method: 'POST', url: '/upload', headers: { 'content-type': contentType }, payload: bytes });
}

describe('multipartBody', () => {
  it('frames several streamed parts a standard parser reads back, names intact', async () => {
    const res = await post([
      { name: 'file', filename: 'Angebot für Müller – März.pdf', contentType: 'application/pdf', data: Readable.from([Buffer.from('%PDF-1.7 '), Buffer.from('body')]) },
      { name: 'file', filename: 'say "hi".txt', contentType: 'text/plain', data: [Buffer.from('plain')] },
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      { field: 'file', filename: 'Angebot für Müller – März.pdf', mimetype: 'application/pdf', text: '%PDF-1.7 body' },
      { field: 'file', filename: 'say %22hi%22.txt', mimetype: 'text/plain', text: 'plain' },
    ]);
  });

  it('writes filename* (RFC 5987) only for names that are not plain ASCII', () => {
    expect(filenameParams('quote.pdf')).toBe('filename="quote.pdf"');
    expect(filenameParams('报价.pdf')).toBe(`filename="报价.pdf"; filename*=UTF-8''%E6%8A%A5%E4%BB%B7.pdf`);
    expect(filenameParams("it's (1).txt")).toBe(`filename="it's (1).txt"`);
    expect(filenameParams('ä\r\n.txt')).toContain('filename="ä%0D%0A.txt"');
  });

  it('fails the stream with the caller’s error once the data passes the limit', async () => {
    const { body } = multipartBody([{ name: 'file', filename: 'big.bin', contentType: 'application/octet-stream', data: [Buffer.alloc(600), Buffer.alloc(600)] }], {
      maxBytes: 1000,
      error: () => new Error('too large'),
    });
    await expect(new Response(body).arrayBuffer()).rejects.toThrow('too large');
  });
});
