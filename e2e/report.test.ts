// The field form end to end: the built client in Chromium, its service worker, IndexedDB, and the real server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../server/storage/sqlite/sqliteStore.ts';
import type { Store } from '../server/storage/store.ts';
import { ADMIN_TOKEN, startServer, tempDataDir, type Answer, type Running } from '../server/testing/harness.ts';
import { watchedPage, type WatchedPage } from './support/browser.ts';
import { browserPerFile } from './support/fileBrowser.ts';

const SHOTS = '/tmp/amina-shots';
const SITES = ['ibrahim-khalil', 'domiz-1', 'domiz-1-clinic'];

const files = browserPerFile(SHOTS);
const { cleanups } = files;

interface Setup {
  server: Running;
  store: Store;
  token: string;
  /** every request that reached the server, as "METHOD /path" */
  served: string[];
}

async function serve(): Promise<Setup> {
  const dataDir = tempDataDir();
  const store = openSqliteStore(dataDir);
  const server = await startServer({ dataDir, store });
  cleanups.push(() => server.stop());
  const served: string[] = [];
  server.app.httpServer.on('request', (req: http.IncomingMessage) => served.push(`${req.method} ${req.url}`));
  const token = await server.tokenFor('reporter', SITES);
  return { server, store, token, served };
}

async function openForm(baseUrl: string, token: string, options: { width?: number; lang?: string } = {}): Promise<WatchedPage & { context: BrowserContext }> {
  const context = await files.browser.newContext({ viewport: { width: options.width ?? 390, height: 800 } });
  cleanups.push(() => context.close());
  const watched = await watchedPage(context, baseUrl);
  await watched.page.goto(`${baseUrl}/report${options.lang ? `?lang=${options.lang}` : ''}#token=${token}`);
  // The first visit installs the worker; clientsClaim makes it control this page without a reload.
  await watched.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
  await watched.page.getByTestId('site-ibrahim-khalil').waitFor();
  return { ...watched, context };
}

async function count(page: Page, state: 'queued' | 'sent' | 'needs_attention'): Promise<number> {
  return page.locator(`.report-item[data-state="${state}"]`).count();
}

