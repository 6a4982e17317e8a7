// One way to remember a slow answer for a while: an LRU of promises with a time-to-live (lru-cache).
// Concurrent callers share one load; a failed load is forgotten at once, so the next call tries again.
import { LRUCache } from 'lru-cache';

export class PromiseCache {
  private readonly entries: LRUCache<string, Promise<unknown>>;

  constructor(opts: { ttlMs: number; max?: number; now?: () => number }) {
    this.entries = new LRUCache({ max: opts.max ?? 1000, ttl: opts.ttlMs, ...(opts.now ? { ttlResolution: 0, perf: { now: opts.now } } : {}) });
  }

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) return hit as Promise<T>;
    const value = load();
    this.entries.set(key, value);
    value.catch(() => {
      if (this.entries.get(key) === value) this.entries.delete(key);
    });
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
