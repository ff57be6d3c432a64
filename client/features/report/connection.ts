// Whether the server can be reached, said honestly: no network, a network with no answer, or online.
import { backoffDelay } from './queue.ts';

export type Connection = 'offline' | 'unreachable' | 'online' | 'checking';

/** While the server does not answer, ask /api/health after about 1 s, then 2 s, capped here (with jitter). */
export const PROBE_BASE_MS = 1_000;
/** Short enough that a queue goes out within 5 s of the server's return; /api/health is a few bytes. */
export const PROBE_CAP_MS = 4_000;
/** While online, look again this often: a server that goes away is noticed before the lead sends. */
export const ONLINE_PROBE_MS = 20_000;
/** A health check with no answer after this long counts as no answer. */
export const PROBE_TIMEOUT_MS = 5_000;

export interface ConnectionDeps {
  /** true when the server answered /api/health with 200 */
  probe: () => Promise<boolean>;
  networkUp: () => boolean;
  random: () => number;
  /** called each time the server answers again after not answering: the queue goes out now */
  onReachable: () => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface ConnectionMonitor {
  state(): Connection;
  subscribe(listener: () => void): () => void;
  /** Ask the server now: the network came back, the page became visible, or a send failed. */
  check(): Promise<void>;
  /** A request other than the probe got no answer: the server is unreachable until a probe says otherwise. */
  noAnswer(): void;
  stop(): void;
}

export function createConnectionMonitor(deps: ConnectionDeps): ConnectionMonitor {
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let state: Connection = deps.networkUp() ? 'checking' : 'offline';
  let failures = 0;
  let timer: unknown;
  let probing: Promise<void> | undefined;
  let stopped = false;
  const listeners = new Set<() => void>();

  const set = (next: Connection) => {
    if (next === state) return;
    const cameBack = next === 'online' && state !== 'online';
    state = next;
    for (const l of listeners) l();
    if (cameBack) deps.onReachable();
  };

  const schedule = () => {
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
    if (stopped || state === 'offline') return;
    const delay = state === 'online' ? ONLINE_PROBE_MS : backoffDelay(Math.max(failures, 1), deps.random, PROBE_BASE_MS, PROBE_CAP_MS);
    timer = setTimer(() => void check(), delay);
  };

  const probeOnce = async () => {
    if (!deps.networkUp()) {
      set('offline');
      return;
    }
    const ok = await deps.probe().catch(() => false);
    if (!deps.networkUp()) set('offline');
    else if (ok) {
      failures = 0;
      set('online');
    } else {
      failures++;
      set('unreachable');
    }
  };

  // One probe at a time; `finally` runs after the assignment, so a probe that ends at once is not kept.
  const check = (): Promise<void> => {
    probing ??= probeOnce().finally(() => {
      probing = undefined;
      schedule();
    });
    return probing;
  };

  return {
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    check,
    noAnswer() {
      if (state === 'offline') return;
      failures = Math.max(failures, 1);
      set('unreachable');
      schedule();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimer(timer);
    },
  };
}

/** GET /api/health with no cache and a timeout; any answer but 200 is "the server cannot take reports". */
export function healthProbe(timeoutMs = PROBE_TIMEOUT_MS): () => Promise<boolean> {
  return async () => {
    try {
      const response = await fetch('/api/health', { cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) });
      return response.status === 200;
    } catch {
      return false;
    }
  };
}
