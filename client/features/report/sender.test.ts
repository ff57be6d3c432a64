// The sender against an in-memory store and a scripted server: saved first, sent in batches, never dropped.
import { describe, expect, it } from 'vitest';
import type { Report } from '../../../shared/schemas.ts';
import type { Answer, QueueItem, SenderState } from './queue.ts';
import { INITIAL_SENDER } from './queue.ts';
import { sendInBackground } from './flush.ts';
import { createSender } from './sender.ts';
import type { CachedSites, QueueStorage } from './storage.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');

/** The storage contract in memory; `failWrites` makes the next commit fail, as a full disk would. */
function memoryStorage() {
  const items = new Map<string, QueueItem>();
  let sender: SenderState = INITIAL_SENDER;
  let sites: CachedSites | undefined;
  let token: string | undefined;
  const store = {
    items,
    failWrites: false,
    get sender() {
      return sender;
    },
    get token() {
      return token;
    },
    set token(next: string | undefined) {
      token = next;
    },
  };
  const storage: QueueStorage = {
    loadItems: async () => ({ items: [...items.values()], unreadable: 0 }),
    loadSender: async () => sender,
    async commit(changed, next) {
      if (store.failWrites) throw new Error('QuotaExceededError');
      for (const item of changed) items.set(item.report.id, structuredClone(item));
      if (next) sender = next;
    },
    async deleteItems(ids) {
      for (const id of ids) items.delete(id);
    },
    loadSites: async () => sites,
    async saveSites(next) {
      sites = next;
    },
    loadToken: async () => token,
    async saveToken(next) {
      token = next ?? undefined;
    },
  };
  return { store, storage };
}

function report(n: number): Report {
  return { id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, siteId: 'ibrahim-khalil', observedAt: '2026-11-28T11:00:00Z', kind: 'arrivals', arrivals: n, periodMinutes: 60 };
}

/** A server that answers from a script and records each batch it saw. */
function scripted(answers: ((ids: string[]) => Answer)[]) {
  const seen: string[][] = [];
  const post = async (reports: Report[]) => {
    const ids = reports.map((r) => r.id);
    seen.push(ids);
    const next = answers.shift();
    if (!next) throw new Error('no answer scripted');
    return next(ids);
  };
  return { seen, post };
}

function setup(answers: ((ids: string[]) => Answer)[], online = true) {
  const { store, storage } = memoryStorage();
  const server = scripted(answers);
  let onLine = online;
  const sender = createSender({ storage, post: server.post, now: () => NOW, random: () => 0.5, isOnline: () => onLine });
  return { store, server, sender, setOnline: (value: boolean) => (onLine = value) };
}

const stored = (ids: string[]): Answer => ({ status: 201, body: { accepted: ids, duplicate: [] } });
const offline = (): Answer => ({ networkError: 'No connection to the server.' });

describe('the sender', () => {
  it('stores a report before sending it, and keeps it queued while offline', async () => {
    const { store, server, sender } = setup([], false);
    await sender.load();
    await sender.enqueue(report(1));
    await sender.flush();
    expect(store.items.get(report(1).id)?.state).toBe('queued');
    expect(server.seen).toEqual([]);
    expect(sender.view().items.map((i) => i.state)).toEqual(['queued']);
  });

  it('refuses to go on when the report cannot be stored, and sends nothing', async () => {
    const { store, server, sender } = setup([stored]);
    await sender.load();
    store.failWrites = true;
    await expect(sender.enqueue(report(1))).rejects.toThrow('QuotaExceededError');
    expect(server.seen).toEqual([]);
    expect(sender.view().items).toEqual([]);
  });

  it('sends the whole queue in one batch once online, and marks each report sent', async () => {
    const { store, server, sender, setOnline } = setup([stored]);
    setOnline(false);
    await sender.load();
    for (const n of [1, 2, 3]) await sender.enqueue(report(n));
    setOnline(true);
    await sender.flush();
    expect(server.seen).toEqual([[1, 2, 3].map((n) => report(n).id)]);
    expect([...store.items.values()].map((i) => i.state)).toEqual(['sent', 'sent', 'sent']);
    expect(store.sender.lastSuccessAt).toBe(NOW);
  });

  it('keeps reports queued after a lost answer, and the retry answered as duplicate marks them sent', async () => {
    const { store, server, sender } = setup([offline, (ids) => ({ status: 201, body: { accepted: [], duplicate: ids } })]);
    await sender.load();
    await sender.enqueue(report(1));
    await sender.flush();
    expect(store.items.get(report(1).id)).toMatchObject({ state: 'queued', attempts: 1 });
    expect(store.sender.failures).toBe(1);
    // The backoff holds the next try until the network comes back (or the lead presses "send now").
    await sender.flush();
    expect(server.seen).toHaveLength(1);
    await sender.wake();
    expect(server.seen).toHaveLength(2);
    expect(store.items.get(report(1).id)).toMatchObject({ state: 'sent', duplicate: true });
  });

  it('moves the one report a batch refusal names to needs attention, and sends the rest', async () => {
    const refuse = (): Answer => ({
      status: 422,
      body: { error: { code: 'unprocessable', message: 'Cannot accept.', details: [{ field: 'reports[1].kind', message: 'wrong kind' }] } },
    });
    const { store, server, sender, setOnline } = setup([refuse, stored], false);
    await sender.load();
    for (const n of [1, 2, 3]) await sender.enqueue(report(n));
    setOnline(true);
    await sender.flush();
    expect(server.seen).toEqual([[1, 2, 3].map((n) => report(n).id), [1, 3].map((n) => report(n).id)]);
    expect(store.items.get(report(2).id)).toMatchObject({ state: 'needs_attention', lastError: 'kind: wrong kind' });
    expect(store.items.get(report(1).id)?.state).toBe('sent');
    expect(store.items.get(report(3).id)?.state).toBe('sent');
  });

  it('removes a refused report only by hand, never a queued one', async () => {
    const refuse = (): Answer => ({ status: 409, body: { error: { code: 'conflict', message: 'Reused.', details: { ids: [report(1).id] } } } });
    const { store, sender, setOnline } = setup([refuse, stored], false);
    await sender.load();
    await sender.enqueue(report(1));
    setOnline(true);
    await sender.flush();
    setOnline(false);
    await sender.enqueue(report(2));
    await sender.remove(report(2).id);
    expect(store.items.get(report(2).id)?.state).toBe('queued');
    expect(store.items.get(report(1).id)?.state).toBe('needs_attention');
    await sender.remove(report(1).id);
    expect(store.items.has(report(1).id)).toBe(false);
    expect(sender.view().items.map((i) => i.report.id)).toEqual([report(2).id]);
  });
});

