// What the simulator counts and what it can be told to break: per-endpoint request stats, API credits
// (rolling 24 h per org), the concurrency limit, and injected faults (latency, error rates, 429 storms).
import { z } from 'zod';

export const faultRuleSchema = z.object({
  /** `METHOD /crm/v8/...` route template as in stats, `*` for any, or a path prefix like `/crm/v8/Deals`. */
  endpoint: z.string().min(1).default('*'),
  /** 0..1 share of matching requests that fail. */
  rate: z.number().min(0).max(1).default(1),
  status: z.number().int().min(400).max(599).default(500),
  code: z.string().min(1).optional(),
  /** Stop after this many injected failures. */
  count: z.number().int().positive().optional(),
});
export type FaultRule = z.infer<typeof faultRuleSchema> & { remaining?: number };

export const faultsSchema = z.object({
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  errors: z.array(faultRuleSchema).default([]),
  /** Answer this many API calls (or all until `untilMs` from now) with 429 TOO_MANY_REQUESTS. */
  rateLimitStorm: z
    .object({
      count: z.number().int().positive().optional(),
      durationMs: z.number().int().positive().optional(),
      /** Zoho documents no Retry-After; set this to have the simulator send one anyway. */
      retryAfterSeconds: z.number().int().min(0).optional(),
    })
    .optional(),
});
export type FaultsInput = z.input<typeof faultsSchema>;

export const outageSchema = z.object({
  /** How long, from now, every call fails. */
  durationMs: z.number().int().min(0),
  /** HTTP status of the failures (default 503); 0 drops the connection without an answer. */
  status: z.union([z.literal(0), z.number().int().min(400).max(599)]).default(503),
  /** Also fail the accounts (OAuth token) servers; default false (only /crm/... calls). */
  includeAccounts: z.boolean().default(false),
});
export type OutageInput = z.input<typeof outageSchema>;
export interface ActiveOutage {
  untilMs: number;
  status: number;
  includeAccounts: boolean;
}

export interface EndpointStats {
  total: number;
  api: number;
  accounts: number;
  byEndpoint: Record<string, number>;
  byDc: Record<string, number>;
  creditsUsed: number;
  since: string;
}

export class Traffic {
  latencyMs = 0;
  errors: FaultRule[] = [];
  storm: { remaining?: number; untilMs?: number; retryAfterSeconds?: number } | undefined;
  stats: EndpointStats;
  private outageState: ActiveOutage | undefined;
  private creditLog: { t: number; cost: number }[] = [];
  inFlight = 0;

  constructor(
    private readonly now: () => number,
    public creditsPerDay: number,
    public concurrencyLimit: number,
  ) {
    this.stats = this.emptyStats();
  }

  private emptyStats(): EndpointStats {
    return { total: 0, api: 0, accounts: 0, byEndpoint: {}, byDc: {}, creditsUsed: 0, since: new Date(this.now()).toISOString() };
  }

  resetStats(): void {
    this.stats = this.emptyStats();
  }

  resetFaults(): void {
    this.latencyMs = 0;
    this.errors = [];
    this.storm = undefined;
    this.outageState = undefined;
  }

  setOutage(input: OutageInput): ActiveOutage {
    const o = outageSchema.parse(input);
    this.outageState = { untilMs: this.now() + o.durationMs, status: o.status, includeAccounts: o.includeAccounts };
    return this.outageState;
  }

  clearOutage(): void {
    this.outageState = undefined;
  }

  /** The outage in force now, if any (an ended one is forgotten). */
  outage(): ActiveOutage | undefined {
    if (this.outageState && this.outageState.untilMs <= this.now()) this.outageState = undefined;
    return this.outageState;
  }

  /** The outage that hits a call of this kind now, if any. */
  outageFor(kind: 'api' | 'accounts'): ActiveOutage | undefined {
    const o = this.outage();
    return o && (kind === 'api' || o.includeAccounts) ? o : undefined;
  }

  resetCredits(): void {
    this.creditLog = [];
  }

  setFaults(input: FaultsInput): void {
    const f = faultsSchema.parse(input);
    this.latencyMs = f.latencyMs;
    this.errors = f.errors.map((r) => ({ ...r, ...(r.count ? { remaining: r.count } : {}) }));
    this.storm = f.rateLimitStorm
      ? {
          ...(f.rateLimitStorm.count ? { remaining: f.rateLimitStorm.count } : {}),
          ...(f.rateLimitStorm.durationMs ? { untilMs: this.now() + f.rateLimitStorm.durationMs } : {}),
          ...(f.rateLimitStorm.retryAfterSeconds !== undefined ? { retryAfterSeconds: f.rateLimitStorm.retryAfterSeconds } : {}),
        }
      : undefined;
  }

  describeFaults(): Record<string, unknown> {
    return { latencyMs: this.latencyMs, errors: this.errors, rateLimitStorm: this.storm ?? null, outage: this.outage() ?? null };
  }

  count(kind: 'api' | 'accounts', endpoint: string, dc: string): void {
    this.stats.total += 1;
    this.stats[kind] += 1;
    this.stats.byEndpoint[endpoint] = (this.stats.byEndpoint[endpoint] ?? 0) + 1;
    this.stats.byDc[dc] = (this.stats.byDc[dc] ?? 0) + 1;
  }

  /** The storm's answer for this call, if one is raging. */
  stormHit(): { retryAfterSeconds?: number } | undefined {
    const s = this.storm;
    if (!s) return undefined;
    if (s.untilMs !== undefined && s.untilMs < this.now()) {
      this.storm = undefined;
      return undefined;
    }
    if (s.remaining !== undefined) {
      if (s.remaining <= 0) {
        this.storm = undefined;
        return undefined;
      }
      s.remaining -= 1;
    }
    return s.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: s.retryAfterSeconds };
  }

  /** The injected failure for this call, if a rule matches and its dice say so. */
  faultFor(endpoint: string, path: string): FaultRule | undefined {
    for (const rule of this.errors) {
      const matches = rule.endpoint === '*' || rule.endpoint === endpoint || path.startsWith(rule.endpoint);
      if (!matches) continue;
      if (rule.remaining !== undefined && rule.remaining <= 0) continue;
      if (Math.random() >= rule.rate) continue;
      if (rule.remaining !== undefined) rule.remaining -= 1;
      return rule;
    }
    return undefined;
  }

  creditsUsed(): number {
    const since = this.now() - 86_400_000;
    this.creditLog = this.creditLog.filter((e) => e.t > since);
    return this.creditLog.reduce((s, e) => s + e.cost, 0);
  }

  /** False when the rolling 24 h allowance cannot cover `cost`. */
  spend(cost: number): boolean {
    if (this.creditsUsed() + cost > this.creditsPerDay) return false;
    this.creditLog.push({ t: this.now(), cost });
    this.stats.creditsUsed += cost;
    return true;
  }

  creditsRemaining(): number {
    return Math.max(0, this.creditsPerDay - this.creditsUsed());
  }
}
