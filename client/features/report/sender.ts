// Saves each report on the device first, then flushes the queue to the server whenever the network allows.
import type { Report } from '../../../shared/schemas.ts';
import {
  applyOutcome,
  classifyAnswer,
  INITIAL_SENDER,
  newItem,
  pickBatch,
  prunableIds,
  requeue,
  wakeUp,
  type Answer,
  type QueueItem,
  type SenderState,
} from './queue.ts';
import type { QueueStorage } from './storage.ts';

/** How often the sender looks at the queue even if no event woke it: a safety net for missed events. */
export const SWEEP_INTERVAL_MS = 15_000;
/** A request with no answer after this long is treated as lost, and sent again. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface QueueView {
  items: QueueItem[];
  sender: SenderState;
  unreadable: number;
  sending: boolean;
  loaded: boolean;
}

export interface SenderDeps {
  storage: QueueStorage;
  post: (reports: Report[]) => Promise<Answer>;
  now: () => number;
  random: () => number;
  isOnline: () => boolean;
}

export interface Sender {
  view(): QueueView;
  subscribe(listener: () => void): () => void;
  load(): Promise<void>;
  /** Stores the report on the device, then tries to send it. Resolves once it is stored. */
  enqueue(report: Report): Promise<QueueItem>;
  flush(): Promise<void>;
  /** Ends the backoff (not a Retry-After) and sends at once: the online event and the lead's "send now". */
  wake(): Promise<void>;
  retry(id: string): Promise<void>;
  /** Deletes a report that needs attention, once the lead has confirmed. */
  remove(id: string): Promise<void>;
  /** Listens for the network, the page coming back into view and a periodic sweep. */
  start(): () => void;
}

/** POSTs a batch with the device's token; every failure becomes an Answer, never an exception. */
export function httpPost(getToken: () => string | null, timeoutMs = REQUEST_TIMEOUT_MS): (reports: Report[]) => Promise<Answer> {
  return async (reports) => {
    const token = getToken();
    try {
      const response = await fetch('/api/reports', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ reports }),
        signal: AbortSignal.timeout(timeoutMs),
        cache: 'no-store',
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      return { status: response.status, body, retryAfter: response.headers.get('Retry-After') };
    } catch (err) {
      return { networkError: err instanceof Error && err.name === 'TimeoutError' ? 'No answer from the server.' : 'No connection to the server.' };
    }
  };
}

export function createSender(deps: SenderDeps): Sender {
  const { storage, post, now, random, isOnline } = deps;
  let view: QueueView = { items: [], sender: INITIAL_SENDER, unreadable: 0, sending: false, loaded: false };
  const listeners = new Set<() => void>();
  let flushing: Promise<void> | undefined;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const publish = (patch: Partial<QueueView>) => {
    view = { ...view, ...patch };
    for (const listener of listeners) listener();
  };

  const merge = (changed: readonly QueueItem[]) => {
    const byId = new Map(view.items.map((i) => [i.report.id, i]));
    for (const item of changed) byId.set(item.report.id, item);
    return [...byId.values()];
  };

  const reload = async () => {
    const [{ items, unreadable }, sender] = await Promise.all([storage.loadItems(), storage.loadSender()]);
    publish({ items, unreadable, sender, loaded: true });
  };

  /** Wakes the sender when its backoff or Retry-After ends. */
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!view.items.some((i) => i.state === 'queued')) return;
    const due = Math.max(view.sender.nextAttemptAt, view.sender.notBefore) - now();
    if (due > 0) timer = setTimeout(() => void flush(), Math.min(due, 2 ** 31 - 1));
  };

  const flushOnce = async () => {
    // Another tab may have sent or queued reports: start from what is stored.
    await reload();
    for (;;) {
      if (!isOnline()) break;
      const batch = pickBatch(view.items, view.sender, now());
      if (batch.length === 0) break;
      publish({ sending: true });
      const ids = batch.map((r) => r.id);
      const answer = await post(batch);
      const at = now();
      const outcome = classifyAnswer(answer, ids, at);
      const applied = applyOutcome(view.items, view.sender, ids, outcome, at, random);
      await storage.commit(applied.changed, applied.sender);
      publish({ items: merge(applied.changed), sender: applied.sender });
      if (outcome.kind === 'retry' || outcome.kind === 'blocked') break;
    }
    const prune = prunableIds(view.items, now());
    if (prune.length) {
      await storage.deleteItems(prune);
      const gone = new Set(prune);
      publish({ items: view.items.filter((i) => !gone.has(i.report.id)) });
    }
    publish({ sending: false });
  };

  /** One flush at a time in this tab, and (where the browser has Web Locks) across tabs. */
  const flush = (): Promise<void> => {
    if (flushing) {
      again = true;
      return flushing;
    }
    const run = async () => {
      try {
        do {
          again = false;
          if (typeof navigator !== 'undefined' && navigator.locks) await navigator.locks.request('amina-report-sender', flushOnce);
          else await flushOnce();
        } while (again);
      } catch (err) {
        publish({ sending: false, sender: { ...view.sender, lastError: err instanceof Error ? err.message : String(err) } });
      } finally {
        flushing = undefined;
        schedule();
      }
    };
    flushing = run();
    return flushing;
  };

  const setSender = async (sender: SenderState) => {
    await storage.commit([], sender);
    publish({ sender });
  };

  const wake = async () => {
    await setSender(wakeUp(view.sender, now()));
    await flush();
  };

  const change = async (id: string, update: (item: QueueItem) => QueueItem) => {
    const item = view.items.find((i) => i.report.id === id);
    if (!item) return;
    const next = update(item);
    await storage.commit([next]);
    publish({ items: merge([next]) });
  };

  return {
    view: () => view,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    load: reload,
    async enqueue(report) {
      const item = newItem(report, now());
      // Stored before anything else happens: a crash after this line loses nothing.
      await storage.commit([item]);
      publish({ items: merge([item]) });
      void flush();
      return item;
    },
    flush,
    wake,
    async retry(id) {
      await change(id, requeue);
      await flush();
    },
    async remove(id) {
      // Only a refused report can be removed, and only by the lead's hand: a queued one always goes out.
      if (view.items.find((i) => i.report.id === id)?.state !== 'needs_attention') return;
      await storage.deleteItems([id]);
      publish({ items: view.items.filter((i) => i.report.id !== id) });
    },
    start() {
      const onOnline = () => void wake();
      const onVisible = () => {
        if (document.visibilityState === 'visible') void flush();
      };
      window.addEventListener('online', onOnline);
      document.addEventListener('visibilitychange', onVisible);
      const sweep = setInterval(() => void flush(), SWEEP_INTERVAL_MS);
      void flush();
      return () => {
        window.removeEventListener('online', onOnline);
        document.removeEventListener('visibilitychange', onVisible);
        clearInterval(sweep);
        if (timer) clearTimeout(timer);
      };
    },
  };
}
