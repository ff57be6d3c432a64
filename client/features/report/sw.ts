// The service worker for /report (built into /sw.js by vite-plugin-pwa, injectManifest): it keeps the
// form's shell on the phone, so /report opens with no network, and sends the queue by Background
// Sync once the page is closed. No runtime routes: API requests always go to the network and nothing
// the API says is cached. Lean on purpose: no React, no words (i18n), only the queue's own modules.
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { httpPost, QUEUE_CHANNEL, sendInBackground, SYNC_TAG } from './flush.ts';
import { openQueueStorage } from './storage.ts';

/** The parts of ServiceWorkerGlobalScope used here (the project's TypeScript has the DOM's lib, not the worker's). */
interface SyncEvent extends Event {
  readonly tag: string;
  readonly lastChance: boolean;
  waitUntil(work: Promise<unknown>): void;
}
declare const self: {
  __WB_MANIFEST: (string | PrecacheEntry)[];
  skipWaiting(): Promise<void>;
  addEventListener(type: 'sync', listener: (event: SyncEvent) => void): void;
};

// A new worker takes over at once: the shell it caches is the one the server now serves.
void self.skipWaiting();
clientsClaim();
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { allowlist: [/^\/report\/?(?:[?#]|$)/] }));

self.addEventListener('sync', (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(
    (async () => {
      const storage = await openQueueStorage();
      try {
        await sendInBackground({ storage, postWith: (token) => httpPost(() => token), now: () => Date.now(), random: () => Math.random(), isOnline: () => navigator.onLine });
      } finally {
        // An open page (another tab, or the form reopened meanwhile) re-reads the queue.
        if (typeof BroadcastChannel !== 'undefined') {
          const channel = new BroadcastChannel(QUEUE_CHANNEL);
          channel.postMessage('changed');
          channel.close();
        }
      }
    })(),
  );
});
