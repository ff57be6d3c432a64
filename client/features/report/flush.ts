// Sending the queue, shared by the page (sender.ts) and the service worker (reportWorker.ts): one
// batch at a time, the same rules, the same records. It needs fetch and IndexedDB only, no DOM.
import type { Report } from '../../../shared/schemas.ts';
import { applyOutcome, classifyAnswer, pickBatch, prunableIds, wakeUp, type Answer, type Outcome, type QueueItem, type SenderState } from './queue.ts';
import type { QueueStorage } from './storage.ts';

/** A request with no answer after this long is treated as lost, and sent again. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** The Web Lock page tabs and the worker take to send: never two senders at once on one phone. */
export const SEND_LOCK = 'amina-report-sender';
/** The Background Sync tag the page registers and the worker answers. */
export const SYNC_TAG = 'amina-report-queue';
/** The worker says here that it sent something, so an open page re-reads the queue. */
export const QUEUE_CHANNEL = 'amina-report-queue';

export interface FlushDeps {
  storage: QueueStorage;
  post: (reports: Report[]) => Promise<Answer>;
  now: () => number;
  random: () => number;
  isOnline: () => boolean;
}

export interface FlushState {
  items: QueueItem[];
  sender: SenderState;
  unreadable: number;
  sending: boolean;
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

/** Runs `send` holding the send lock where the browser has Web Locks (pages and workers alike). */
export function withSendLock<T>(send: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? (locks.request(SEND_LOCK, send) as Promise<T>) : send();
}

/**
 * One pass over the queue as stored: batches go out until the queue is empty or an answer says
 * wait (no network, 5xx, Retry-After) or the token is refused. Each answer is written to storage
 * before the next batch goes, and `onChange` hears every step. Call it holding the send lock.
 */
export async function flushQueue(deps: FlushDeps, onChange: (state: FlushState) => void = () => undefined): Promise<FlushState & { last?: Outcome }> {
  const { storage, post, now, random, isOnline } = deps;
  // Another tab or the worker may have sent or queued reports: start from what is stored.
  const [{ items, unreadable }, sender] = await Promise.all([storage.loadItems(), storage.loadSender()]);
  let state: FlushState = { items, sender, unreadable, sending: false };
  let last: Outcome | undefined;
  const update = (patch: Partial<FlushState>) => {
    state = { ...state, ...patch };
    onChange(state);
  };
  update({});
  for (;;) {
    if (!isOnline()) break;
    const batch = pickBatch(state.items, state.sender, now());
    if (batch.length === 0) break;
    update({ sending: true });
    const ids = batch.map((r) => r.id);
    const answer = await post(batch);
    const at = now();
    last = classifyAnswer(answer, ids, at);
    const applied = applyOutcome(state.items, state.sender, ids, last, at, random);
    await storage.commit(applied.changed, applied.sender);
    // The worker's copy of a refused token goes at once; the page keeps its own until a new link.
    if (last.kind === 'blocked') await storage.saveToken(null);
    const byId = new Map(state.items.map((i) => [i.report.id, i]));
    for (const item of applied.changed) byId.set(item.report.id, item);
    update({ items: [...byId.values()], sender: applied.sender });
    if (last.kind === 'retry' || last.kind === 'blocked') break;
  }
  const prune = prunableIds(state.items, now());
  if (prune.length) {
    await storage.deleteItems(prune);
    const gone = new Set(prune);
    update({ items: state.items.filter((i) => !gone.has(i.report.id)) });
  }
  update({ sending: false });
  return { ...state, last };
}

/** What one Background Sync did; a queue it could not empty is an exception, so the browser tries again. */
export type SyncResult = 'sent' | 'no-token' | 'blocked';

/**
 * The service worker's `sync` event: the page was closed with reports queued, and the browser says
 * the network is back. The same pass as the page's, under the same lock, with the token the page
 * left in IndexedDB. It throws while reports stay queued (no answer, 5xx, Retry-After), which tells
 * the browser to fire the event again later; a refusal is an answer and is not retried.
 */
export async function sendInBackground(deps: Omit<FlushDeps, 'post'> & { postWith: (token: string) => FlushDeps['post'] }): Promise<SyncResult> {
  const { storage, postWith, now } = deps;
  const token = await storage.loadToken();
  // No token (signed out, or refused): the reports wait, queued, for the page and a new link.
  if (!token) return 'no-token';
  const result = await withSendLock(async () => {
    // Like the page's "online" event, the browser's word that the network is back ends the backoff (not a Retry-After).
    await storage.commit([], wakeUp(await storage.loadSender(), now()));
    return flushQueue({ ...deps, post: postWith(token) });
  });
  if (result.last?.kind === 'blocked') return 'blocked';
  const waiting = result.items.filter((i) => i.state === 'queued').length;
  if (waiting > 0) throw new Error(`${waiting} report(s) still queued: ${result.sender.lastError ?? 'waiting for the server'}`);
  return 'sent';
}