describe('the service worker’s Background Sync pass', () => {
  /** The queue as the page left it (reports queued, the sender in a backoff), and the worker's own view of the server. */
  async function closedPage(answers: ((ids: string[]) => Answer)[], token: string | undefined, sender: SenderState = INITIAL_SENDER) {
    const { store, storage } = memoryStorage();
    store.token = token;
    await storage.commit([1, 2].map((n) => ({ report: report(n), state: 'queued' as const, queuedAt: NOW - 60_000 + n, attempts: 1 })), sender);
    const server = scripted(answers);
    const tokens: string[] = [];
    const sync = () =>
      sendInBackground({
        storage,
        postWith: (t) => {
          tokens.push(t);
          return server.post;
        },
        now: () => NOW,
        random: () => 0.5,
        isOnline: () => true,
      });
    return { store, server, tokens, sync };
  }
  const backoff: SenderState = { failures: 3, nextAttemptAt: NOW + 60_000, notBefore: 0, lastError: 'No connection to the server.' };

  it('sends the queue with the token the page left, even in the page’s backoff, and marks it sent', async () => {
    const { store, server, tokens, sync } = await closedPage([stored], 'reporter-token', backoff);
    await expect(sync()).resolves.toBe('sent');
    expect(tokens).toEqual(['reporter-token']);
    expect(server.seen).toEqual([[report(1).id, report(2).id]]);
    expect([...store.items.values()].map((i) => i.state)).toEqual(['sent', 'sent']);
    expect(store.sender).toMatchObject({ failures: 0, lastSuccessAt: NOW });
  });

  it('throws while the server does not answer, so the browser fires the sync again, and keeps the reports queued', async () => {
    const { store, sync } = await closedPage([offline], 'reporter-token');
    await expect(sync()).rejects.toThrow(/2 report\(s\) still queued: No connection to the server/);
    expect([...store.items.values()].map((i) => i.state)).toEqual(['queued', 'queued']);
  });

  it('does not send before the server’s Retry-After, and asks to be fired again', async () => {
    const { server, sync } = await closedPage([stored], 'reporter-token', { ...backoff, notBefore: NOW + 30_000 });
    await expect(sync()).rejects.toThrow(/still queued/);
    expect(server.seen).toEqual([]);
  });

  it('keeps a refused report in "needs attention" and sends the rest, without asking again', async () => {
    const refuse = (): Answer => ({ status: 422, body: { error: { code: 'unprocessable', message: 'No.', details: [{ field: 'reports[0].observedAt', message: 'is in the future' }] } } });
    const { store, sync } = await closedPage([refuse, stored], 'reporter-token');
    await expect(sync()).resolves.toBe('sent');
    expect(store.items.get(report(1).id)).toMatchObject({ state: 'needs_attention', lastError: 'observedAt: is in the future' });
    expect(store.items.get(report(2).id)?.state).toBe('sent');
  });

  it('deletes its copy of a refused token, keeps the reports queued, and does not ask again', async () => {
    const refused = (): Answer => ({ status: 401, body: { error: { code: 'unauthorized', message: 'Unknown token.' } } });
    const { store, sync } = await closedPage([refused], 'reporter-token');
    await expect(sync()).resolves.toBe('blocked');
    expect(store.token).toBeUndefined();
    expect([...store.items.values()].map((i) => i.state)).toEqual(['queued', 'queued']);
    expect(store.sender.blocked).toBe('Unknown token.');
  });

  it('sends nothing without a token (signed out): the reports wait for the page', async () => {
    const { store, server, sync } = await closedPage([stored], undefined);
    await expect(sync()).resolves.toBe('no-token');
    expect(server.seen).toEqual([]);
    expect([...store.items.values()].map((i) => i.state)).toEqual(['queued', 'queued']);
  });
});
