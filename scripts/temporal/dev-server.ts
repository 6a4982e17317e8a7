// Runs `temporal server start-dev` as a child process: persistent SQLite store, Web UI, and the
// product's search attributes registered. Used by `npm start` and by the test suite (one per run).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { devServerSearchAttributeArgs } from '../../workflows/search-attributes';
import type { TemporalCli } from './provision';

export interface DevServerOptions {
  cli: TemporalCli;
  ip?: string;
  port: number;
  /** Web UI port; `undefined` runs headless. */
  uiPort?: number;
  /** SQLite file for a persistent store; omit for in-memory. */
  dbFile?: string;
  namespace?: string;
  /** Codec endpoint the Web UI sends payloads to for decoding (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  extraArgs?: string[];
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  stop(): Promise<void>;
}

async function waitUntilReachable(address: string, child: ChildProcess | undefined, timeoutMs: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`temporal server start-dev exited with code ${child.exitCode}:\n${stderr()}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal dev server at ${address} not reachable after ${timeoutMs} ms: ${String(lastError)}\n${stderr()}`);
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const namespace = opts.namespace ?? 'default';
  const address = `${ip}:${opts.port}`;
  const uiUrl = opts.uiPort ? `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${opts.uiPort}` : undefined;
  if (opts.dbFile) await mkdir(path.dirname(opts.dbFile), { recursive: true });

  if (opts.cli.kind === 'sdk-download') {
    // Online fallback: the SDK fetches the same CLI from Temporal's CDN and runs it with these options.
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download' },
        ip,
        port: opts.port,
        namespace,
        ...(opts.uiPort ? { ui: true, uiPort: opts.uiPort } : { ui: false }),
        ...(opts.dbFile ? { dbFilename: opts.dbFile } : {}),
        extraArgs: [...devServerSearchAttributeArgs(), ...(opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : []), ...(opts.extraArgs ?? [])],
      },
    });
    return { address, uiUrl, stop: () => env.teardown() };
  }

  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(opts.port),
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    ...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']),
    ...(opts.dbFile ? ['--db-filename', opts.dbFile] : []),
    ...(opts.uiPort && opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : []),
    ...devServerSearchAttributeArgs(),
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(opts.cli.path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitUntilReachable(address, child, opts.startTimeoutMs ?? 60_000, () => stderrTail);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    address,
    uiUrl,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
