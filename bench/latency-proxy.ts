// Two tiny loopback HTTP forwarders for the realistic-latency run. The Jira simulator has no latency knob
// (the Zoho simulator has one: `setFaults({ latencyMs })`), so Jira calls go through a proxy that holds each
// request for `delayMs` before passing it on. The event relay stands between the simulator's Forge delivery
// and the API: while the proxy is in use it re-signs each delivery's FIT for the proxied apiBaseUrl.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DelayProxy {
  url: string;
  delayMs: number;
  close(): Promise<void>;
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

interface Forward {
  method: string | undefined;
  path: string | undefined;
  headers: http.OutgoingHttpHeaders;
  /** The whole body, already read; absent = stream `req` through. */
  body?: Buffer;
}

function forward(target: URL, req: http.IncomingMessage, res: http.ServerResponse, f: Forward): void {
  const upstream = http.request(
    { host: target.hostname, port: target.port, method: f.method, path: f.path, headers: { ...f.headers, host: target.host } },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  if (f.body) upstream.end(f.body);
  else req.pipe(upstream);
}

export async function startDelayProxy(targetUrl: string): Promise<DelayProxy> {
  const target = new URL(targetUrl);
  const proxy: DelayProxy = { url: '', delayMs: 0, close: () => closeServer(server) };
  const server = http.createServer((req, res) => {
    req.pause(); // hold the body until the delay is over
    void (async () => {
      if (proxy.delayMs > 0) await sleep(proxy.delayMs);
      req.resume();
      forward(target, req, res, { method: req.method, path: req.url, headers: req.headers });
    })();
  });
  server.keepAliveTimeout = 30_000;
  proxy.url = await listen(server);
  return proxy;
}

export interface EventRelay {
  url: string;
  /** Signs a fresh FIT valid for `expiresInSeconds`; unset = pass deliveries on untouched. */
  resign: ((expiresInSeconds: number) => Promise<string>) | undefined;
  close(): Promise<void>;
}

export async function startEventRelay(targetUrl: string): Promise<EventRelay> {
  const target = new URL(targetUrl);
  const relay: EventRelay = { url: '', resign: undefined, close: () => closeServer(server) };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const headers: http.OutgoingHttpHeaders = { ...req.headers };
        if (relay.resign) headers.authorization = `Bearer ${await relay.resign(60)}`;
        forward(target, req, res, { method: req.method, path: target.pathname, headers, body: Buffer.concat(chunks) });
      })();
    });
  });
  relay.url = await listen(server);
  return relay;
}
