// The worker's metrics in Prometheus text format, on two internal listeners (no token is asked on either:
// bind them to an address only the scraper reaches, WORKER_METRICS_HOST, loopback by default):
//   - WORKER_METRICS_PORT: this module's registry: sync runs by kind and outcome, vendor calls by vendor and
//     status (answered or not), Zoho credits spent and budget use per tenant, Node process metrics.
//   - TEMPORAL_SDK_METRICS_PORT: the Temporal SDK's own metrics (task slots, poll and schedule-to-start
//     latencies, activity and workflow task failures), served by the SDK's Core runtime.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Runtime, type RuntimeOptions } from '@temporalio/worker';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JiraCallInfo } from '../clients/jira';
import type { ZohoCallInfo } from '../clients/zoho';
import type { EngineOptions } from '../activities';
import { creditCost, type ZohoBudget } from '../lib/budget/zoho-budget';
import type { TenantClients } from '../lib/tenant-clients';

type RunRecorded = NonNullable<EngineOptions['onRunRecorded']>;

/** Tenants whose budget use is reported: the ones this process called Zoho for (bounded). */
const MAX_BUDGET_TENANTS = 1000;

export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly syncRuns: Counter<'kind' | 'outcome'>;
  private readonly vendorCalls: Counter<'vendor' | 'status'>;
  private readonly vendorErrors: Counter<'vendor' | 'status'>;
  private readonly vendorDuration: Histogram<'vendor'>;
  private readonly zohoCredits: Counter<'tenant'>;
  private readonly budgetTenants = new Set<string>();
  private budget: ZohoBudget | undefined;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.syncRuns = new Counter({
      name: 'sci_sync_runs_total',
      help: 'Sync runs recorded in the run history, by kind (poll, event, manual) and outcome (SUCCEEDED, PARTIAL, FAILED).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.vendorCalls = new Counter({
      name: 'vendor_calls_total',
      help: 'HTTP calls to Zoho and Jira, by vendor and status (the HTTP status, or timeout/network/aborted when no answer came).',
      labelNames: ['vendor', 'status'],
      registers,
    });
    this.vendorErrors = new Counter({
      name: 'vendor_call_errors_total',
      help: 'Vendor calls that failed: an HTTP status of 400 or more, or no answer; by vendor and status.',
      labelNames: ['vendor', 'status'],
      registers,
    });
    this.vendorDuration = new Histogram({
      name: 'vendor_call_duration_seconds',
      help: 'Time until a vendor answered (or the call failed), by vendor.',
      labelNames: ['vendor'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.zohoCredits = new Counter({
      name: 'zoho_api_credits_spent_total',
      help: 'Zoho API credits spent by this process, per tenant (F36 cost rules).',
      labelNames: ['tenant'],
      registers,
    });
    const budgetTenants = this.budgetTenants;
    const budget = () => this.budget;
    new Gauge({
      name: 'zoho_budget_used_ratio',
      help: "Share of the tenant's rolling 24 h Zoho credit budget used (automation pauses at ZOHO_BUDGET_PAUSE_SHARE).",
      labelNames: ['tenant'],
      registers,
      async collect() {
        const b = budget();
        if (!b) return;
        this.reset();
        for (const tenant of budgetTenants) {
          const status = await b.status(tenant);
          this.set({ tenant }, status.limit > 0 ? status.used / status.limit : 0);
        }
      },
    });
    new Gauge({
      name: 'zoho_budget_paused',
      help: '1 while automation of the tenant is paused by its Zoho credit budget, else 0.',
      labelNames: ['tenant'],
      registers,
      async collect() {
        const b = budget();
        if (!b) return;
        this.reset();
        for (const tenant of budgetTenants) this.set({ tenant }, (await b.status(tenant)).paused ? 1 : 0);
      },
    });
  }

  /** Counts every vendor call made through these clients, and reports budget use from `budget`. */
  observe(clients: TenantClients, budget: ZohoBudget): void {
    this.budget = budget;
    clients.onZohoCall((tenantId, info) => this.zohoCall(tenantId, info));
    clients.onJiraCall((_tenantId, info) => this.jiraCall(info));
  }

  /** For the sync engine (EngineOptions.onRunRecorded). */
  readonly runRecorded: RunRecorded = (run) => this.syncRuns.inc({ kind: run.kind, outcome: run.outcome });

  private zohoCall(tenantId: string, info: ZohoCallInfo): void {
    this.vendorCall('zoho', String(info.status), info.status >= 400, info.durationMs);
    const cost = creditCost(info);
    if (cost > 0) this.zohoCredits.inc({ tenant: tenantId }, cost);
    if (info.target.includes('/crm/') && this.budgetTenants.size < MAX_BUDGET_TENANTS) this.budgetTenants.add(tenantId);
  }

  private jiraCall(info: JiraCallInfo): void {
    const status = info.status !== undefined ? String(info.status) : (info.failure ?? 'network');
    this.vendorCall('jira', status, info.status === undefined || info.status >= 400, info.durationMs);
  }

  private vendorCall(vendor: 'zoho' | 'jira', status: string, failed: boolean, durationMs: number): void {
    this.vendorCalls.inc({ vendor, status });
    if (failed) this.vendorErrors.inc({ vendor, status });
    this.vendorDuration.observe({ vendor }, Math.max(0, durationMs) / 1000);
  }

  /** Serves the registry at `GET /metrics`. */
  async serve(host: string, port: number): Promise<{ url: string; close(): Promise<void> }> {
    const server: Server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: metrics are at GET /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(body),
        () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n'),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/metrics`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }
}

/**
 * Installs the Temporal Core runtime with its Prometheus exporter at `host:port` (`GET /metrics`). Must run
 * before the process's first NativeConnection; `extra` adds other runtime options (e.g. a logger).
 */
export function installTemporalRuntimeMetrics(host: string, port: number, extra: Omit<RuntimeOptions, 'telemetryOptions'> = {}): Runtime {
  return Runtime.install({
    ...extra,
    telemetryOptions: { metrics: { prometheus: { bindAddress: `${host.includes(':') ? `[${host}]` : host}:${port}` } } },
  });
}
