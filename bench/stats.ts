// Percentiles of latency samples (nearest-rank, so every figure is a real sample).
export interface Percentiles {
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  n: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  return { p50_ms: r(percentile(sorted, 50)), p95_ms: r(percentile(sorted, 95)), p99_ms: r(percentile(sorted, 99)), n: sorted.length };
}

/**
 * The seed's 5-minute poll: a change waits for the next tick, uniformly 0–300 s, so percentile p is p% of
 * 300 s by construction (processing time not even counted).
 */
export function uniformPollBaseline(intervalMs: number): Percentiles {
  return { p50_ms: intervalMs * 0.5, p95_ms: intervalMs * 0.95, p99_ms: intervalMs * 0.99, n: 0 };
}
