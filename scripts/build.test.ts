// The production build runs with plain `node`: built into a scratch folder, its migration entry migrates an
// empty PostgreSQL database, the compiled API answers /healthz, the compiled worker joins a Worker Deployment
// and polls with the prebuilt workflow bundle, the deployment entry makes its build current, a workflow
// completes on it, and the prebuilt bundle replays every recorded history.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Worker } from '@temporalio/worker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { temporalDataConverter } from '../lib/temporal/data-converter';
import { buildInfoSchema } from '../lib/temporal/deployment';
import { AesGcmPayloadCodec } from '../lib/temporal/payload-codec';
import { freePort } from '../test/support/ports';
import { loadHistoryFixtures } from '../test/support/history-fixtures';
import { WORKFLOW_TYPES } from '../workflows/names';
import { ENTRY_POINTS, runBuild, type BuildResult } from './build';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Inside the project, so the compiled files find node_modules the way dist/ does.
const outDir = path.join(root, '.data', 'build-test', randomUUID().slice(0, 8));

let build: BuildResult;
const children: ChildProcess[] = [];
let admin: pg.Client;
const database = `build_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
// A namespace of its own: the compiled API creates the namespace-wide retention Schedule, which other test
// files on the shared dev server create and check themselves.
const namespace = `build-test-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  build = await runBuild(outDir);
  admin = new pg.Client({ connectionString: inject('postgresUrl') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    await until('the new namespace is served', async () => (await connection.workflowService.describeNamespace({ namespace })).namespaceInfo?.name, () => '');
  } finally {
    await connection.close();
  }
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await admin?.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin?.end();
  await rm(outDir, { recursive: true, force: true });
});

function databaseUrl(): string {
  const u = new URL(inject('postgresUrl'));
  u.pathname = `/${database}`;
  return u.toString();
}

/** Starts a compiled entry with `node` (no tsx) and keeps its output for failure messages. */
function startNode(file: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['--enable-source-maps', file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  children.push(child);
  return { child, output: () => output };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, output: () => string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms; process output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));
}

describe('npm run build', () => {
  it('writes one JavaScript file per entry point, the workflow bundle and the build record', async () => {
    expect(build.outputs.map((o) => path.basename(o)).sort()).toEqual(Object.keys(ENTRY_POINTS).map((n) => `${n}.js`).sort());
    const info = buildInfoSchema.parse(JSON.parse(await readFile(path.join(outDir, 'build-info.json'), 'utf8')));
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect(info.version).toBe(pkg.version);
    expect(info.buildId.startsWith(pkg.version)).toBe(true);
    expect(info.workflowBundleSha256).toBe(build.workflowBundleSha256);
    const bundle = await readFile(build.workflowBundlePath, 'utf8');
    for (const type of Object.values(WORKFLOW_TYPES)) expect(bundle).toContain(type);
  });

  it('replays every recorded history with the prebuilt workflow bundle', async () => {
    const fixtures = await loadHistoryFixtures();
    expect(fixtures.length).toBeGreaterThan(0);
    for (const f of fixtures) {
      await expect(Worker.runReplayHistory({ workflowBundle: { codePath: build.workflowBundlePath }, dataConverter: f.dataConverter }, f.history, f.workflowId), f.file).resolves.toBeUndefined();
    }
  });

  it('runs the compiled migrations, API and worker with plain node', async () => {
    const temporalAddress = inject('temporalAddress');
    const taskQueue = `build-test-${randomUUID()}`;
    const env = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl(),
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_WORKER_VERSIONING: 'true',
      TEMPORAL_DEPLOYMENT_NAME: `build-test-${randomUUID().slice(0, 8)}`,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      TEMPORAL_PAYLOAD_KEY: randomBytes(32).toString('base64'),
      DATA_DIR: path.join(outDir, 'data'),
      ZOHO_NOTIFICATIONS: 'false',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      WORKER_METRICS_PORT: String(await freePort()),
      TEMPORAL_SDK_METRICS_PORT: String(await freePort()),
    };

    const migrate = spawnSync(process.execPath, [path.join(outDir, 'db.js'), 'deploy'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    expect(migrate.status, `${migrate.stdout}\n${migrate.stderr}`).toBe(0);

    const api = startNode(path.join(outDir, 'api.js'), env);
    const health = await until(
      'the compiled API answers /healthz',
      async () => {
        const res = await fetch(`http://127.0.0.1:${env.PORT}/healthz`);
        return res.status === 200 ? res.status : undefined;
      },
      api.output,
    );
    expect(health).toBe(200);

    const worker = startNode(path.join(outDir, 'worker.js'), env);
    const connection = await Connection.connect({ address: temporalAddress });
    try {
      const client = new Client({ connection, namespace, dataConverter: temporalDataConverter(new AesGcmPayloadCodec(env.TEMPORAL_PAYLOAD_KEY)) });
      const pollers = await until(
        'the compiled worker polls its task queue',
        async () => {
          const res = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: 1 });
          return res.pollers.length > 0 ? res.pollers.length : undefined;
        },
        worker.output,
      );
      expect(pollers).toBeGreaterThan(0);

      // The release step: the build's version (from dist/build-info.json) becomes the deployment's current one.
      const info = buildInfoSchema.parse(JSON.parse(await readFile(path.join(outDir, 'build-info.json'), 'utf8')));
      const setCurrent = spawnSync(process.execPath, [path.join(outDir, 'deployment.js'), 'set-current', '--timeout-seconds', '30'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
      expect(setCurrent.status, `${setCurrent.stdout}\n${setCurrent.stderr}`).toBe(0);
      const status = spawnSync(process.execPath, [path.join(outDir, 'deployment.js'), 'status'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
      expect(status.status, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ deploymentName: env.TEMPORAL_DEPLOYMENT_NAME, currentBuildId: info.buildId, versions: [{ buildId: info.buildId, status: 'CURRENT' }] });

      // A maintenance run: workflow code from the prebuilt bundle, its activity against the migrated database.
      const handle = await client.workflow.start(WORKFLOW_TYPES.maintenance, { taskQueue, workflowId: `build-test-${randomUUID()}`, args: [{ maxRounds: 1 }] });
      const outcome = await until(
        'the maintenance workflow completes on the compiled worker',
        async () => {
          const d = await handle.describe();
          return d.status.name === 'RUNNING' ? undefined : d.status.name;
        },
        worker.output,
      );
      expect(outcome).toBe('COMPLETED');
      expect(await handle.result()).toMatchObject({ rounds: 1 });
    } finally {
      await connection.close();
    }

    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await exited(worker.child), worker.output()).toBe(0);
    expect(await exited(api.child), api.output()).not.toBeNull();
    expect(worker.output() + api.output()).not.toContain(env.SECRETS_KEY);
  });
});
