// P6 and the extended R2 for event intake (`npm run bench:intake`), on the same stack as `npm run bench`
// (bench/stack.ts: its own Temporal dev server, a private PostgreSQL, the simulators), against a production
// API process of its own (`api/main.ts`, which runs the intake dispatcher). No worker runs: only intake is
// measured, and the SCI workflow's history keeps every signal the dispatcher sent, which is how events are
// counted on the Temporal side.
//
// 1. P6 burst, distinct issues: BENCH_INTAKE_EVENTS Forge-shaped issue-updated deliveries, each for an issue of
//    its own (nothing coalesces by issue), BENCH_INTAKE_CONNECTIONS at a time. Events/s, latency percentiles
//    of every request (bench/stats.ts: timed-out or non-2xx requests are misses inside the percentiles), then
//    Temporal actions per event: the signals that reached the SCI workflow's history for the burst / events,
//    and whether every event arrived exactly once.
// 2. P6 burst, one issue: the same number of deliveries for one issue; the dispatcher sends only the latest
//    update per issue, so actions per event fall further.
// 3. R2 extended: events at BENCH_INTAKE_OUTAGE_RATE per second while the API process's way to Temporal is cut
//    (a TCP proxy between the API process and the Temporal server stops: connections refused) for
//    BENCH_INTAKE_OUTAGE_S seconds (default 60; the brief's 10 minutes is a longer run of the same), then
//    restored: every event acknowledged, then delivered to the workflow exactly once.
//
// Writes bench/results/intake-<stamp>.json, intake-latest.json and intake-latest.md, and replaces the P6 rows
// of bench/results/latest.md with these figures.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { intakeBacklog } from '../api/services/intake-outbox';
import { fitClaimsFor, signForgeInvocationToken } from '../sandbox/jira';
import type { JiraEventSignal } from '../workflows/messages';
import { round } from './measures';
import { startBenchStack, repoRoot, type BenchStack } from './stack';
import { formatPercentiles, MIN_SAMPLES, percentiles, type Percentiles } from './stats';

