// Background Sync in Chromium against the real built client and server: a report queued while the
// server cannot be reached goes out from the service worker after the form is closed, and the page
// and the worker sending at the same moment still send it once. The worker's `sync` event is fired
// through DevTools (ServiceWorker.dispatchSyncEvent), as the browser fires it when the network returns.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../server/storage/sqlite/sqliteStore.ts';
import type { Store } from '../server/storage/store.ts';
import { ADMIN_TOKEN, startServer, tempDataDir, type Running } from '../server/testing/harness.ts';
import { watchedPage, type WatchedPage } from './support/browser.ts';
import { browserPerFile } from './support/fileBrowser.ts';

const SHOTS = process.env.FORM_SHOTS ?? '/tmp/amina-shots';
const SITES = ['ibrahim-khalil', 'domiz-1', 'domiz-1-clinic'];
const SYNC_TAG = 'amina-report-queue';

const files = browserPerFile(SHOTS);
const { cleanups } = files;

/** A server that can be stopped and started again on its port, counting the report POSTs that reach it. */
async function serve() {
  const dataDir = tempDataDir();
  const posts: string[] = [];
  const watch = (running: Running) =>
    running.app.httpServer.on('request', (req: http.IncomingMessage & { originalUrl?: string }) => {
      // Express has rewritten req.url for its mounted router by the time this listener runs.
      if (req.method === 'POST' && (req.originalUrl ?? req.url) === '/api/reports') posts.push(req.method);
    });
  let store: Store = openSqliteStore(dataDir);
  let server = await startServer({ dataDir, store });
  watch(server);
  let up = true;
  cleanups.push(() => (up ? server.stop() : undefined));
  const { port } = server.app.httpServer.address() as AddressInfo;
  const url = server.url;
  const token = await server.tokenFor('reporter', SITES);
  return {
    url,
    token,
    posts,
    store: () => store,
    server: () => server,
    async stop() {
      up = false;
      await server.stop();
    },
    async start() {
      store = openSqliteStore(dataDir);
      server = await startServer({ dataDir, store, port });
      watch(server);
      up = true;
    },
  };
}

async function openForm(context: BrowserContext, baseUrl: string, token: string, lang?: string): Promise<WatchedPage> {
  const watched = await watchedPage(context, baseUrl);
  await watched.page.goto(`${baseUrl}/report${lang ? `?lang=${lang}` : ''}#token=${token}`);
  await watched.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
  await watched.page.getByTestId('site-ibrahim-khalil').waitFor();
  await watched.page.waitForFunction(() => document.querySelector('[data-testid="network"]')?.getAttribute('data-state') === 'online');
  return watched;
}

async function queueArrivals(page: Page, arrivals: number): Promise<void> {
  await page.getByTestId('site-ibrahim-khalil').click();
  await page.locator('input[name="arrivals"]').fill(String(arrivals));
  await page.getByTestId('send').click();
  await page.waitForFunction(() => document.querySelectorAll('.report-item[data-state="queued"]').length === 1);
}

/** The tags the page registered with the browser, read through the worker's registration. */
function syncTags(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const registration = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & { sync: { getTags(): Promise<string[]> } };
    return registration.sync.getTags();
  });
}

/** The token the worker would send with, as the page left it in IndexedDB. */
function workerToken(page: Page): Promise<unknown> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('amina-report');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('meta').objectStore('meta').get('token');
          get.onsuccess = () => resolve(get.result);
          get.onerror = () => reject(get.error);
        };
      }),
  );
}

/**
 * DevTools' ServiceWorker domain on a blank page of the same browser context (no form open): it
 * names the worker's registration and fires its `sync` event as the browser would.
 */
async function syncTrigger(context: BrowserContext, origin: string): Promise<{ fire(): Promise<void>; session: CDPSession }> {
  const blank = await context.newPage();
  const session = await context.newCDPSession(blank);
  let registrationId: string | undefined;
  session.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
    for (const r of registrations) if (!r.isDeleted && r.scopeURL === `${origin}/report`) registrationId = r.registrationId;
  });
  await session.send('ServiceWorker.enable');
  const waitUntil = Date.now() + 10_000;
  while (!registrationId && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 100));
  if (!registrationId) throw new Error('no service worker registration for /report');
  const id = registrationId;
  return { session, fire: () => session.send('ServiceWorker.dispatchSyncEvent', { origin, registrationId: id, tag: SYNC_TAG, lastChance: false }).then(() => undefined) };
}

