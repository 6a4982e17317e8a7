// The one multipart/form-data encoder of both vendor clients (RFC 7578), streaming: fetch's FormData needs a
// Blob of known size, but files arrive from the other vendor as streams of unknown length, and F19 forbids
// holding a whole file in memory. The framing is written around each source stream, pulled only as fast as
// the socket drains. File names: `filename` carries the name as browsers send it (UTF-8, with CR, LF and the
// double quote percent-escaped, per the WHATWG form encoding), and a non-ASCII name is repeated as RFC 5987
// `filename*` for servers that read that form.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';

export type ByteSource = Readable | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>;

export interface FilePart {
  /** Form field name (`file` for both Jira and Zoho). */
  name: string;
  filename: string;
  contentType: string;
  data: ByteSource;
}

export interface MultipartBody {
  body: ReadableStream<Uint8Array>;
  contentType: string;
}

export interface MultipartLimit {
  /** Most bytes of file data the body may carry in all; past it the stream fails with `error()`. */
  maxBytes: number;
  error: () => Error;
}

export function toAsyncIterable(source: ByteSource): AsyncIterable<Uint8Array | string> {
  if (source instanceof Readable) return source;
  if ('getReader' in source) return Readable.fromWeb(source as unknown as NodeWebReadableStream<Uint8Array>);
  if (Symbol.asyncIterator in source) return source;
  return Readable.from(source);
}

/** A header parameter value as browsers write it: UTF-8, with the characters that would break it escaped. */
function formValue(value: string): string {
  return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

/** `filename="…"`, plus `filename*=UTF-8''…` (RFC 5987) when the name is not plain ASCII. */
export function filenameParams(filename: string): string {
  const plain = `filename="${formValue(filename)}"`;
  if (/^[\x20-\x7e]*$/.test(filename)) return plain;
  const extended = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${plain}; filename*=UTF-8''${extended}`;
}

export function multipartBody(parts: readonly FilePart[], limit?: MultipartLimit): MultipartBody {
  const boundary = `----connector-${randomBytes(16).toString('hex')}`;
  const encoder = new TextEncoder();
  async function* frames(): AsyncGenerator<Uint8Array> {
    let sent = 0;
    for (const part of parts) {
      yield encoder.encode(
        `--${boundary}\r\n` +
          `Content-Disposition: form-data; name="${formValue(part.name)}"; ${filenameParams(part.filename)}\r\n` +
          `Content-Type: ${part.contentType.replace(/[\r\n]/g, '')}\r\n\r\n`,
      );
      for await (const raw of toAsyncIterable(part.data)) {
        const chunk = typeof raw === 'string' ? encoder.encode(raw) : raw;
        sent += chunk.byteLength;
        if (limit && sent > limit.maxBytes) throw limit.error();
        yield chunk;
      }
      yield encoder.encode('\r\n');
    }
    yield encoder.encode(`--${boundary}--\r\n`);
  }
  const body = Readable.toWeb(Readable.from(frames(), { objectMode: false })) as unknown as ReadableStream<Uint8Array>;
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