const started = Date.now();
const log = (line: string) => console.log(`[intake +${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);
const EVENTS = Number(process.env.BENCH_INTAKE_EVENTS ?? 5000);
const CONNECTIONS = Number(process.env.BENCH_INTAKE_CONNECTIONS ?? 10);
const OUTAGE_S = Number(process.env.BENCH_INTAKE_OUTAGE_S ?? 60);
const OUTAGE_RATE = Number(process.env.BENCH_INTAKE_OUTAGE_RATE ?? 100);
/** Load before and after the outage in R2, seconds. */
const AROUND_S = 15;
const REQUEST_TIMEOUT_S = 10;

interface BurstResult {
  events_per_s: number;
  latency: Percentiles;
  requests: number;
  acknowledged: number;
  non_2xx: number;
  errors: number;
  timeouts: number;
  connections: number;
  duration_s: number;
}

/**
 * Forge-shaped issue-updated deliveries, each a distinct event (its own changelog id), with every request's
 * latency kept. `issueOf(seq)` picks the issue of the seq-th event. Returns the event ids made.
 */
async function burst(
  b: BenchStack,
  apiUrl: string,
  opts: {
    amount?: number;
    durationS?: number;
    rate?: number;
    connections: number;
    issueOf: (seq: number) => string;
    tag: string;
  },
): Promise<BurstResult & { eventIds: string[] }> {
  const fit = await signForgeInvocationToken(fitClaimsFor(b.jira.installation()), { expiresInSeconds: 3600 });
  const eventIds: string[] = [];
  let seq = 0;
  const samples: number[] = [];
  let non2xx = 0;
  let instance: autocannon.Instance | undefined;
  // Wall time of the run: autocannon's own `duration` counts whole seconds of its 1 s sampling ticks.
  const startedAt = performance.now();
  const run = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: `${apiUrl}/api/v1/events/jira`,
        method: 'POST',
        connections: opts.connections,
        ...(opts.amount ? { amount: opts.amount } : {}),
        ...(opts.durationS ? { duration: opts.durationS } : {}),
        ...(opts.rate ? { overallRate: opts.rate } : {}),
        timeout: REQUEST_TIMEOUT_S,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${fit}`,
          'x-forge-oauth-system': b.jira.systemToken,
        },
        requests: [
          {
            setupRequest: (req) => {
              seq += 1;
              const issueId = opts.issueOf(seq);
              const changelogId = `${opts.tag}-${seq}`;
              eventIds.push(`avi:jira:updated:issue:${issueId}:${changelogId}`);
              req.body = JSON.stringify({
                payload: {
                  eventType: 'avi:jira:updated:issue',
                  atlassianId: 'bench-user',
                  issue: {
                    id: issueId,
                    key: `DEMO-${issueId}`,
                    fields: { project: { id: '10000' }, issuetype: { id: '10003' }, updated: new Date().toISOString() },
                  },
                  changelog: { id: changelogId, items: [{ field: 'Deal amount', fieldId: 'customfield_10034' }] },
                },
                context: { cloudId: b.jira.cloudId, moduleKey: 'jira-events' },
              });
              return req;
            },
          },
        ],
      },
      (err, result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result)),
    );
  });
  instance!.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
    else non2xx += 1;
  });
  const result = await run;
  const seconds = (performance.now() - startedAt) / 1000;
  // Every request that did not come back 2xx in time is a miss: timed out, refused, or answered non-2xx.
  const misses = non2xx + result.errors;
  return {
    eventIds,
    events_per_s: round(samples.length / seconds, 1),
    latency: percentiles(samples, { misses }),
    requests: samples.length + misses,
    acknowledged: samples.length,
    non_2xx: non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    connections: opts.connections,
    duration_s: round(seconds, 2),
  };
}

/** Event ids the API recorded (its ProcessedEvent identities) for a burst's tag: exactly the acknowledged ones. */
async function recordedIds(b: BenchStack, tag: string): Promise<string[]> {
  const rows = await b.db.prisma.processedEvent.findMany({
    where: { source: 'JIRA', eventKey: { contains: `:${tag}-` } },
    select: { eventKey: true },
  });
  return rows.map((r) => r.eventKey);
}

/** Waits until the outbox is empty; the time it took (ms), or null when it did not empty in `timeoutMs`. */
async function drain(b: BenchStack, timeoutMs: number): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if ((await intakeBacklog(b.db.prisma)).events === 0) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

interface SignalTally {
  /** Signals in the workflow's history (each one Temporal action), and workflow starts. */
  signals: number;
  starts: number;
  /** Jira event ids those signals carried, one entry per time carried. */
  eventIds: string[];
}

/** Every signal in the SCI workflow's history so far, decoded (payloads go through the client's codec). */
async function tally(b: BenchStack, workflowId: string): Promise<SignalTally> {
  const { events } = await b.temporal.client.workflow.getHandle(workflowId).fetchHistory();
  const converter = b.temporal.client.options.loadedDataConverter;
  const out: SignalTally = { signals: 0, starts: 0, eventIds: [] };
  for (const e of events ?? []) {
    if (e.workflowExecutionStartedEventAttributes) out.starts += 1;
    const s = e.workflowExecutionSignaledEventAttributes;
    if (!s) continue;
    out.signals += 1;
    const [arg] = await decodeArrayFromPayloads(converter, s.input?.payloads);
    if (s.signalName === 'jiraEvents') for (const ev of arg as JiraEventSignal[]) out.eventIds.push(ev.eventId);
    else if (s.signalName === 'jiraEvent') out.eventIds.push((arg as JiraEventSignal).eventId);
  }
  return out;
}