async function until(check: () => Promise<boolean> | boolean, timeout = 15_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Background Sync', () => {
  it('sends a report queued while the server was down after the form is closed, and the server stores it once', { timeout: 120_000 }, async () => {
    const running = await serve();
    const context = await files.browser.newContext({ viewport: { width: 390, height: 844 } });
    cleanups.push(() => context.close());
    const { page, errors, outsideRequests } = await openForm(context, running.url, running.token);

    await running.stop();
    await queueArrivals(page, 140);
    await page.waitForFunction(() => document.querySelector('[data-testid="network"]')?.getAttribute('data-state') === 'unreachable', undefined, { timeout: 30_000 });
    // Chromium has Background Sync: the form says the page may be closed, and has asked for a sync.
    expect(await page.getByTestId('sent-in-background').textContent()).toMatch(/You can close this page/);
    expect(await page.getByTestId('keep-open').count()).toBe(0);
    await until(async () => (await syncTags(page)).includes(SYNC_TAG));
    // The worker's copy of the token is in the form's IndexedDB, not in any address.
    expect(await workerToken(page)).toBe(running.token);
    expect(page.url()).not.toContain(running.token);
    await page.screenshot({ path: `${SHOTS}/report-background-sync-en.png` });
    await page.close();

    const trigger = await syncTrigger(context, running.url);
    expect(context.pages().filter((p) => p.url().includes('/report'))).toEqual([]);
    await running.start();
    // The browser's sync, with no form open: the worker reads the queue and the token and sends.
    await trigger.fire();
    await until(async () => (await running.store().reports.count('ibrahim-khalil')) === 1);
    // A second sync finds nothing queued and sends nothing.
    await trigger.fire();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await running.store().reports.count('ibrahim-khalil')).toBe(1);
    // No page was open: the one POST was the worker's.
    expect(running.posts).toHaveLength(1);
    const stored = await running.server().request('GET', '/api/sites/ibrahim-khalil/reports', ADMIN_TOKEN);
    expect(stored.body.map((r: { arrivals?: number }) => r.arrivals)).toEqual([140]);

    // The form, opened again, shows it sent and asks for no sync.
    const again = await openForm(context, running.url, running.token);
    await again.page.waitForFunction(() => document.querySelectorAll('.report-item[data-state="sent"]').length === 1);
    expect(await again.page.locator('.report-item[data-state="queued"]').count()).toBe(0);
    // Signed out (the device forgets its token): the worker's copy goes too.
    await again.page.evaluate(() => localStorage.removeItem('amina.token'));
    await again.page.reload();
    await again.page.getByRole('alert').waitFor();
    await until(async () => (await workerToken(again.page)) === undefined);
    expect(outsideRequests).toEqual([]);
    expect(errors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
  });

  it('sends once when the open page and the worker send at the same moment, and the page shows it sent', { timeout: 120_000 }, async () => {
    const running = await serve();
    const context = await files.browser.newContext({ viewport: { width: 390, height: 844 } });
    cleanups.push(() => context.close());
    const { page } = await openForm(context, running.url, running.token);
    const trigger = await syncTrigger(context, running.url);

    await running.stop();
    await queueArrivals(page, 75);
    await page.waitForFunction(() => document.querySelector('[data-testid="network"]')?.getAttribute('data-state') === 'unreachable', undefined, { timeout: 30_000 });
    await running.start();
    // The page's own retry (its health probe sees the server) and the worker's sync, together.
    await Promise.all([page.evaluate(() => window.dispatchEvent(new Event('online'))), trigger.fire(), trigger.fire()]);
    await page.waitForFunction(() => document.querySelectorAll('.report-item[data-state="sent"]').length === 1, undefined, { timeout: 15_000 });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await running.store().reports.count('ibrahim-khalil')).toBe(1);
    // The lock: whoever came second read the report as sent and did not POST it again.
    expect(running.posts).toHaveLength(1);
    expect(await page.locator('.report-item[data-state="queued"]').count()).toBe(0);
  });

  it('says in Arabic that the page may be closed, and the open page shows what the worker sent', { timeout: 120_000 }, async () => {
    const running = await serve();
    const context = await files.browser.newContext({ viewport: { width: 390, height: 844 } });
    cleanups.push(() => context.close());
    const { page } = await openForm(context, running.url, running.token, 'ar');
    const pagePosts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/reports') && pagePosts.push(r.url()));
    await running.stop();
    await queueArrivals(page, 60);
    await page.waitForFunction(() => document.querySelector('[data-testid="network"]')?.getAttribute('data-state') === 'unreachable', undefined, { timeout: 30_000 });
    expect(await page.getByTestId('sent-in-background').textContent()).toMatch(/يمكنك إغلاق هذه الصفحة/);
    await page.screenshot({ path: `${SHOTS}/report-background-sync-ar.png` });
    const trigger = await syncTrigger(context, running.url);
    const pagePostsWhileDown = pagePosts.length;
    await running.start();
    await trigger.fire();
    // Sent by the worker alone; the page reads the queue again (its message, or the next look at storage) and lists it sent.
    await page.waitForFunction(() => document.querySelectorAll('.report-item[data-state="sent"]').length === 1, undefined, { timeout: 15_000 });
    await new Promise((r) => setTimeout(r, 1_000));
    // The page posted nothing since the server came back: the one POST the server saw was the worker's.
    expect(running.posts).toHaveLength(1);
    expect(pagePosts.length).toBe(pagePostsWhileDown);
    expect(await running.store().reports.count('ibrahim-khalil')).toBe(1);
  });

  it('tells the lead to keep the page open where the browser has no Background Sync (Firefox, Safari)', { timeout: 120_000 }, async () => {
    const running = await serve();
    const context = await files.browser.newContext({ viewport: { width: 390, height: 844 } });
    cleanups.push(() => context.close());
    // Chromium without the API, as Firefox and Safari are: the attribute is configurable, as WebIDL makes it.
    await context.addInitScript(() => {
      delete (ServiceWorkerRegistration.prototype as { sync?: unknown }).sync;
    });
    const { page } = await openForm(context, running.url, running.token);
    await running.stop();
    await queueArrivals(page, 30);
    await page.waitForFunction(() => document.querySelector('[data-testid="network"]')?.getAttribute('data-state') === 'unreachable', undefined, { timeout: 30_000 });
    expect(await page.getByTestId('keep-open').textContent()).toMatch(/^Keep this page open until they are sent/);
    expect(await page.getByTestId('sent-in-background').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/report-keep-open-en.png` });
  });
});
