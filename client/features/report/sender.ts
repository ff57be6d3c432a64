// Saves each report on the device first, then flushes the queue to the server whenever the network allows.
import type { Report } from '../../../shared/schemas.ts';
import { flushQueue, withSendLock, type FlushDeps } from './flush.ts';
import { INITIAL_SENDER, newItem, requeue, wakeUp, type QueueItem, type SenderState } from './queue.ts';

export { httpPost, REQUEST_TIMEOUT_MS } from './flush.ts';

/** How often the sender looks at the queue even if no event woke it: a safety net for missed events. */
export const SWEEP_INTERVAL_MS = 15_000;

export interface QueueView {
  items: QueueItem[];
  sender: SenderState;
  unreadable: number;
  sending: boolean;
  loaded: boolean;
}

/** The page's sender needs what a flush needs, the worker's included. */
export type SenderDeps = FlushDeps;

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

  // The sending itself is shared with the service worker's Background Sync (flush.ts).
  const flushOnce = async () => {
    await flushQueue({ storage, post, now, random, isOnline }, (state) => publish({ ...state, loaded: true }));
  };

  /** One flush at a time in this tab, and (where the browser has Web Locks) across tabs and the worker. */
  const flush = (): Promise<void> => {
    if (flushing) {
      again = true;
      return flushing;
    }
    const run = async () => {
      try {
        do {
          again = false;
          // The same lock as other tabs and the service worker: one sender at a time on the phone.
          await withSendLock(flushOnce);
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
