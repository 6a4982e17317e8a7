// A tiny hostile HTTP server on 127.0.0.1 for the vendor clients' body caps (clients/body-limit.ts): it
// answers every request with a JSON body that never ends (with or without a Content-Length that says so),
// or a large binary body, and records how many bytes it managed to send before the client hung up.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const MiB = 1024 * 1024;

export interface OversizedServer {
  url: string;
  /** Bytes written on each finished response, in order (resolved once the client closed or the body ended). */
  responses: Promise<{ sent: number; clientClosed: boolean }>[];
  close(): Promise<void>;
}

/**
 * Paths:
 * - `/endless`: 200 JSON, chunked, no Content-Length, endless (until the client hangs up).
 * - `/declared`: 200 JSON with `Content-Length: 1 GiB`, a first chunk, then nothing until the client hangs up.
 * - `/endless-error`: like `/endless` with status 500.
 * - `/binary?bytes=N`: 200 application/octet-stream of N bytes with a Content-Length.
 */
export async function startOversizedServer(): Promise<OversizedServer> {
  const responses: OversizedServer['responses'] = [];
  const chunk = Buffer.from('"' + 'x'.repeat(64 * 1024 - 3) + '",');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let resolve!: (v: { sent: number; clientClosed: boolean }) => void;
    responses.push(new Promise((r) => (resolve = r)));
    let sent = 0;
    let ended = false;
    res.on('close', () => resolve({ sent, clientClosed: !ended }));
    const write = (r: ServerResponse, b: Buffer | string) => {
      sent += Buffer.byteLength(b);
      return r.write(b);
    };
    if (url.pathname === '/binary') {
      const total = Number(url.searchParams.get('bytes') ?? MiB);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
      const block = Buffer.alloc(64 * 1024, 7);
      const pump = () => {
        while (sent < total) {
          const piece = block.subarray(0, Math.min(block.length, total - sent));
          if (!write(res, piece)) return void res.once('drain', pump);
        }
        ended = true;
        res.end();
      };
      return pump();
    }
    if (url.pathname === '/declared') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 * MiB) });
      write(res, '{"data":[');
      write(res, chunk);
      return; // and never more: the client must not wait for the rest
    }
    res.writeHead(url.pathname === '/endless-error' ? 500 : 200, { 'content-type': 'application/json' });
    write(res, '{"data":[');
    const pump = () => {
      while (!res.destroyed) {
        if (!write(res, chunk)) return void res.once('drain', pump);
      }
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    responses,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
