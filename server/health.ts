// Whether the store answers, asked at most once a second: a load balancer polling every instance
// many times a second costs the database one trivial query per instance per second.
import type { Store } from './storage/store.ts';

const FRESH_MS = 1000;
/** A store that takes longer than this to answer SELECT 1 is as good as down for a load balancer. */
const TIMEOUT_MS = 2000;

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

export function createHealthCheck(store: Store, now: () => number = Date.now) {
  let last: { atMs: number; result: 'ok' | 'unavailable' } | undefined;
  let inFlight: Promise<'ok' | 'unavailable'> | undefined;
  return {
    storage(): Promise<'ok' | 'unavailable'> {
      if (last && now() - last.atMs < FRESH_MS) return Promise.resolve(last.result);
      inFlight ??= within(store.ping(), TIMEOUT_MS)
        .then(
          () => 'ok' as const,
          () => 'unavailable' as const,
        )
        .then((result) => {
          last = { atMs: now(), result };
          inFlight = undefined;
          return result;
        });
      return inFlight;
    },
  };
}
