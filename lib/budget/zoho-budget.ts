// Zoho API budget per tenant (F36). Zoho gives each org a number of API credits per rolling 24 hours and
// answers 429 once they are gone, which would stop every other integration of that org too. So we count
// what our own calls cost, per tenant, in hourly ApiBudgetCounter rows (the rolling window is the last 24
// of them), take Zoho's own X-API-CREDITS-REMAINING into account when it sends one, and let automation
// pause at a configurable share of the budget, before Zoho has to refuse anything.
import type { ZohoCallInfo } from '../../clients/zoho';
import type { PrismaClient } from '../../prisma/generated/client';
import type { TenantClients } from '../tenant-clients';

export interface ZohoBudgetSettings {
  /** Credits the org may spend per rolling 24 h (Zoho: 5,000 Free … 5,000,000 Enterprise). */
  dailyCredits: number;
  /** Share of `dailyCredits` at which automation pauses (0 < share ≤ 1). */
  pauseShare: number;
}

export const DEFAULT_ZOHO_BUDGET: ZohoBudgetSettings = { dailyCredits: 100_000, pauseShare: 0.9 };

export interface ZohoBudgetOptions extends Partial<ZohoBudgetSettings> {
  prisma: PrismaClient;
  now?: () => number;
  /** How often counted credits are written to the database (default 1 s). */
  flushIntervalMs?: number;
}

export interface ZohoBudgetStatus {
  tenantId: string;
  /** Credits spent in the last 24 h: our own count, or Zoho's when it reported more. */
  used: number;
  limit: number;
  /** Credits at which automation pauses. */
  pauseAt: number;
  paused: boolean;
  /** When the window will have let enough credits go for automation to run again (while paused). */
  resumesAt: string | null;
  /** Zoho's X-API-CREDITS-REMAINING, when it sent one recently. */
  reportedRemaining: number | null;
  /** Most Zoho calls seen in flight at once for this tenant in the last 24 h (this process's view). */
  peakConcurrency: number;
}

const HOUR_MS = 3_600_000;
const WINDOW_HOURS = 24;
/** A header value older than this no longer describes the window (credits come back as the window rolls). */
const REPORT_FRESH_MS = 10 * 60_000;
/** Calls kept to measure overlap; far more than Zoho lets a tenant run at once. */
const OVERLAP_SAMPLE = 256;

/**
 * What a call costs. Zoho charges by API; most reads and writes of ≤ 10 records cost 1, deleted-record
 * listings 2 (reference/zoho-crm-api.md §7.3). Calls to the accounts server (tokens) are not API calls, and
 * calls Zoho refused for rate or authorization are not charged.
 */
export function creditCost(info: ZohoCallInfo): number {
  if (!info.target.includes('/crm/')) return 0;
  if (info.status === 429 || info.status === 401 || info.status >= 500) return 0;
  if (info.operation === 'records.deleted') return 2;
  return 1;
}

