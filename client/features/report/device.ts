// The form's ties to the device: IndexedDB queue, the sender, the site list, the network and the service worker.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { z } from 'zod';
import { Report, Site } from '../../../shared/schemas.ts';
import { apiRequest, ApiRequestError } from '../../lib/api.ts';
import { getToken, TOKEN_KEY } from '../../lib/session.ts';
import { createConnectionMonitor, healthProbe, type Connection, type ConnectionMonitor } from './connection.ts';
import { QUEUE_CHANNEL, SYNC_TAG } from './flush.ts';
import { createSender, httpPost, type QueueView, type Sender } from './sender.ts';
import { openQueueStorage, type QueueStorage } from './storage.ts';

export interface Device {
  storage: QueueStorage;
  sender: Sender;
  connection: ConnectionMonitor;
}

let opening: Promise<Device> | undefined;

/** One queue and one sender per page, opened on first use. */
export function openDevice(): Promise<Device> {
  opening ??= (async () => {
    // Ask the browser not to evict the queue when the phone runs short of space; it may say no.
    void navigator.storage?.persist?.().catch(() => false);
    const storage = await openQueueStorage();
    const post = httpPost(getToken);
    // The sender and the monitor know of each other through closures: a send with no answer marks
    // the server unreachable, and the server answering again sends the queue at once.
    const connection: ConnectionMonitor = createConnectionMonitor({
      probe: healthProbe(),
      networkUp: () => navigator.onLine,
      random: () => Math.random(),
      onReachable: () => void sender.wake(),
    });
    const sender = createSender({
      storage,
      post: async (reports) => {
        const answer = await post(reports);
        if ('networkError' in answer) connection.noAnswer();
        return answer;
      },
      now: () => Date.now(),
      random: () => Math.random(),
      // While the server does not answer, the health probe, not the POST, is what tries again.
      isOnline: () => navigator.onLine && connection.state() !== 'unreachable',
    });
    await sender.load();
    // The worker's copy of the token: kept as the page's is, gone when the page has none (signed out).
    await storage.saveToken(getToken()).catch(() => undefined);
    keepWorkerInformed(sender, connection, storage);
    return { storage, sender, connection };
  })();
  return opening;
}

/** Background Sync: the worker can send the queue after the page is closed (Chromium; not Firefox or Safari). */
export function backgroundSyncSupported(): boolean {
  return typeof ServiceWorkerRegistration !== 'undefined' && 'sync' in ServiceWorkerRegistration.prototype && 'serviceWorker' in navigator;
}

/** The part of the Background Sync API used here; TypeScript's DOM library does not describe it. */
type SyncRegistration = ServiceWorkerRegistration & { sync: { register(tag: string): Promise<void> } };

/** Asks the browser to wake the worker with `SYNC_TAG` once it has a network; registering again is harmless. */
async function requestBackgroundSync(): Promise<void> {
  if (!backgroundSyncSupported()) return;
  const registration = (await navigator.serviceWorker.ready) as SyncRegistration;
  await registration.sync.register(SYNC_TAG);
}

/**
 * Ties the page to the worker: a sync is registered whenever reports wait while the phone is offline
 * or the server unreachable, the worker's copy of the token follows the page's, and the list is
 * read again when the worker says it sent something (or the page comes back into view).
 */
function keepWorkerInformed(sender: Sender, connection: ConnectionMonitor, storage: QueueStorage): void {
  let asked = '';
  const maybeRegister = () => {
    const queued = sender.view().items.filter((i) => i.state === 'queued').length;
    const state = connection.state();
    const key = queued > 0 && state !== 'online' ? `${queued}|${state}` : '';
    if (key === asked) return;
    asked = key;
    if (key) requestBackgroundSync().catch(() => (asked = ''));
  };
  sender.subscribe(maybeRegister);
  connection.subscribe(maybeRegister);
  // The lead leaves with reports still waiting (a send may be in flight): the worker is the one left to send them.
  window.addEventListener('pagehide', () => {
    if (sender.view().items.some((i) => i.state === 'queued')) requestBackgroundSync().catch(() => undefined);
  });
  // A flush, not a bare read: it reads under the send lock, so it never shows a state older than the worker's.
  if (typeof BroadcastChannel !== 'undefined') new BroadcastChannel(QUEUE_CHANNEL).onmessage = () => void sender.flush();
  window.addEventListener('focus', () => void sender.flush());
  // Another tab adopted a new link, or the token was forgotten: the worker's copy follows.
  window.addEventListener('storage', (event) => {
    if (event.key === null || event.key === TOKEN_KEY) void storage.saveToken(getToken()).catch(() => undefined);
  });
}

