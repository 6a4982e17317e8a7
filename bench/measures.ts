// The measurements P1–P6. Each one drives the stack the way people and vendors would (edits in the
// simulators, Forge deliveries, Zoho callbacks, HTTP load on the API) and reads outcomes straight from the
// simulators' stores, so the timing includes everything between the edit and the other side's change.
import { randomBytes, randomInt } from 'node:crypto';
import autocannon from 'autocannon';
import pidusage from 'pidusage';
import { fitClaimsFor, signForgeInvocationToken } from '../sandbox/jira';
import type { SmartConnectedItem } from '../prisma/generated/client';
import { sealChannelToken } from '../api/routes/callbacks';
import type { BenchStack } from './stack';
import { percentiles, type Percentiles } from './stats';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until `cond` holds; the time it took in ms (checked every 2 ms: the stores are in this process). */
export async function timeUntil(cond: () => boolean, timeoutMs: number, started = performance.now()): Promise<number> {
  for (;;) {
    if (cond()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`not reached within ${timeoutMs} ms`);
    await sleep(2);
  }
}

export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (ok(v)) return v;
    } catch {
      // a query while the worker is (re)starting: try again
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(100);
  }
}

export interface Pair {
  dealId: string;
  issueId: string;
}

const AMOUNT = 'customfield_10034';

/** Deals and Jira issues linked by hand (manual links), for latency samples on existing links. */
export async function linkedPairs(b: BenchStack, sci: SmartConnectedItem, n: number, label: string): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${b.zoho.url}/__sandbox/records/Deals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ values: { Deal_Name: `${label} ${i}`, Stage: 'Qualification', Amount: 1 } }),
    });
    const dealId = ((await res.json()) as { data: { id: string } }).data.id;
    const issue = await b.jiraPerson.issues.create({
      project: { id: sci.jiraProjectId },
      issueType: { id: sci.jiraIssueTypeId! },
      summary: `${label} ${i}`,
      fields: { [AMOUNT]: 1 },
    });
    await b.db.prisma.recordLink.create({
      data: {
        tenantId: sci.tenantId,
        sciId: sci.id,
        jiraIssueId: issue.id,
        jiraIssueKey: issue.key,
        zohoModule: 'Deals',
        zohoRecordId: dealId,
        managed: 'MANUAL',
      },
    });
    pairs.push({ dealId, issueId: issue.id });
  }
  return pairs;
}

async function editDeal(b: BenchStack, id: string, values: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${b.zoho.url}/__sandbox/records/Deals/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ values }),
  });
  if (res.status !== 200) throw new Error(`deal edit failed: ${res.status}`);
}

export interface LatencyResult extends Percentiles {
  samples: number[];
  /** Edits whose change did not show on the other side within the timeout (the misses in the percentiles). */
  failures: number;
  /** Edits in flight at once, each on its own linked pair. */
  concurrency: number;
}

export interface LatencyOptions {
  samples: number;
  timeoutMs: number;
  firstValue: number;
  /** Edits in flight at once (default 1); never more than the pairs, so no record is edited twice at once. */
  concurrency?: number;
}

/**
 * Runs `opts.samples` edit-and-wait samples, `concurrency` at a time, sample i on pair i mod pairs (a pair is
 * only ever used by one lane, so its previous sample has landed before the next edit). A sample that does not
 * land within the timeout is a miss, counted in the percentiles above every measured one.
 */
async function sampleLatency(
  pairs: Pair[],
  opts: LatencyOptions,
  gapMs: [number, number],
  edit: (pair: Pair, value: number) => Promise<void>,
  landed: (pair: Pair, value: number) => boolean,
): Promise<LatencyResult> {
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 1, pairs.length));
  const samples: number[] = [];
  let failures = 0;
  let next = 0;
  const lane = async (laneNo: number) => {
    // Pairs are split between lanes so two lanes never edit one record.
    const lanePairs = pairs.filter((_, k) => k % concurrency === laneNo);
    let mine = 0;
    for (let i = next++; i < opts.samples; i = next++) {
      const pair = lanePairs[mine++ % lanePairs.length]!;
      const value = opts.firstValue + i;
      await sleep(randomInt(gapMs[0], gapMs[1]));
      const started = performance.now();
      await edit(pair, value);
      try {
        samples.push(await timeUntil(() => landed(pair, value), opts.timeoutMs, started));
      } catch {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, k) => lane(k)));
  return { ...percentiles(samples, { misses: failures }), samples, failures, concurrency };
}

