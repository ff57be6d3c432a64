// The queue on the device: IndexedDB, so reports survive a reload, a closed tab and a flat battery.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { z } from 'zod';
import { Site } from '../../../shared/schemas.ts';
import { INITIAL_SENDER, QueueItem, SenderState } from './queue.ts';

export const DB_NAME = 'amina-report';

/** The site list as last fetched, so the form opens with no network. */
export const CachedSites = z.object({ fetchedAt: z.number(), sites: z.array(Site) });
export type CachedSites = z.infer<typeof CachedSites>;

export interface LoadedItems {
  items: QueueItem[];
  /** records this version cannot read (kept, never deleted, and shown to the lead) */
  unreadable: number;
}

/** What the sender needs from storage; the browser test drives the IndexedDB one, unit tests an in-memory one. */
export interface QueueStorage {
  loadItems(): Promise<LoadedItems>;
  loadSender(): Promise<SenderState>;
  /** writes items and the sender state in one transaction: both or neither */
  commit(items: readonly QueueItem[], sender?: SenderState): Promise<void>;
  deleteItems(ids: readonly string[]): Promise<void>;
  loadSites(): Promise<CachedSites | undefined>;
  saveSites(sites: CachedSites): Promise<void>;
  /** the reporter token as the service worker reads it for Background Sync; undefined when none */
  loadToken(): Promise<string | undefined>;
  /** null deletes it: signed out, or refused by the server */
  saveToken(token: string | null): Promise<void>;
}

interface ReportDb extends DBSchema {
  items: { key: string; value: unknown };
  meta: { key: string; value: unknown };
}

export async function openQueueStorage(name = DB_NAME): Promise<QueueStorage> {
  const db: IDBPDatabase<ReportDb> = await openDB<ReportDb>(name, 1, {
    upgrade(database) {
      database.createObjectStore('items');
      database.createObjectStore('meta');
    },
  });
  return {
    async loadItems() {
      const raw = await db.getAll('items');
      const items: QueueItem[] = [];
      let unreadable = 0;
      for (const value of raw) {
        const parsed = QueueItem.safeParse(value);
        if (parsed.success) items.push(parsed.data);
        else unreadable++;
      }
      return { items, unreadable };
    },
    async loadSender() {
      const parsed = SenderState.safeParse(await db.get('meta', 'sender'));
      return parsed.success ? parsed.data : INITIAL_SENDER;
    },
    async commit(items, sender) {
      const tx = db.transaction(['items', 'meta'], 'readwrite');
      const writes: Promise<unknown>[] = items.map((item) => tx.objectStore('items').put(item, item.report.id));
      if (sender) writes.push(tx.objectStore('meta').put(sender, 'sender'));
      await Promise.all([...writes, tx.done]);
    },
    async deleteItems(ids) {
      const tx = db.transaction('items', 'readwrite');
      await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
    },
    async loadSites() {
      const parsed = CachedSites.safeParse(await db.get('meta', 'sites'));
      return parsed.success ? parsed.data : undefined;
    },
    async saveSites(sites) {
      await db.put('meta', sites, 'sites');
    },
    // The page keeps the token in localStorage, which a service worker cannot read; this copy is
    // the worker's, on the same origin, and never leaves it except as the Authorization header.
    async loadToken() {
      const token = await db.get('meta', 'token');
      return typeof token === 'string' && token ? token : undefined;
    },
    async saveToken(token) {
      if (token) await db.put('meta', token, 'token');
      else await db.delete('meta', 'token');
    },
  };
}
