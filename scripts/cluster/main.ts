// `npm run cluster`: the production topology on this machine (scripts/cluster/topology.ts), its state in
// DATA_DIR/cluster, its ports from CLUSTER_PORT_BASE (default 17000). Prints where to look; Ctrl-C stops
// everything cleanly (processes in the reverse order of starting, PostgreSQL last).
import path from 'node:path';
import { z } from 'zod';
import { parseConfig } from '../../lib/config';
import { clusterPorts, MAX_PORT_BASE, MAX_WORKERS, startCluster, type Cluster } from './topology';

const clusterSettings = z.object({
  CLUSTER_PORT_BASE: z.coerce.number().int().min(1024).max(MAX_PORT_BASE).default(17_000),
  CLUSTER_WORKERS: z.coerce.number().int().min(1).max(MAX_WORKERS).default(2),
  CLUSTER_APIS: z.coerce.number().int().min(1).max(4).default(2),
});

const say = (line: string) => process.stdout.write(`[cluster] ${line}\n`);

let cluster: Cluster | undefined;
let stopping = false;
async function shutdown(signal: string, code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping`);
  await cluster?.close();
  process.exit(code);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

async function main(): Promise<void> {
  const config = parseConfig();
  const settings = clusterSettings.safeParse(process.env);
  if (!settings.success) {
    throw new Error(`Invalid cluster settings: ${settings.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const { CLUSTER_PORT_BASE, CLUSTER_WORKERS, CLUSTER_APIS } = settings.data;
  const dir = path.resolve(config.DATA_DIR, 'cluster');
  cluster = await startCluster({
    dir,
    ports: clusterPorts(CLUSTER_PORT_BASE, CLUSTER_APIS, CLUSTER_WORKERS),
    workers: CLUSTER_WORKERS,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    log: say,
    gentleBuild: true,
  });
  const c = cluster;
  const lines = [
    '',
    'Zoho CRM Connector for Jira: production topology on this machine.',
    ...(c.hostPageUrl ? [`  Try it            ${c.hostPageUrl}   (admin page and a Jira issue with the panel)`] : []),
    `  API (haproxy)     ${c.apiUrl}   → ${c.ports.apis.map((p) => `127.0.0.1:${p}`).join(', ')}`,
    `  API docs          ${c.apiUrl}/docs`,
    `  haproxy stats     http://127.0.0.1:${c.ports.balancerStats}/`,
    ...(c.ui ? [`  Temporal UI       ${c.ui.url}`] : []),
    `  Temporal          ${c.temporalAddress}   (namespace ${c.namespace}, task queue ${c.taskQueue})`,
    `  Temporal metrics  ${c.temporal.metricsUrl}`,
    `  Worker metrics    ${c.ports.workerMetrics.map((m) => `http://127.0.0.1:${m.worker}/metrics`).join(', ')}`,
    `  PostgreSQL        127.0.0.1:${c.ports.postgres}   (databases temporal, temporal_visibility, ${new URL(c.databaseUrl).pathname.slice(1)})`,
    `  Workers           ${c.workers.map((w) => `${w.name} pid ${w.pid()}`).join(', ')}`,
    `  APIs              ${c.apis.map((a) => `${a.name} pid ${a.pid()}`).join(', ')}`,
    `  Zoho simulator    ${c.sandbox.zohoUrl}`,
    `  Jira simulator    ${c.sandbox.jiraUrl}`,
    `  Logs              ${path.join(c.dir, 'logs')}, ${c.temporal.logFile}, ${c.postgres.logFile}`,
    `  Data              ${c.dir}`,
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch(async (err: unknown) => {
  say(`start failed: ${err instanceof Error ? err.message : String(err)}`);
  await shutdown('error', 1);
});