/** Starts the monitor's checks and ties them to the network and page events; returns the stop. */
export function watchConnection(connection: ConnectionMonitor): () => void {
  const check = () => void connection.check();
  const onVisible = () => {
    if (document.visibilityState === 'visible') check();
  };
  window.addEventListener('online', check);
  window.addEventListener('offline', check);
  document.addEventListener('visibilitychange', onVisible);
  check();
  return () => {
    window.removeEventListener('online', check);
    window.removeEventListener('offline', check);
    document.removeEventListener('visibilitychange', onVisible);
  };
}

export function useConnection(connection: ConnectionMonitor): Connection {
  return useSyncExternalStore(connection.subscribe, connection.state);
}

export function useQueueView(sender: Sender): QueueView {
  return useSyncExternalStore(sender.subscribe, sender.view);
}

export type SitesState =
  | { status: 'loading' }
  | { status: 'ready'; sites: Site[]; fromDevice: boolean; refused?: string }
  | { status: 'missing'; refused?: string };

/**
 * The token's sites: those saved on the device at once, then the server's when it answers. Asked
 * again each time the server is reachable again, so "no connection" does not outlive the outage.
 */
export function useSites(storage: QueueStorage, connection: Connection): SitesState {
  const [state, setState] = useState<SitesState>({ status: 'loading' });
  const reachable = connection === 'online' || connection === 'checking';
  useEffect(() => {
    if (!reachable) return;
    let live = true;
    void (async () => {
      const cached = await storage.loadSites();
      if (live && cached) setState({ status: 'ready', sites: cached.sites, fromDevice: true });
      try {
        const sites = await apiRequest('/api/sites', z.array(Site));
        await storage.saveSites({ fetchedAt: Date.now(), sites });
        if (live) setState({ status: 'ready', sites, fromDevice: false });
      } catch (err) {
        const refused = err instanceof ApiRequestError && err.status < 500 ? err.message : undefined;
        if (!live) return;
        setState(cached ? { status: 'ready', sites: cached.sites, fromDevice: true, refused } : { status: 'missing', refused });
      }
    })();
    return () => {
      live = false;
    };
  }, [storage, reachable]);
  // Offline from the start: the saved list, without waiting for a request that cannot answer.
  useEffect(() => {
    if (reachable) return;
    let live = true;
    void storage.loadSites().then((cached) => {
      if (!live) return;
      setState((s) => (s.status === 'loading' ? (cached ? { status: 'ready', sites: cached.sites, fromDevice: true } : { status: 'missing' }) : s.status === 'ready' ? { ...s, fromDevice: true } : s));
    });
    return () => {
      live = false;
    };
  }, [storage, reachable]);
  return state;
}

const RecentReports = z.array(Report);

/**
 * What the server holds for each of the token's sites in the last 24 h (other phones', SMS): the
 * overlap question and each site's "last report" include them. Asked while the server answers and
 * after every send (a reporter has a few sites); no answer leaves the last lists known, and the
 * phone's own history still guards.
 */
export function useServerRecent(siteIds: readonly string[], connection: Connection, lastSuccessAt: number | undefined): ReadonlyMap<string, readonly Report[]> {
  const [recent, setRecent] = useState<ReadonlyMap<string, readonly Report[]>>(new Map());
  const reachable = connection === 'online' || connection === 'checking';
  const key = siteIds.join('\n');
  useEffect(() => {
    if (!key || !reachable) return;
    const abort = new AbortController();
    for (const siteId of key.split('\n')) {
      apiRequest(`/api/sites/${encodeURIComponent(siteId)}/reports`, RecentReports, { signal: abort.signal }).then(
        (reports) => setRecent((m) => new Map(m).set(siteId, reports)),
        () => undefined,
      );
    }
    return () => abort.abort();
  }, [key, reachable, lastSuccessAt]);
  return recent;
}

/**
 * Registers the service worker for /report only: it precaches this screen, so the form opens with
 * no network, and leaves the dashboards to the network. Browsers allow it on HTTPS and localhost.
 */
export function registerReportServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js', { scope: '/report' }).catch(() => {
    // No service worker (development server, plain HTTP): the form still works while the page stays open.
  });
}
