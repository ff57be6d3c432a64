// The form's ties to the device: IndexedDB queue, the sender, the site list, the network and the service worker.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { z } from 'zod';
import { Site } from '../../../shared/schemas.ts';
import { apiRequest, ApiRequestError } from '../../lib/api.ts';
import { getToken } from '../../lib/session.ts';
import { createSender, httpPost, type QueueView, type Sender } from './sender.ts';
import { openQueueStorage, type QueueStorage } from './storage.ts';

export interface Device {
  storage: QueueStorage;
  sender: Sender;
}

let opening: Promise<Device> | undefined;

/** One queue and one sender per page, opened on first use. */
export function openDevice(): Promise<Device> {
  opening ??= (async () => {
    // Ask the browser not to evict the queue when the phone runs short of space; it may say no.
    void navigator.storage?.persist?.().catch(() => false);
    const storage = await openQueueStorage();
    const sender = createSender({
      storage,
      post: httpPost(getToken),
      now: () => Date.now(),
      random: () => Math.random(),
      isOnline: () => navigator.onLine,
    });
    await sender.load();
    return { storage, sender };
  })();
  return opening;
}

export function useQueueView(sender: Sender): QueueView {
  return useSyncExternalStore(sender.subscribe, sender.view);
}

export function useOnline(): boolean {
  return useSyncExternalStore(
    (notify) => {
      window.addEventListener('online', notify);
      window.addEventListener('offline', notify);
      return () => {
        window.removeEventListener('online', notify);
        window.removeEventListener('offline', notify);
      };
    },
    () => navigator.onLine,
  );
}

export type SitesState =
  | { status: 'loading' }
  | { status: 'ready'; sites: Site[]; fromDevice: boolean; refused?: string }
  | { status: 'missing'; refused?: string };

/** The token's sites: those saved on the device at once, then the server's when it answers. */
export function useSites(storage: QueueStorage): SitesState {
  const [state, setState] = useState<SitesState>({ status: 'loading' });
  useEffect(() => {
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
  }, [storage]);
  return state;
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
