// A multipart/form-data body built as a stream. fetch's FormData needs a Blob of known size, but files
// arrive from Zoho as streams of unknown length, and F19 forbids holding a whole file in memory; so the
// body is the RFC 7578 framing written around the source stream, pulled only as fast as the socket drains.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';

export type ByteSource = Readable | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface FilePart {
  /** Form field name; Jira wants `file`. */
  name: string;
  filename: string;
  contentType: string;
  data: ByteSource;
}

export interface MultipartBody {
  body: ReadableStream<Uint8Array>;
  contentType: string;
}

export function toAsyncIterable(source: ByteSource): AsyncIterable<Uint8Array> {
  if (source instanceof Readable) return source;
  if ('getReader' in source) return Readable.fromWeb(source as unknown as NodeWebReadableStream<Uint8Array>);
  return Readable.from(source);
}

function quote(value: string): string {
  // Header values cannot carry CR/LF; a double quote would end the parameter early.
  return value.replace(/[\r\n]+/g, ' ').replace(/"/g, '%22');
}

export function multipartBody(parts: FilePart[]): MultipartBody {
  const boundary = `----jira-client-${randomBytes(16).toString('hex')}`;
  async function* frames(): AsyncGenerator<Uint8Array> {
    for (const part of parts) {
      yield Buffer.from(
        `--${boundary}\r\n` +
          `Content-Disposition: form-data; name="${quote(part.name)}"; filename="${quote(part.filename)}"\r\n` +
          `Content-Type: ${quote(part.contentType)}\r\n\r\n`,
        'utf8',
      );
      for await (const chunk of toAsyncIterable(part.data)) yield chunk;
      yield Buffer.from('\r\n', 'ascii');
    }
    yield Buffer.from(`--${boundary}--\r\n`, 'ascii');
  }
  const body = Readable.toWeb(Readable.from(frames(), { objectMode: false })) as unknown as ReadableStream<Uint8Array>;
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
