// Percentiles of latency samples (nearest-rank, so every figure is a real sample), with the rules that make
// them mean what they say:
// - a sample that timed out (or failed) is a miss: it ranks above every measured sample, so a percentile
//   that lands on one reads Infinity ("missed"), never a flattering figure from the samples that made it;
// - a percentile is given only when there are at least MIN_SAMPLES samples (misses included): with fewer,
//   p99 is just the maximum; below that it reads NaN (JSON null, "too few samples");
// - the sample count goes with every figure (`n`, `misses`, and formatPercentiles prints them).

/** Samples below which no percentile is given. */
export const MIN_SAMPLES = 200;

export interface Percentiles {
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  /** Samples the percentiles come from, misses included. */
  n: number;
  /** Of those, timed out or failed (counted as slower than every measured sample). */
  misses?: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface PercentileOptions {
  /** Samples that timed out or failed: counted in, above every measured one. */
  misses?: number;
  /** Fewer samples than this (misses included) give no percentiles (default MIN_SAMPLES). */
  minSamples?: number;
}

export function percentiles(samples: readonly number[], opts: PercentileOptions = {}): Percentiles {
  const misses = opts.misses ?? 0;
  const sorted = [...samples].sort((a, b) => a - b);
  for (let i = 0; i < misses; i++) sorted.push(Infinity);
  const n = sorted.length;
  const r = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : v);
  const at = (p: number) => (n < (opts.minSamples ?? MIN_SAMPLES) ? NaN : r(percentile(sorted, p)));
  return { p50_ms: at(50), p95_ms: at(95), p99_ms: at(99), n, misses };
}

/** One figure with what it stands on: "41.2 ms", "missed (timed out)" or "— (too few samples)". */
export function formatMs(v: number): string {
  if (Number.isNaN(v)) return '— (too few samples)';
  if (!Number.isFinite(v)) return 'missed (timed out)';
  return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v} ms`;
}

/** "p50 3.1 ms / p95 8 ms / p99 21.4 ms (n = 5,000, 0 timed out)". */
export function formatPercentiles(p: Percentiles): string {
  return `p50 ${formatMs(p.p50_ms)} / p95 ${formatMs(p.p95_ms)} / p99 ${formatMs(p.p99_ms)} (n = ${p.n.toLocaleString('en-US')}, ${p.misses ?? 0} timed out or failed)`;
}

/**
 * The seed's 5-minute poll: a change waits for the next tick, uniformly 0–300 s, so percentile p is p% of
 * 300 s by construction (processing time not even counted). A computed figure, not a sample: n = 0.
 */
export function uniformPollBaseline(intervalMs: number): Percentiles {
  return { p50_ms: intervalMs * 0.5, p95_ms: intervalMs * 0.95, p99_ms: intervalMs * 0.99, n: 0 };
}
