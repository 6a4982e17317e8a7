// Reading a vendor's JSON answer without trusting its size: a hostile or broken answer (an endless body,
// a huge Content-Length, a gzip bomb) must not exhaust the memory of the worker or the API. Used by both
// HTTP chokepoints (clients/zoho/http.ts, clients/jira/http.ts) for JSON bodies only; binary downloads
// stream through untouched and have limits of their own (attachment size).

/** Default cap of a JSON answer: far above any Zoho or Jira page (Zoho pages ≤ 200 records), far below a worker's heap. */
export const DEFAULT_MAX_JSON_BYTES = 32 * 1024 * 1024;

/** Thrown by readCappedText; each client turns it into its own typed, non-retryable error. */
export class BodyOverLimit extends Error {
  override name = 'BodyOverLimit';
  constructor(
    readonly limitBytes: number,
    /** The Content-Length the answer declared, when that is how it was caught. */
    readonly declaredBytes?: number,
  ) {
    super(`response body over ${limitBytes} bytes`);
  }
}

/** The cap in words for a message: "32 MB", "512 KB", "100 bytes". */
export function describeLimit(bytes: number): string {
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  if (bytes >= 1024 * 1024) return `${fmt(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${fmt(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/**
 * The body as UTF-8 text, refusing more than `maxBytes`: a declared Content-Length over the cap is refused
 * before reading anything, otherwise bytes are counted as they arrive (after any content decoding, so a
 * small compressed answer cannot unpack into gigabytes) and reading stops at the first chunk past the cap.
 * Either way the stream is cancelled, which lets fetch close the connection instead of draining it.
 */
export async function readCappedText(res: Response, maxBytes: number): Promise<string> {
  const declared = res.headers.get('content-length');
  if (declared !== null && /^\s*\d+\s*$/.test(declared) && Number(declared) > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new BodyOverLimit(maxBytes, Number(declared));
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      chunks.length = 0;
      await reader.cancel().catch(() => undefined);
      throw new BodyOverLimit(maxBytes);
    }
    chunks.push(value);
  }
  // TextDecoder, like Response.text(): replaces malformed bytes and drops a leading BOM.
  return new TextDecoder().decode(Buffer.concat(chunks, total));
}
