// Rate-limit counters: in memory for a single instance, or the store's when instances share one,
// and the adapter that lets express-rate-limit count with either.
import type { ClientRateLimitInfo, Store as RateLimitStore } from 'express-rate-limit';
import type { HitCounters, WindowHits } from '../storage/store.ts';

/** Counters in this process: right for one instance (SQLite), where no other instance counts. */
export function memoryHitCounters(now: () => number = Date.now): HitCounters {
  const windows = new Map<string, WindowHits>();
  const current = (key: string) => {
    const window = windows.get(key);
    if (window && window.resetAtMs <= now()) {
      windows.delete(key);
      return undefined;
    }
    return window;
  };
  // Ended windows are dropped as they are met and swept a minute at a time, so memory follows traffic.
  const sweep = setInterval(() => {
    for (const [key, window] of windows) if (window.resetAtMs <= now()) windows.delete(key);
  }, 60_000);
  sweep.unref();
  return {
    async increment(key, windowMs) {
      const window = current(key) ?? { hits: 0, resetAtMs: now() + windowMs };
      window.hits += 1;
      windows.set(key, window);
      return { ...window };
    },
    async get(key) {
      const window = current(key);
      return window ? { ...window } : undefined;
    },
    async decrement(key) {
      const window = current(key);
      if (window) window.hits = Math.max(0, window.hits - 1);
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}

const info = (hits: WindowHits): ClientRateLimitInfo => ({ totalHits: hits.hits, resetTime: new Date(hits.resetAtMs) });

/** express-rate-limit counting in `counters`, under `prefix` so that two limits never share a key. */
export function rateLimitStore(counters: HitCounters, prefix: string, windowMs: number, shared: boolean): RateLimitStore {
  return {
    prefix,
    localKeys: !shared,
    increment: async (key) => info(await counters.increment(prefix + key, windowMs)),
    get: async (key) => {
      const hits = await counters.get(prefix + key);
      return hits ? info(hits) : undefined;
    },
    decrement: (key) => counters.decrement(prefix + key),
    resetKey: (key) => counters.reset(prefix + key),
  };
}
