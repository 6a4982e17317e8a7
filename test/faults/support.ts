// Shared pieces of the fault suite (R1–R6): the worker as a child process that can be killed with SIGKILL,
// a tally of what the simulators answered (so retries and injected faults are counted, not guessed), and
// the checks that every Zoho record landed on exactly one Jira issue with its final values.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpExchange } from '../../sandbox/shared/exchange';
import type { SmartConnectedItem } from '../../prisma/generated/client';
import { LINK_PROPERTY } from '../../activities/sync/auto-create';
import type { SyncStack } from '../support/sync-stack';
import { testPayloadKey } from '../support/temporal';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Environment of a production worker (`worker/main.ts`) wired to a sync stack's database, Temporal and Zoho. */
export function workerEnv(s: SyncStack, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: s.t.db.url,
    TEMPORAL_ADDRESS: s.t.temporal.address,
    TEMPORAL_TASK_QUEUE: s.t.temporal.taskQueue,
    SECRETS_KEY: s.t.config.SECRETS_KEY,
    TEMPORAL_PAYLOAD_KEY: testPayloadKey,
    ZOHO_SANDBOX_URL: s.t.zoho!.url,
    ...extra,
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves when the worker says it is running (bundled, connected, polling its task queue). */
  ready: Promise<void>;
}

/** Starts `worker/main.ts` as its own process, as production runs it. */
export function spawnWorker(env: NodeJS.ProcessEnv): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'worker', 'main.ts')], {
    cwd: repoRoot,
    env: { ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered = (buffered + chunk.toString('utf8')).slice(-4000);
      // pino's JSON line of worker/main.ts; warnings and errors are passed on to the test output.
      for (const line of chunk.toString('utf8').split('\n')) if (/"level":(4|5|6)0/.test(line)) process.stderr.write(`${line}\n`);
      if (buffered.includes('"msg":"worker running"')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`worker exited before it was running (${code ?? signal})`)));
  });
  ready.catch(() => undefined); // a worker killed while starting is a normal event here
  return { child, ready };
}

/** Kills with SIGKILL (no shutdown hooks run) and waits until the process is gone. */
export async function killHard(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await gone;
}

/** Counts what a simulator answered: every call, and the failures by status. */
export class ExchangeTally {
  calls = 0;
  failures = 0;
  byStatus: Record<number, number> = {};
  /** Jira writes to one issue (PUT /issue/{id}), by issue id or key. */
  issueEdits = new Map<string, number>();
  issueCreates = 0;

  readonly hook = (x: HttpExchange): void => {
    const p = x.url.split('?')[0]!.replace(/^\/ex\/jira\/[^/]+/, '');
    if (!p.startsWith('/rest/') && !p.startsWith('/api/') && !p.startsWith('/accounts/')) return;
    this.calls += 1;
    this.byStatus[x.status] = (this.byStatus[x.status] ?? 0) + 1;
    if (x.status >= 400) this.failures += 1;
    if (x.status < 300 && x.method === 'POST' && /\/rest\/api\/3\/issue$/.test(p)) this.issueCreates += 1;
    const edit = /\/rest\/api\/3\/issue\/([^/]+)$/.exec(p);
    if (x.status < 300 && x.method === 'PUT' && edit) this.issueEdits.set(edit[1]!, (this.issueEdits.get(edit[1]!) ?? 0) + 1);
  };

  /** Calls whose status was one of these (e.g. the injected 429/5xx). */
  count(...statuses: number[]): number {
    return statuses.reduce((n, s) => n + (this.byStatus[s] ?? 0), 0);
  }
}

/** Inserts Deals as a person would, in batches of 100; returns their ids. */
export async function insertDeals(s: SyncStack, names: string[], values: Record<string, unknown> = {}): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < names.length; i += 100) {
    const rows = await s.zoho.records.insert(
      'Deals',
      names.slice(i, i + 100).map((n) => ({ Deal_Name: n, Stage: 'Qualification', ...values })),
    );
    for (const r of rows) {
      if (!r.ok) throw new Error(`deal not created: ${JSON.stringify(r)}`);
      ids.push(r.id);
    }
  }
  return ids;
}

export interface LandedCheck {
  /** Records with no issue. */
  lost: string[];
  /** Records with more than one issue carrying their link key. */
  duplicated: string[];
  /** Records whose issue does not show the record's final mapped value. */
  stale: string[];
  issuesByRecord: Map<string, string[]>;
}

/**
 * Reads the Jira simulator's own store (not our database): which issues carry each record's link property,
 * and whether the mapped field shows the value Zoho holds now.
 */
export function checkLanded(s: SyncStack, sci: SmartConnectedItem, expected: Map<string, { field: string; value: unknown }>): LandedCheck {
  const issuesByRecord = new Map<string, string[]>();
  for (const issue of s.t.jira.store.issues.values()) {
    const prop = issue.properties.get(LINK_PROPERTY) as { sciId?: string; recordId?: string } | undefined;
    if (!prop || prop.sciId !== sci.id || !prop.recordId) continue;
    issuesByRecord.set(prop.recordId, [...(issuesByRecord.get(prop.recordId) ?? []), issue.id]);
  }
  const lost: string[] = [];
  const duplicated: string[] = [];
  const stale: string[] = [];
  for (const [recordId, want] of expected) {
    const issues = issuesByRecord.get(recordId) ?? [];
    if (issues.length === 0) lost.push(recordId);
    if (issues.length > 1) duplicated.push(recordId);
    const issue = issues[0] ? s.t.jira.store.issue(issues[0]) : undefined;
    if (issue && issue.values[want.field] !== want.value) stale.push(recordId);
  }
  return { lost, duplicated, stale, issuesByRecord };
}

/** One line per test in the run's output: what was injected and what came out. */
export function report(requirement: string, facts: Record<string, unknown>): void {
  console.log(`[faults] ${requirement}: ${JSON.stringify(facts)}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A 1 Way Deals SCI with auto-create: Deal_Name → summary, Amount → Deal amount. */
export const DEAL_SCI = {
  syncMode: 'ONE_WAY' as const,
  jiraProjectId: '10000',
  jiraIssueTypeId: '10001',
  zohoModule: 'Deals',
  fieldMappings: [
    { zohoField: 'Deal_Name', jiraField: 'summary' },
    { zohoField: 'Amount', jiraField: 'customfield_10034' },
  ],
  options: { autoCreate: true },
};

/**
 * A person's edits made through the Zoho simulator's control surface: they bump Modified_Time and fire watch
 * callbacks like any write, but pass no fault injection or token check (so storms and revoked tokens hit
 * only the connector).
 */
export async function simInsertDeals(s: SyncStack, rows: Record<string, unknown>[]): Promise<string[]> {
  const ids: string[] = [];
  for (const values of rows) {
    const res = await fetch(`${s.t.zoho!.url}/__sandbox/records/Deals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ values: { Stage: 'Qualification', ...values } }),
    });
    if (res.status !== 201) throw new Error(`deal not created: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { data: { id: string } }).data.id);
  }
  return ids;
}

export async function simEditDeal(s: SyncStack, id: string, values: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${s.t.zoho!.url}/__sandbox/records/Deals/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ values }),
  });
  if (res.status !== 200) throw new Error(`deal not edited: ${res.status} ${await res.text()}`);
}