async function sendArrivals(page: Page, arrivals: number): Promise<void> {
  const before = await page.locator('.report-item').count();
  await page.getByTestId('site-ibrahim-khalil').click();
  await page.locator('input[name="arrivals"]').fill(String(arrivals));
  await page.getByRole('button', { name: 'Send report' }).click();
  // Several counts of the same hour are meant here: the overlap question is answered yes.
  await page.waitForFunction((n) => document.querySelector('[data-testid="warning-overlap"]') || document.querySelectorAll('.report-item').length === n, before + 1);
  if (await page.getByTestId('warning-overlap').count()) await page.getByRole('button', { name: 'Yes, send' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('.report-item').length === n, before + 1);
}

async function snapshotSite(server: Running, siteId: string) {
  const snapshot = await server.request('GET', '/api/snapshot', ADMIN_TOKEN);
  return snapshot.body.sites.find((s: { id: string }) => s.id === siteId);
}

describe('the field form', () => {
  it('keeps three reports made offline through a reload, and the server stores exactly three', { timeout: 90_000 }, async () => {
    const { server, store, token, served } = await serve();
    const { page, context, errors, outsideRequests } = await openForm(server.url, token);

    await context.setOffline(true);
    await page.waitForFunction(() => !navigator.onLine);
    for (const arrivals of [100, 20, 3]) await sendArrivals(page, arrivals);
    expect(await count(page, 'queued')).toBe(3);
    expect(await page.getByTestId('network').textContent()).toMatch(/Offline/);

    const servedBeforeReload = served.length;
    const navigation = await page.reload();
    expect(navigation?.fromServiceWorker()).toBe(true);
    await page.getByTestId('site-ibrahim-khalil').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.report-item[data-state="queued"]').length === 3);
    expect(await page.getByTestId('count-queued').textContent()).toBe('3');
    // The page, its scripts, styles and site list all came from the phone: nothing reached the server.
    expect(served.slice(servedBeforeReload)).toEqual([]);
    expect(await store.reports.count('ibrahim-khalil')).toBe(0);

    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelectorAll('.report-item[data-state="sent"]').length === 3, undefined, { timeout: 30_000 });
    expect(await count(page, 'queued')).toBe(0);
    expect(await page.getByTestId('last-success').textContent()).toMatch(/Last successful send/);

    expect(await store.reports.count('ibrahim-khalil')).toBe(3);
    expect(await snapshotSite(server, 'ibrahim-khalil')).toMatchObject({ arrivals24h: 123 });
    // The worker cached no API answer: only its precache exists, and it holds no /api address.
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      return urls;
    });
    expect(cached.some((u) => u.startsWith('/api'))).toBe(false);
    expect(cached.some((u) => u.includes('maplibre'))).toBe(false);
    // The worker is scoped to the form: the dashboards stay on the network.
    const scopes = await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).map((r) => new URL(r.scope).pathname));
    expect(scopes).toEqual(['/report']);
    expect(outsideRequests).toEqual([]);
    expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e))).toEqual([]);
  });

  it('counts a batch once when its answer is lost after the server stored it', { timeout: 90_000 }, async () => {
    const { server, store, token } = await serve();
    const proxy = await answerLosingProxy(server.url);
    cleanups.push(() => proxy.close());
    const { page, errors, outsideRequests } = await openForm(proxy.url, token);

    await sendArrivals(page, 1200);
    await page.waitForFunction(() => document.querySelectorAll('.report-item[data-state="sent"]').length === 1, undefined, { timeout: 30_000 });

    expect(proxy.dropped).toHaveLength(1);
    expect(proxy.dropped[0]!.status).toBe(201);
    const id = proxy.dropped[0]!.body.accepted[0];
    expect(proxy.answers).toContainEqual({ status: 201, body: { accepted: [], duplicate: [id] } });
    expect(await page.locator('.report-item[data-state="sent"]').textContent()).toMatch(/the server already had it/);
    expect(await store.reports.count('ibrahim-khalil')).toBe(1);
    expect(await snapshotSite(server, 'ibrahim-khalil')).toMatchObject({ arrivals24h: 1200 });

    // A tenfold count asks for a second look; correcting it sends nothing.
    await page.locator('input[name="arrivals"]').fill('12000');
    await page.getByRole('button', { name: 'Send report' }).click();
    const confirm = page.getByTestId('confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toMatch(/12,000 arrivals typed; recent reports from this phone say about 1,200/);
    await page.getByRole('button', { name: 'No, correct it' }).click();
    expect(await page.locator('.report-item').count()).toBe(1);

    // Reporting a health post closed needs a confirmation too; then it goes out.
    await page.getByTestId('site-domiz-1-clinic').click();
    await page.getByText('Closed', { exact: true }).click();
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.getByTestId('confirm').waitFor();
    expect(await page.getByTestId('confirm').textContent()).toMatch(/CLOSED/);
    await page.getByRole('button', { name: 'Yes, send' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.report-item[data-state="sent"]').length === 2, undefined, { timeout: 30_000 });
    expect(await snapshotSite(server, 'domiz-1-clinic')).toMatchObject({ status: 'closed' });

    expect(outsideRequests).toEqual([]);
    expect(errors.filter((e) => !/ERR_CONNECTION|ERR_EMPTY_RESPONSE|Failed to load resource/.test(e))).toEqual([]);
  });

  it('shows a refused report under "needs attention" with the server’s message, and sends the rest', { timeout: 90_000 }, async () => {
    const { server, store, token } = await serve();
    const { page, context } = await openForm(server.url, token);
    await context.setOffline(true);
    await page.waitForFunction(() => !navigator.onLine);
    // A phone whose clock runs two hours fast stamps a report the server must refuse (422, in the future).
    await page.clock.setFixedTime(new Date(Date.now() + 2 * 3_600_000));
    await sendArrivals(page, 10);
    await page.clock.setFixedTime(new Date());
    await sendArrivals(page, 11);
    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelectorAll('.report-item[data-state="needs_attention"]').length === 1, undefined, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelectorAll('.report-item[data-state="sent"]').length === 1, undefined, { timeout: 30_000 });
    const refused = page.locator('.report-item[data-state="needs_attention"]');
    expect(await refused.textContent()).toMatch(/observedAt: is more than 5 minutes in the future/);
    expect(await refused.textContent()).toMatch(/10 arrivals/);
    expect(await store.reports.count('ibrahim-khalil')).toBe(1);
    expect(await snapshotSite(server, 'ibrahim-khalil')).toMatchObject({ arrivals24h: 11 });
    await page.screenshot({ path: `${SHOTS}/report-needs-attention.png`, fullPage: true });

    // Removing it takes the lead's confirmation; only then is it gone.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await refused.getByRole('button', { name: 'Remove' }).click();
    expect(await count(page, 'needs_attention')).toBe(1);
    page.once('dialog', (dialog) => void dialog.accept());
    await refused.getByRole('button', { name: 'Remove' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.report-item[data-state="needs_attention"]').length === 0);
  });

  it('fits a 360 px phone in Arabic, right to left, with the sites named in Arabic', { timeout: 90_000 }, async () => {
    const { server, token } = await serve();
    const { page, errors, outsideRequests } = await openForm(server.url, token, { width: 360, lang: 'ar' });
    expect(await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual(['rtl', 'ar']);
    expect(await page.getByTestId('site-ibrahim-khalil').textContent()).toContain('إبراهيم الخليل');
    await page.getByTestId('site-ibrahim-khalil').click();
    await page.locator('input[name="arrivals"]').fill('٣٤٠');
    expect(await page.locator('input[name="arrivals"]').getAttribute('inputmode')).toBe('numeric');
    await page.getByRole('button', { name: 'إرسال التقرير' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.report-item[data-state="sent"]').length === 1, undefined, { timeout: 30_000 });
    expect(await snapshotSite(server, 'ibrahim-khalil')).toMatchObject({ arrivals24h: 340 });

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    // Every control a thumb must hit is at least 44 px tall.
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('.report button, .report input[type="text"], .report-site, .report-choice, .report select')]
        .map((el) => ({ el: el.className || el.tagName, h: el.getBoundingClientRect().height }))
        .filter((c) => c.h < 44),
    );
    expect(small).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/report-ar-360.png`, fullPage: true });

    // Ten times the last count asks, in Arabic, before anything is stored.
    await page.locator('input[name="arrivals"]').fill('3400');
    await page.getByRole('button', { name: 'إرسال التقرير' }).click();
    await page.getByTestId('confirm').waitFor();
    expect(await page.getByTestId('confirm').textContent()).toContain('٣٬٤٠٠');
    await page.getByTestId('confirm').screenshot({ path: `${SHOTS}/report-ar-confirm.png` });
    await page.getByRole('button', { name: 'لا، سأصحّح' }).click();
    expect(await page.locator('.report-item').count()).toBe(1);

    // Kurdish (Sorani): right to left too, with the Kurdish site names.
    // (the page turns once the Kurdish words have loaded)
    await page.getByTestId('language').selectOption('ckb');
    await page.waitForFunction(() => document.documentElement.lang === 'ckb', undefined, { timeout: 10_000 });
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await page.getByTestId('site-ibrahim-khalil').filter({ hasText: 'ئیبراهیم خەلیل' }).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await page.screenshot({ path: `${SHOTS}/report-ckb-360.png`, fullPage: true });
    expect(outsideRequests).toEqual([]);
    expect(errors).toEqual([]);
  });
});

interface LosingProxy {
  url: string;
  /** answers the server gave that the proxy threw away */
  dropped: { status: number; body: Answer }[];
  /** answers passed on to the browser, for POST /api/reports */
  answers: { status: number; body: Answer }[];
  close(): Promise<void>;
}

/**
 * A proxy in front of the server that lets the first POST /api/reports reach it, waits for the
 * server's full answer (so the batch is committed), then cuts the browser's connection instead of
 * passing the answer on: the lost acknowledgement of a weak network.
 */
async function answerLosingProxy(target: string): Promise<LosingProxy> {
  const dropped: LosingProxy['dropped'] = [];
  const answers: LosingProxy['answers'] = [];
  const proxy = http.createServer((req, res) => {
    const isReportPost = req.method === 'POST' && req.url === '/api/reports';
    const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (isReportPost) {
          const record = { status: answer.statusCode ?? 0, body: text ? JSON.parse(text) : undefined };
          if (dropped.length === 0) {
            dropped.push(record);
            req.socket.destroy();
            return;
          }
          answers.push(record);
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(Buffer.concat(chunks));
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dropped,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}