function hourStart(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

interface Pending {
  used: number;
  peak: number;
  reported?: { remaining: number; at: number };
}

const byClients = new WeakMap<TenantClients, ZohoBudget>();

export class ZohoBudget {
  readonly settings: ZohoBudgetSettings;
  private readonly prisma: PrismaClient;
  private readonly now: () => number;
  /** tenant → hour start → counts not yet in the database. */
  private readonly pending = new Map<string, Map<number, Pending>>();
  private readonly recent = new Map<string, { start: number; end: number }[]>();
  private readonly peaks = new Map<string, { hour: number; peak: number }>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private lastPrune = 0;

  constructor(opts: ZohoBudgetOptions) {
    this.prisma = opts.prisma;
    this.now = opts.now ?? Date.now;
    this.settings = {
      dailyCredits: opts.dailyCredits ?? DEFAULT_ZOHO_BUDGET.dailyCredits,
      pauseShare: opts.pauseShare ?? DEFAULT_ZOHO_BUDGET.pauseShare,
    };
    if (!(this.settings.dailyCredits > 0) || !(this.settings.pauseShare > 0 && this.settings.pauseShare <= 1)) {
      throw new RangeError('Zoho budget: dailyCredits must be positive and pauseShare within (0, 1]');
    }
    this.timer = setInterval(() => void this.flush().catch(() => undefined), opts.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  /**
   * The budget that counts every Zoho call made through these clients. One per TenantClients, so two
   * activity sets built over the same clients (tests, the embedded setup) never count a call twice.
   */
  static attach(clients: TenantClients, opts: ZohoBudgetOptions): ZohoBudget {
    const existing = byClients.get(clients);
    if (existing) return existing;
    const budget = new ZohoBudget(opts);
    clients.onZohoCall((tenantId, info) => budget.record(tenantId, info));
    byClients.set(clients, budget);
    return budget;
  }

  /** Counts one call (synchronous: called from the Zoho client's chokepoint for every response). */
  record(tenantId: string, info: ZohoCallInfo): void {
    const end = this.now();
    const hour = hourStart(end);
    let hours = this.pending.get(tenantId);
    if (!hours) this.pending.set(tenantId, (hours = new Map<number, Pending>()));
    let p = hours.get(hour);
    if (!p) hours.set(hour, (p = { used: 0, peak: 0 }));
    p.used += creditCost(info);
    if (info.creditsRemaining !== undefined) p.reported = { remaining: info.creditsRemaining, at: end };
    if (info.target.includes('/crm/')) p.peak = Math.max(p.peak, this.overlap(tenantId, end - Math.max(0, info.durationMs), end));
  }

  /**
   * The most calls in flight at once, from finished calls' [start, end] intervals: the maximum overlap is
   * always at some call's start, so each new call re-counts its own start and those of calls that began
   * while it ran.
   */
  private overlap(tenantId: string, start: number, end: number): number {
    let calls = this.recent.get(tenantId);
    if (!calls) this.recent.set(tenantId, (calls = []));
    calls.push({ start, end });
    if (calls.length > OVERLAP_SAMPLE) calls.splice(0, calls.length - OVERLAP_SAMPLE);
    let peak = 0;
    for (const point of calls) {
      if (point.start < start || point.start > end) continue;
      let n = 0;
      for (const c of calls) if (c.start <= point.start && c.end >= point.start) n += 1;
      peak = Math.max(peak, n);
    }
    const hour = hourStart(end);
    const known = this.peaks.get(tenantId);
    const value = known && known.hour === hour ? Math.max(known.peak, peak) : peak;
    this.peaks.set(tenantId, { hour, peak: value });
    return value;
  }

  /** Writes counted credits to the tenant's hourly rows. Safe to call at any time; calls are serialised. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  private async writePending(): Promise<void> {
    if (this.now() - this.lastPrune > HOUR_MS) {
      this.lastPrune = this.now();
      await this.prune().catch(() => undefined);
    }
    const batch = [...this.pending.entries()];
    this.pending.clear();
    for (const [tenantId, hours] of batch) {
      for (const [hour, p] of hours) {
        try {
          await this.writeHour(tenantId, hour, p);
        } catch {
          // Not lost: merged back and written with the next flush (e.g. the database was briefly away).
          this.merge(tenantId, hour, p);
        }
      }
    }
  }

  private async writeHour(tenantId: string, hour: number, p: Pending): Promise<void> {
    const windowStart = new Date(hour);
    const key = { tenantId_provider_windowStart_windowSeconds: { tenantId, provider: 'ZOHO' as const, windowStart, windowSeconds: 3600 } };
    const reported = p.reported ? { reportedRemaining: p.reported.remaining, reportedAt: new Date(p.reported.at) } : {};
    const row = await this.prisma.apiBudgetCounter.upsert({
      where: key,
      create: { tenantId, provider: 'ZOHO', windowStart, windowSeconds: 3600, used: p.used, limit: this.settings.dailyCredits, peakConcurrency: p.peak, ...reported },
      update: { used: { increment: p.used }, limit: this.settings.dailyCredits, ...reported },
    });
    if (p.peak > row.peakConcurrency) await this.prisma.apiBudgetCounter.update({ where: key, data: { peakConcurrency: p.peak } });
  }

  private merge(tenantId: string, hour: number, p: Pending): void {
    let hours = this.pending.get(tenantId);
    if (!hours) this.pending.set(tenantId, (hours = new Map<number, Pending>()));
    const q = hours.get(hour);
    if (!q) {
      hours.set(hour, p);
      return;
    }
    q.used += p.used;
    q.peak = Math.max(q.peak, p.peak);
    if (p.reported && (!q.reported || p.reported.at > q.reported.at)) q.reported = p.reported;
  }

  /** The tenant's budget over the rolling 24 h window, including calls not yet flushed. */
  async status(tenantId: string): Promise<ZohoBudgetStatus> {
    await this.flush();
    const now = this.now();
    const from = new Date(hourStart(now) - (WINDOW_HOURS - 1) * HOUR_MS);
    const rows = await this.prisma.apiBudgetCounter.findMany({
      where: { tenantId, provider: 'ZOHO', windowSeconds: 3600, windowStart: { gte: from } },
      orderBy: { windowStart: 'asc' },
    });
    const used = rows.reduce((s, r) => s + r.used, 0);
    const peakConcurrency = rows.reduce((m, r) => Math.max(m, r.peakConcurrency), 0);
    const fresh = rows
      .filter((r) => r.reportedRemaining !== null && r.reportedAt !== null && now - r.reportedAt.getTime() <= REPORT_FRESH_MS)
      .sort((a, b) => b.reportedAt!.getTime() - a.reportedAt!.getTime())[0];
    const reportedRemaining = fresh?.reportedRemaining ?? null;
    const { dailyCredits: limit, pauseShare } = this.settings;
    const pauseAt = Math.floor(limit * pauseShare);
    const reportedUsed = reportedRemaining === null ? 0 : limit - reportedRemaining;
    const effective = Math.max(used, reportedUsed);
    const paused = effective >= pauseAt;
    let resumesAt: number | null = null;
    if (paused) {
      // Credits come back 24 h after they were spent: find the hour whose expiry brings our count under the line.
      let left = used;
      for (const r of rows) {
        if (left < pauseAt) break;
        left -= r.used;
        resumesAt = r.windowStart.getTime() + (WINDOW_HOURS + 1) * HOUR_MS;
      }
      // Paused on Zoho's word alone: look again once that word is stale (calls then bring a fresh one).
      if (reportedUsed >= pauseAt && fresh?.reportedAt) resumesAt = Math.max(resumesAt ?? 0, fresh.reportedAt.getTime() + REPORT_FRESH_MS);
    }
    return {
      tenantId,
      used: effective,
      limit,
      pauseAt,
      paused,
      resumesAt: resumesAt === null ? null : new Date(resumesAt).toISOString(),
      reportedRemaining,
      peakConcurrency,
    };
  }

  /** Deletes hourly rows that left the window more than a day ago (housekeeping). */
  async prune(): Promise<number> {
    const before = new Date(hourStart(this.now()) - 2 * WINDOW_HOURS * HOUR_MS);
    const r = await this.prisma.apiBudgetCounter.deleteMany({ where: { provider: 'ZOHO', windowSeconds: 3600, windowStart: { lt: before } } });
    return r.count;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/** Why automation is paused, in words an admin can act on (run history, workflow status). */
export function budgetPauseMessage(s: ZohoBudgetStatus): string {
  const share = Math.round((s.pauseAt / s.limit) * 100);
  const when = s.resumesAt ? `; resumes around ${s.resumesAt}` : '';
  return `Paused: Zoho API budget — ${s.used} of ${s.limit} credits used in the last 24 h (automation pauses at ${share}%)${when}.`;
}
