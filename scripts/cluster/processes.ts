// The product's own processes in the cluster: the production entry points (`api/main.ts`, `worker/main.ts`)
// started as child processes, each with its own environment and log file, and able to be stopped, killed
// (SIGKILL) and started again. haproxy, from Debian's package, is the one endpoint in front of the APIs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Connection } from '@temporalio/client';
import { repoRoot } from '../temporal/provision';

export interface ServiceProcess {
  name: string;
  logFile: string;
  pid(): number | undefined;
  running(): boolean;
  /** Starts the process and waits until it is ready (rejects if it exits first or the wait times out). */
  start(): Promise<void>;
  /** SIGTERM (the entry point's graceful shutdown), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: no shutdown hook runs. */
  kill(): Promise<void>;
}

export interface ServiceOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Resolves once the process serves; called repeatedly until it returns true. */
  ready: (output: () => string, pid: number) => Promise<boolean>;
  readyTimeoutMs?: number;
}

function exited(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) resolve();
    else c.once('exit', () => resolve());
  });
}

export function serviceProcess(opts: ServiceOptions): ServiceProcess {
  let child: ChildProcess | undefined;
  let output = '';
  const alive = () => !!child && child.exitCode === null && child.signalCode === null;
  return {
    name: opts.name,
    logFile: opts.logFile,
    pid: () => (alive() ? child!.pid : undefined),
    running: alive,
    async start() {
      if (alive()) return;
      const log = createWriteStream(opts.logFile, { flags: 'a' });
      output = '';
      const c = spawn(opts.command, opts.args, { cwd: repoRoot, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      const capture = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-8000);
        log.write(chunk);
      };
      c.stdout.on('data', capture);
      c.stderr.on('data', capture);
      c.once('exit', () => log.end());
      const deadline = Date.now() + (opts.readyTimeoutMs ?? 180_000);
      for (;;) {
        if (c.exitCode !== null || c.signalCode !== null) {
          throw new Error(`${opts.name} exited (${c.exitCode ?? c.signalCode}) before it was ready; its log: ${opts.logFile}\n${output.slice(-2000)}`);
        }
        if (await opts.ready(() => output, c.pid!).catch(() => false)) return;
        if (Date.now() > deadline) throw new Error(`${opts.name} not ready after ${opts.readyTimeoutMs ?? 180_000} ms; its log: ${opts.logFile}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop(graceMs = 30_000) {
      const c = child;
      if (!c || !alive()) return;
      const gone = exited(c);
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    },
    async kill() {
      const c = child;
      if (!c || !alive()) return;
      const gone = exited(c);
      c.kill('SIGKILL');
      await gone;
    },
  };
}

/** A production entry point of ours, run by Node with tsx's loader (as the fault suite and the bench run them). */
export function nodeEntry(entry: string): { command: string; args: string[] } {
  return { command: process.execPath, args: ['--import', 'tsx', path.join(repoRoot, entry)] };
}

/** Ready when GET `url` answers 200. */
export function httpReady(url: string): () => Promise<boolean> {
  return async () => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  };
}

/**
 * Ready when Temporal lists the process among the pollers of the task queue (the SDK's default worker
 * identity is `<pid>@<host>`), whatever the process's log level.
 */
export function pollingTaskQueue(connection: Connection, namespace: string, taskQueue: string): (output: () => string, pid: number) => Promise<boolean> {
  return async (_output, pid) => {
    const res = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: 1 });
    return (res.pollers ?? []).some((p) => (p.identity ?? '').startsWith(`${pid}@`));
  };
}

export interface BalancerOptions {
  dir: string;
  port: number;
  /** host:port of each API process. */
  upstreams: string[];
  /** haproxy's statistics page (also the Prometheus exporter at /metrics). */
  statsPort: number;
  /**
   * A front for the Temporal UI's payload decoding: forwards `/codec/…` to the APIs with the codec token added,
   * since the UI has no way to send one. On 127.0.0.1 only; the config file holding the token is mode 600.
   */
  codec?: { port: number; token: string };
}

export function findHaproxy(): string {
  for (const candidate of ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy']) {
    if (spawnSync(candidate, ['-v']).status === 0) return candidate;
  }
  throw new Error('haproxy not found: install it (Debian/Ubuntu: `apt-get install haproxy`); `npm run cluster` puts it in front of the API processes.');
}

/**
 * haproxy in front of the API processes: round robin, health checks on /healthz every second, and a request
 * whose API process refused the connection or died before answering is sent again to another one
 * (`retry-on conn-failure empty-response`, `option redispatch 1`). That is safe for the event route, which is
 * idempotent per event identity; the Forge app's other calls are answered by any replica.
 */
export async function balancerProcess(opts: BalancerOptions): Promise<ServiceProcess> {
  const haproxy = findHaproxy();
  const cfg = path.join(opts.dir, 'haproxy.cfg');
  await writeFile(
    cfg,
    [
      '# Rendered by scripts/cluster/processes.ts',
      'global',
      '  maxconn 4096',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  timeout http-request 10s',
      '  retries 3',
      '  option redispatch 1',
      '  retry-on conn-failure empty-response',
      'frontend api',
      `  bind 127.0.0.1:${opts.port}`,
      '  option forwardfor',
      '  default_backend apis',
      'backend apis',
      '  balance roundrobin',
      '  option httpchk GET /healthz',
      '  http-check expect status 200',
      ...opts.upstreams.map((u, i) => `  server api${i + 1} ${u} check inter 1s fall 2 rise 2`),
      ...(opts.codec
        ? [
            'frontend codec',
            `  bind 127.0.0.1:${opts.codec.port}`,
            '  http-request deny deny_status 404 unless { path_beg /codec/ }',
            `  http-request set-header Authorization "Bearer ${opts.codec.token}"`,
            '  default_backend apis',
          ]
        : []),
      'frontend stats',
      `  bind 127.0.0.1:${opts.statsPort}`,
      '  http-request use-service prometheus-exporter if { path /metrics }',
      '  stats enable',
      '  stats uri /',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const check = spawnSync(haproxy, ['-c', '-q', '-f', cfg], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy refused ${cfg}:\n${check.stderr}${check.stdout}`);
  return serviceProcess({
    name: 'haproxy',
    command: haproxy,
    args: ['-W', '-db', '-f', cfg],
    env: process.env,
    logFile: path.join(opts.dir, 'haproxy.log'),
    ready: httpReady(`http://127.0.0.1:${opts.statsPort}/`),
  });
}