/**
 * P1: a person edits a Deal in Zoho; the time until the linked Jira issue shows the new amount. Edits come at
 * random moments (not in step with the poll timer), each on a different record, a fresh value each time.
 */
export function measureCrmToJira(b: BenchStack, pairs: Pair[], opts: LatencyOptions): Promise<LatencyResult> {
  return sampleLatency(
    pairs,
    opts,
    [50, 1000],
    (pair, value) => editDeal(b, pair.dealId, { Amount: value }),
    (pair, value) => b.jira.store.issue(pair.issueId)?.values[AMOUNT] === value,
  );
}

/** P2: a person edits the issue in Jira (Forge delivers the event to the API); the time until Zoho shows it. */
export function measureJiraToCrm(b: BenchStack, pairs: Pair[], opts: LatencyOptions): Promise<LatencyResult> {
  return sampleLatency(
    pairs,
    opts,
    [50, 500],
    async (pair, value) => {
      await b.jiraPerson.issues.edit(pair.issueId, { fields: { [AMOUNT]: value } });
    },
    (pair, value) => b.zoho.sim.store.find('Deals', pair.dealId)?.values.Amount === value,
  );
}

/** A Zoho notification channel for Deals, delivering to the API's callback route, for one SCI. */
export async function registerDealsChannel(b: BenchStack, sci: SmartConnectedItem): Promise<void> {
  const zoho = await b.deps.clients.zoho(b.tenant.id);
  const channelId = String(randomInt(1, 2 ** 40)) + '001';
  const token = randomBytes(24).toString('base64url');
  const notifyUrl = `${b.apiUrl}/api/v1/callbacks/zoho/notifications`;
  const [outcome] = await zoho.notifications.enable([{ channelId, events: ['Deals.all'], notifyUrl, token }]);
  if (!outcome?.ok) throw new Error('Zoho channel not created');
  const sealed = sealChannelToken(b.cipher, b.tenant.id, channelId, token);
  await b.db.prisma.zohoNotificationChannel.create({
    data: {
      tenantId: b.tenant.id,
      sciId: sci.id,
      channelId,
      events: ['Deals.all'],
      notifyUrl,
      tokenCiphertext: sealed.ciphertext,
      tokenKeyId: sealed.keyId,
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
}

export interface IdlePollResult {
  polls: number;
  zoho_calls_per_idle_poll: number;
  jira_calls_per_idle_poll: number;
  zoho_token_calls: number;
  /** Zoho calls per idle poll by the simulator's endpoint names (records list, Notes list, attachment lists). */
  zoho_calls_per_poll_by_endpoint: Record<string, number>;
  /** What the engine should spend on an idle poll of this SCI: 1 + (1 if notes sync) + (min(sweep, links) if attachment sync). */
  expected_zoho_calls_per_idle_poll: number;
  expected_formula: string;
  /** The SCI's quiet-record detection, as the expectation was computed from it. */
  quiet_records: { notes_sync: boolean; attachment_sync: boolean; attachment_sweep_per_poll: number; links: number };
}

/**
 * P3: calls per idle poll, over the timer polls of one SCI whose records have not changed. The simulators'
 * counters are reset right after one poll ends and read right after the K-th next one ends (the poll interval
 * keeps the next poll at least a second away), so every counted call belongs to one of those K polls.
 * Only the measured SCI may poll meanwhile (the others paused or on a 1 h interval).
 *
 * With quiet-record detection on (activities/sync/engine.ts), an idle poll also lists the org's notes since
 * the notes cursor (`notesSync`: one call, 304 when none) and reads the attachment lists of up to
 * `attachmentSweepPerPoll` linked records (`attachmentSync`: one call each for a record without attachments),
 * still without a Jira call. The expectation is computed from the SCI's options, its links and the worker's
 * sweep size, so the figure can be checked against it.
 */
export async function measureIdlePoll(b: BenchStack, sci: SmartConnectedItem, polls: number): Promise<IdlePollResult> {
  const options = (sci.options ?? {}) as { notesSync?: boolean; attachmentSync?: boolean };
  const notes = options.notesSync === true;
  const attachments = options.attachmentSync === true && b.attachmentSweepPerPoll > 0;
  const links = await b.db.prisma.recordLink.count({ where: { sciId: sci.id } });
  const swept = attachments ? Math.min(b.attachmentSweepPerPoll, links) : 0;
  const expected = 1 + (notes ? 1 : 0) + swept;
  const formula = [
    '1 (records, 304)',
    ...(notes ? ['1 (Notes, 304)'] : []),
    ...(attachments ? [`min(sweep ${b.attachmentSweepPerPoll}, links ${links}) (attachment lists)`] : []),
  ].join(' + ');
  // The engine re-reads the last 5 s on purpose (same-second edits); idle means nothing changed before that.
  await sleep(6000);
  const waitRuns = async (n: number) => {
    for (;;) {
      const runs = (await b.status(sci)).runs;
      if (runs >= n) return runs;
      await sleep(10);
    }
  };
  const r0 = (await b.status(sci)).runs;
  const start = await waitRuns(r0 + 1);
  b.zoho.resetStats();
  b.jira.resetStats();
  const end = await waitRuns(start + polls);
  const zohoStats = b.zoho.stats();
  const jiraStats = b.jira.stats();
  const n = end - start;
  return {
    polls: n,
    zoho_calls_per_idle_poll: round(zohoStats.api / n, 3),
    jira_calls_per_idle_poll: round(jiraStats.total / n, 3),
    zoho_token_calls: zohoStats.accounts,
    zoho_calls_per_poll_by_endpoint: Object.fromEntries(Object.entries(zohoStats.byEndpoint).map(([k, v]) => [k, round(v / n, 3)])),
    expected_zoho_calls_per_idle_poll: expected,
    expected_formula: `${formula} = ${expected}`,
    quiet_records: { notes_sync: notes, attachment_sync: options.attachmentSync === true, attachment_sweep_per_poll: b.attachmentSweepPerPoll, links },
  };
}

export interface BackfillResult {
  records: number;
  records_per_s: number;
  seconds: number;
  issues_created: number;
}

/**
 * P4: N new Leads appear at once (the simulator's bulk control); one poll of an auto-create SCI turns them
 * into Jira issues. Timed from "sync now" to the end of that run, counted from the links stored.
 */
export async function measureBackfill(b: BenchStack, sci: SmartConnectedItem, n: number, timeoutMs: number): Promise<BackfillResult> {
  const res = await fetch(`${b.zoho.url}/__sandbox/records/Leads/bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: n, values: { Last_Name: `Bench lead {n} ${randomBytes(3).toString('hex')}` } }),
  });
  if (res.status !== 201) throw new Error(`bulk insert failed: ${res.status} ${await res.text()}`);
  const linksBefore = await b.db.prisma.recordLink.count({ where: { sciId: sci.id } });
  const issuesBefore = b.jira.store.issueIdsInProject(sci.jiraProjectId).size;
  const runsBefore = (await b.status(sci)).runs;
  const started = performance.now();
  await b.deps.workflows.control(sci, 'syncNow');
  await until(() => b.status(sci), (s) => s.runs > runsBefore && s.state !== 'syncing', timeoutMs);
  const seconds = (performance.now() - started) / 1000;
  const records = (await b.db.prisma.recordLink.count({ where: { sciId: sci.id } })) - linksBefore;
  return {
    records,
    records_per_s: round(records / seconds, 1),
    seconds: round(seconds, 1),
    issues_created: b.jira.store.issueIdsInProject(sci.jiraProjectId).size - issuesBefore,
  };
}

export interface IdleScisResult {
  scis: number;
  poll_interval_s: number;
  rss_mb: number;
  rss_mb_baseline: number;
  /** RSS growth per SCI over the baseline; null when garbage collection made the process smaller. */
  rss_kb_per_sci: number | null;
  cpu_pct_idle: number;
  cpu_pct_idle_at_5min_poll: number;
  temporal_server_cpu_pct: number;
  temporal_actions_per_poll: number;
  temporal_actions_per_hour: number;
  temporal_actions_per_hour_at_5min_poll: number;
  start_seconds: number;
  /** SCIs whose first sync had finished when sampling began (the rest were still in the start-up backlog). */
  first_synced_before_sampling: number;
  /** SCIs asked for; `scis` is how many fit the start budget. */
  target: number;
}

/** Temporal history events that Temporal Cloud bills as actions (of those an idle SCI produces). */
const BILLABLE = new Set([
  'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
  'EVENT_TYPE_TIMER_STARTED',
  'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
  'EVENT_TYPE_MARKER_RECORDED',
  'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
]);

/**
 * P5: many idle SCIs on one worker process. Starts them, waits for every first sync, then samples the worker's
 * CPU and RSS over one whole poll interval; Temporal actions per poll are counted from sample histories.
 */
export async function measureIdleScis(
  b: BenchStack,
  opts: { scis: number; pollIntervalMs: number; startBudgetMs: number; firstSyncBudgetMs: number; temporalPid: number | undefined; log: (l: string) => void },
): Promise<IdleScisResult> {
  const workerPid = b.worker()?.pid;
  if (!workerPid) throw new Error('no worker process');
  const baseline = await pidusage(workerPid);
  const scis: SmartConnectedItem[] = [];
  const startedAt = Date.now();
  // Started 50 at a time until the target or the time budget is reached (a slow machine gets fewer SCIs).
  while (scis.length < opts.scis && Date.now() - startedAt < opts.startBudgetMs) {
    const k0 = scis.length;
    const batch = Array.from({ length: Math.min(50, opts.scis - k0) }, (_, i) => k0 + i);
    scis.push(
      ...(await Promise.all(
        batch.map((k) =>
          b.createSci(
            {
              name: `idle-${k}`,
              syncMode: 'ONE_WAY',
              jiraProjectId: '10000',
              jiraIssueTypeId: '10001',
              zohoModule: 'Accounts',
              fieldMappings: [{ zohoField: 'Account_Name', jiraField: 'summary' }],
            },
            { settings: { SCI_POLL_INTERVAL: `${opts.pollIntervalMs}ms` } },
          ),
        ),
      )),
    );
  }
  const ids = scis.map((s) => s.id);
  const synced = async () => (await b.db.prisma.syncRun.groupBy({ by: ['sciId'], where: { sciId: { in: ids } } })).length;
  const firstSynced = await until(synced, (n) => n >= scis.length, opts.firstSyncBudgetMs).catch(synced);
  const startSeconds = (Date.now() - startedAt) / 1000;
  opts.log(`  ${scis.length} SCIs started, ${firstSynced} synced once, in ${startSeconds.toFixed(0)} s; sampling one poll interval`);
  // Let the start-up burst drain into the steady state before measuring.
  await sleep(15_000);
  await pidusage(workerPid);
  if (opts.temporalPid) await pidusage(opts.temporalPid);
  const windowStart = Date.now();
  await sleep(opts.pollIntervalMs);
  const worker = await pidusage(workerPid);
  const temporal = opts.temporalPid ? await pidusage(opts.temporalPid) : undefined;
  const windowEnd = Date.now();

  // Actions per poll, from a few histories.
  let actions = 0;
  let polls = 0;
  for (const sci of scis.slice(0, 5)) {
    const history = await b.temporal.client.workflow.getHandle(b.deps.workflows.workflowId(sci)).fetchHistory();
    for (const e of history.events ?? []) {
      const t = e.eventTime?.seconds ? Number(e.eventTime.seconds) * 1000 : 0;
      if (t < windowStart || t > windowEnd) continue;
      const type = typeof e.eventType === 'number' ? eventTypeName(e.eventType) : String(e.eventType);
      if (BILLABLE.has(type)) actions += 1;
      if (type === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED') polls += 1;
    }
  }
  const perPoll = polls > 0 ? actions / polls : NaN;
  const pollsPerHour = 3_600_000 / opts.pollIntervalMs;
  const cpu = round(worker.cpu, 1);
  return {
    scis: scis.length,
    poll_interval_s: opts.pollIntervalMs / 1000,
    rss_mb: round(worker.memory / 1048576, 1),
    rss_mb_baseline: round(baseline.memory / 1048576, 1),
    rss_kb_per_sci: worker.memory > baseline.memory ? round((worker.memory - baseline.memory) / 1024 / scis.length, 1) : null,
    cpu_pct_idle: cpu,
    // Idle work is per poll, so it scales with the poll rate: 300 s polls do a fifth of 60 s polls' work.
    cpu_pct_idle_at_5min_poll: round((cpu * opts.pollIntervalMs) / 300_000, 1),
    temporal_server_cpu_pct: temporal ? round(temporal.cpu, 1) : NaN,
    temporal_actions_per_poll: round(perPoll, 2),
    temporal_actions_per_hour: Math.round(perPoll * pollsPerHour * scis.length),
    temporal_actions_per_hour_at_5min_poll: Math.round(perPoll * 12 * scis.length),
    target: opts.scis,
    start_seconds: round(startSeconds, 1),
    first_synced_before_sampling: firstSynced,
  };
}

function eventTypeName(n: number): string {
  const names: Record<number, string> = {
    1: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
    10: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
    17: 'EVENT_TYPE_TIMER_STARTED',
    26: 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
    25: 'EVENT_TYPE_MARKER_RECORDED',
    40: 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
    23: 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
  };
  return names[n] ?? `EVENT_${n}`;
}

export interface IntakeResult {
  events_per_s: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  requests: number;
  non_2xx: number;
  errors: number;
  connections: number;
  duration_s: number;
}

/**
 * P6: Forge-shaped issue-updated deliveries to the API's event route with autocannon, each a distinct event
 * (its own changelog id) for an issue an SCI covers, so every request records an event and signals a workflow.
 */
export async function measureIntake(
  b: BenchStack,
  issue: { id: string; key: string; projectId: string; issueTypeId: string },
  opts: { amount: number; connections: number; maxSeconds: number; /** Default: the in-process API. */ apiUrl?: string },
): Promise<IntakeResult> {
  const fit = await signForgeInvocationToken(fitClaimsFor(b.jira.installation()), { expiresInSeconds: 3600 });
  let seq = 0;
  const run = autocannon({
    url: `${opts.apiUrl ?? b.apiUrl}/api/v1/events/jira`,
    method: 'POST',
    connections: opts.connections,
    amount: opts.amount,
    timeout: 10,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${fit}`, 'x-forge-oauth-system': b.jira.systemToken },
    requests: [
      {
        setupRequest: (req) => {
          seq += 1;
          req.body = JSON.stringify({
            payload: {
              eventType: 'avi:jira:updated:issue',
              atlassianId: 'bench-user',
              issue: { id: issue.id, key: issue.key, fields: { project: { id: issue.projectId }, issuetype: { id: issue.issueTypeId }, updated: new Date().toISOString() } },
              changelog: { id: `bench-${Date.now()}-${seq}`, items: [{ field: 'Deal amount', fieldId: AMOUNT }] },
            },
            context: { cloudId: b.jira.cloudId, moduleKey: 'jira-events' },
          });
          return req;
        },
      },
    ],
  });
  const timer = setTimeout(() => (run as unknown as { stop(): void }).stop(), opts.maxSeconds * 1000);
  const result = await run;
  clearTimeout(timer);
  return {
    events_per_s: round(result.requests.average, 1),
    p50_ms: result.latency.p50,
    p90_ms: result.latency.p90,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    requests: result.requests.total,
    non_2xx: result.non2xx,
    errors: result.errors,
    connections: opts.connections,
    duration_s: round(result.duration, 1),
  };
}

export function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