/** What the signals added since `before` carried, checked against the events sent. */
function delivered(before: SignalTally, after: SignalTally, sent: readonly string[]) {
  const ids = after.eventIds.slice(before.eventIds.length);
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const sentSet = new Set(sent);
  return {
    recorded: sent.length,
    signals: after.signals - before.signals,
    starts: after.starts - before.starts,
    events_carried: ids.length,
    lost: sent.filter((id) => !counts.has(id)).length,
    twice: [...counts.values()].filter((c) => c > 1).length,
    unknown: [...counts.keys()].filter((id) => !sentSet.has(id)).length,
  };
}

/** A TCP proxy to the Temporal server that can be cut (every connection dropped, new ones refused) and restored. */
async function cuttableProxy(
  target: string,
): Promise<{ address: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const [host, port] = target.split(':') as [string, string];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(Number(port), host);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => server.once('error', reject).listen(p, '127.0.0.1', () => resolve()));
  await listen(0);
  const proxyPort = (server.address() as net.AddressInfo).port;
  const cut = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  };
  return { address: `127.0.0.1:${proxyPort}`, cut, restore: () => listen(proxyPort), close: cut };
}

function commit(): string {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const fmtBurst = (r: BurstResult) => `${r.events_per_s}/s; ${formatPercentiles(r.latency)}`;

async function main(): Promise<void> {
  const loadStart = os.loadavg();
  const b = await startBenchStack(log);
  let exitCode = 0;
  try {
    const sci = await b.createSci({
      name: 'bench intake',
      syncMode: 'TWO_WAY',
      jiraProjectId: '10000',
      jiraIssueTypeId: '10003',
      zohoModule: 'Deals',
      fieldMappings: [{ zohoField: 'Amount', jiraField: 'customfield_10034', owner: 'JIRA' }],
    });
    const workflowId = b.deps.workflows.workflowId(sci);
    // One dispatcher, the API process's (as one replica behind a load balancer): the in-process API's stops.
    await b.deps.intake?.stop();
    const api = await b.startApiProcess();

    log('warm-up: 300 events');
    await burst(b, api.url, {
      amount: 300,
      connections: CONNECTIONS,
      issueOf: (n) => String(500_000 + n),
      tag: 'warm',
    });
    await drain(b, 60_000);

    log(`P6 burst: ${EVENTS} events for distinct issues, ${CONNECTIONS} connections`);
    const before1 = await tally(b, workflowId);
    const distinct = await burst(b, api.url, {
      amount: EVENTS,
      connections: CONNECTIONS,
      issueOf: (n) => String(1_000_000 + n),
      tag: 'p6',
    });
    const drain1 = await drain(b, 120_000);
    const temporal1 = delivered(before1, await tally(b, workflowId), await recordedIds(b, 'p6'));
    log(`  ${fmtBurst(distinct)}; drained ${drain1} ms after; ${JSON.stringify(temporal1)}`);

    log(`P6 burst: ${EVENTS} events for one issue, ${CONNECTIONS} connections`);
    const before2 = await tally(b, workflowId);
    const oneIssue = await burst(b, api.url, {
      amount: EVENTS,
      connections: CONNECTIONS,
      issueOf: () => '2000001',
      tag: 'one',
    });
    const drain2 = await drain(b, 120_000);
    const after2 = await tally(b, workflowId);
    const temporal2 = delivered(before2, after2, []);
    const lastOfIssue = oneIssue.eventIds.at(-1)!;
    log(
      `  ${fmtBurst(oneIssue)}; drained ${drain2} ms after; signals ${temporal2.signals}, events carried ${temporal2.events_carried}`,
    );
    await api.stop();
    // Quick turns on P6 alone: nothing written.
    if (process.env.BENCH_INTAKE_R2 === '0') return;

    log(
      `R2 extended: ${OUTAGE_RATE} events/s; the API process's way to Temporal cut for ${OUTAGE_S} s after ${AROUND_S} s, restored ${AROUND_S} s before the load ends`,
    );
    const proxy = await cuttableProxy(b.temporal.address);
    const api2 = await b.startApiProcess({ TEMPORAL_ADDRESS: proxy.address });
    const before3 = await tally(b, workflowId);
    const outage = { cutAtS: AROUND_S, restoredAtS: AROUND_S + OUTAGE_S, backlogAtRestore: 0, oldestAgeMsAtRestore: 0 };
    const t0 = Date.now();
    const cutting = (async () => {
      await new Promise((r) => setTimeout(r, AROUND_S * 1000));
      await proxy.cut();
      log('  Temporal cut off');
      await new Promise((r) => setTimeout(r, OUTAGE_S * 1000));
      const backlog = await intakeBacklog(b.db.prisma);
      outage.backlogAtRestore = backlog.events;
      outage.oldestAgeMsAtRestore = backlog.oldestAgeMs;
      await proxy.restore();
      log(
        `  Temporal reachable again (${backlog.events} events waiting, oldest ${Math.round(backlog.oldestAgeMs / 1000)} s)`,
      );
    })();
    const r2 = await burst(b, api2.url, {
      durationS: 2 * AROUND_S + OUTAGE_S,
      rate: OUTAGE_RATE,
      connections: CONNECTIONS,
      issueOf: (n) => String(3_000_000 + n),
      tag: 'r2',
    });
    await cutting;
    const loadEndS = (Date.now() - t0) / 1000;
    const drain3 = await drain(b, 300_000);
    const temporal3 = delivered(before3, await tally(b, workflowId), await recordedIds(b, 'r2'));
    log(`  ${fmtBurst(r2)}; drained ${drain3} ms after the load; ${JSON.stringify(temporal3)}`);
    await api2.stop();
    await proxy.close();

    const actionsPerEvent = (t: { signals: number; starts: number }, events: number) =>
      round((t.signals + t.starts) / events, 4);
    const result = {
      started_at: new Date(started).toISOString(),
      duration_s: round((Date.now() - started) / 1000, 0),
      command: 'npm run bench:intake',
      commit: commit(),
      machine: {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        load_avg_at_start: loadStart.map((l) => round(l, 1)),
        load_avg_at_end: os.loadavg().map((l) => round(l, 1)),
      },
      settings: {
        events: EVENTS,
        connections: CONNECTIONS,
        request_timeout_s: REQUEST_TIMEOUT_S,
        min_samples_per_percentile: MIN_SAMPLES,
        outage_s: OUTAGE_S,
        outage_rate_per_s: OUTAGE_RATE,
        around_outage_s: AROUND_S,
        temporal: 'dev server (SQLite), no worker',
      },
      p6_distinct_issues: {
        ...strip(distinct),
        drain_ms_after_burst: drain1,
        temporal: temporal1,
        actions_per_event: actionsPerEvent(temporal1, distinct.acknowledged),
      },
      p6_one_issue: {
        ...strip(oneIssue),
        drain_ms_after_burst: drain2,
        temporal: {
          signals: temporal2.signals,
          starts: temporal2.starts,
          events_carried: temporal2.events_carried,
          latest_event_delivered: after2.eventIds.includes(lastOfIssue),
        },
        actions_per_event: actionsPerEvent(temporal2, oneIssue.acknowledged),
      },
      r2_extended: {
        ...strip(r2),
        outage: { ...outage, load_s: round(loadEndS, 1) },
        drain_ms_after_load: drain3,
        temporal: temporal3,
      },
      targets: {
        p6_500_per_s: distinct.events_per_s >= 500,
        p6_p99_under_50ms: distinct.latency.p99_ms < 50,
        p6_actions_per_event_at_most_0_2: actionsPerEvent(temporal1, distinct.acknowledged) <= 0.2,
        r2_every_event_acknowledged: r2.acknowledged === r2.requests,
        r2_every_event_delivered_once:
          r2.acknowledged === r2.requests && temporal3.lost === 0 && temporal3.twice === 0 && temporal3.unknown === 0,
      },
    };
    const rows = [
      `| P6 event intake, distinct issues: events/s; latency p50 / p95 / p99 | ≥ 500/s, p99 < 50 ms | ${fmtBurst(distinct)} | — |`,
      `| P6 Temporal actions per event in the burst (signals + starts / events) | ≤ 0.2 | ${result.p6_distinct_issues.actions_per_event} (${temporal1.signals} signals for ${distinct.acknowledged} events; each delivered once: ${temporal1.lost === 0 && temporal1.twice === 0}); one issue: ${result.p6_one_issue.actions_per_event} (${temporal2.signals} signals, latest update per issue only) | — |`,
      `| R2 extended: Temporal unreachable ${OUTAGE_S} s under ${OUTAGE_RATE} events/s | every event applied, none twice | ${r2.acknowledged}/${r2.requests} acknowledged (${formatPercentiles(r2.latency)}); ${outage.backlogAtRestore} waiting at restore, outbox empty ${drain3 ?? '> 300000'} ms after the load ended (${AROUND_S} s after the restore); lost ${temporal3.lost}, twice ${temporal3.twice} | — |`,
    ];
    const md = [
      `# Event intake benchmark (${result.started_at})`,
      '',
      `\`npm run bench:intake\` on ${result.machine.cores} cores, load average ${result.machine.load_avg_at_start.join(' ')} at start; ${result.duration_s} s in all. Commit ${result.commit}. Temporal: the dev server, no worker running (signals counted in the SCI workflow's history).`,
      '',
      '| Figure | Target | Measured | — |',
      '| --- | --- | --- | --- |',
      ...rows,
      '',
      `R2 is shortened to ${OUTAGE_S} s of outage (the brief's figure is 10 minutes; \`BENCH_INTAKE_OUTAGE_S=600\` runs it). Percentiles count timed-out or non-2xx requests as misses and need ≥ ${MIN_SAMPLES} samples (bench/stats.ts).`,
      '',
    ].join('\n');
    const dir = path.join(repoRoot, 'bench', 'results');
    const stamp = `intake-${result.started_at.replace(/[:.]/g, '-')}`;
    await writeFile(path.join(dir, `${stamp}.json`), `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(path.join(dir, 'intake-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(path.join(dir, 'intake-latest.md'), md);
    await replaceP6Rows(path.join(dir, 'latest.md'), rows, result.started_at);
    console.log(`\n${md}`);
  } catch (err) {
    exitCode = 1;
    console.error(err);
  } finally {
    await b.close();
  }
  process.exit(exitCode);
}

function strip<T extends BurstResult & { eventIds: string[] }>(r: T): BurstResult {
  const { eventIds: _ids, ...rest } = r;
  return rest;
}

/** bench/results/latest.md (written whole by `npm run bench`): its P6 rows replaced by this run's. */
async function replaceP6Rows(file: string, rows: string[], at: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => '');
  if (!text) return;
  const lines = text.split('\n');
  const first = lines.findIndex((l) => l.startsWith('| P6'));
  const kept = lines.filter((l) => !l.startsWith('| P6') && !l.startsWith('| R2 extended'));
  const at_ = first >= 0 ? first : kept.findIndex((l, i) => i > 0 && l === '' && kept[i - 1]?.startsWith('|'));
  kept.splice(at_ >= 0 ? at_ : kept.length, 0, ...rows);
  const note = `P6 and R2 extended rows: \`npm run bench:intake\` of ${at} (bench/results/intake-latest.md).`;
  const out = kept.filter((l) => !l.startsWith('P6 and R2 extended rows:'));
  out.push(note, '');
  await writeFile(file, out.join('\n').replace(/\n{3,}/g, '\n\n'));
}

void main();
