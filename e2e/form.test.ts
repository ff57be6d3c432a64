// The field form as a tired lead uses it, in Chromium against the real built client and server, on
// 390×844 and 360×740 phones: the overlap question, an honest connection state through a real server
// restart, the remembered site, Send in view, the destinations step, and axe in three languages and
// three looks. FORM_SHOTS=docs/screenshots writes the documentation's pictures there.
import AxeBuilder from '@axe-core/playwright';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../server/storage/sqlite/sqliteStore.ts';
import type { Store } from '../server/storage/store.ts';
import { ADMIN_TOKEN, startServer, tempDataDir, type Running } from '../server/testing/harness.ts';
import { watchedPage, type WatchedPage } from './support/browser.ts';
import { browserPerFile } from './support/fileBrowser.ts';

const SHOTS = process.env.FORM_SHOTS ?? '/tmp/amina-shots';
const SITES = ['ibrahim-khalil', 'domiz-1', 'domiz-1-clinic'];
const PHONES = [
  { width: 390, height: 844 },
  { width: 360, height: 740 },
] as const;

const files = browserPerFile(SHOTS);
const { cleanups } = files;

interface Setup {
  server: Running;
  store: Store;
  dataDir: string;
  token: string;
}

async function serve(): Promise<Setup> {
  const dataDir = tempDataDir();
  const store = openSqliteStore(dataDir);
  const server = await startServer({ dataDir, store });
  let stopped = false;
  cleanups.push(() => (stopped ? undefined : server.stop()));
  const originalStop = server.stop;
  server.stop = async () => {
    stopped = true;
    await originalStop();
  };
  const token = await server.tokenFor('reporter', SITES);
  return { server, store, dataDir, token };
}

interface Phone extends WatchedPage {
  context: BrowserContext;
}

async function openForm(
  baseUrl: string,
  token: string,
  options: { width?: number; height?: number; lang?: string; colorScheme?: 'light' | 'dark' } = {},
): Promise<Phone> {
  const context = await files.browser.newContext({
    viewport: { width: options.width ?? 390, height: options.height ?? 844 },
    colorScheme: options.colorScheme ?? 'light',
  });
  cleanups.push(() => context.close());
  const watched = await watchedPage(context, baseUrl);
  await watched.page.goto(`${baseUrl}/report${options.lang ? `?lang=${options.lang}` : ''}#token=${token}`);
  await watched.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 });
  await watched.page.getByTestId('site-ibrahim-khalil').waitFor();
  await watched.page.waitForFunction(() => document.querySelector('[data-testid="network"]')?.getAttribute('data-state') === 'online');
  return { ...watched, context };
}

const items = (page: Page, state: 'queued' | 'sent' | 'needs_attention') => page.locator(`.report-item[data-state="${state}"]`).count();

async function waitForItems(page: Page, state: 'queued' | 'sent' | 'needs_attention', n: number, timeout = 30_000): Promise<void> {
  await page.waitForFunction(([s, count]) => document.querySelectorAll(`.report-item[data-state="${s}"]`).length === count, [state, n] as const, { timeout });
}

async function typeArrivals(page: Page, arrivals: number): Promise<void> {
  await page.getByTestId('site-ibrahim-khalil').click();
  await page.locator('input[name="arrivals"]').fill(String(arrivals));
  await page.getByTestId('send').click();
}

async function storedReports(store: Store, siteId: string) {
  const out = [];
  for await (const r of store.reports.query({ world: 'real', siteIds: [siteId] })) out.push(r);
  return out;
}

/** Where Send is on the screen as the page first shows it, without any scrolling. */
async function sendInView(page: Page) {
  return page.evaluate(() => {
    const button = document.querySelector('[data-testid="send"]');
    if (!button) return { found: false, top: 0, bottom: 0, height: window.innerHeight, scrollY: window.scrollY };
    const box = button.getBoundingClientRect();
    return { found: true, top: box.top, bottom: box.bottom, height: window.innerHeight, scrollY: window.scrollY };
  });
}

async function axeProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include('.report').analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the field form guards a tired lead', () => {
  it.each(PHONES)('asks before counting the same hour twice, and stores a confirmed second report once ($width×$height)', { timeout: 120_000 }, async ({ width, height }) => {
    const { server, store, token } = await serve();
    const { page, errors, outsideRequests } = await openForm(server.url, token, { width, height });

    await typeArrivals(page, 250);
    await waitForItems(page, 'sent', 1);
    expect(await page.getByTestId('last-ibrahim-khalil').textContent()).toMatch(/Last report: 250 arrivals in 1 h/);

    // The same hour again, a minute later: the form asks, naming the earlier report, and nothing is queued.
    await typeArrivals(page, 250);
    const question = page.getByTestId('warning-overlap');
    await question.waitFor();
    expect(await question.textContent()).toMatch(/^You reported 1 h at \d{1,2}:\d\d.*: 250 arrivals\. Send this as well\?$/);
    expect(await page.locator('.report-item').count()).toBe(1);
    if (width === 390) await page.getByTestId('confirm').screenshot({ path: `${SHOTS}/report-overlap-en.png` });

    // "No, correct it" sends nothing; asked again and confirmed, with a double tap, it is stored once.
    await page.getByRole('button', { name: 'No, correct it' }).click();
    expect(await page.locator('.report-item').count()).toBe(1);
    await page.getByTestId('send').click();
    await page.getByTestId('warning-overlap').waitFor();
    await page.getByRole('button', { name: 'Yes, send' }).dblclick();
    await waitForItems(page, 'sent', 2);
    await page.waitForTimeout(500);
    expect(await page.locator('.report-item').count()).toBe(2);
    const stored = await storedReports(store, 'ibrahim-khalil');
    expect(stored.map((r) => r.kind === 'arrivals' && r.arrivals)).toEqual([250, 250]);
    expect(new Set(stored.map((r) => r.id)).size).toBe(2);

    // A report another phone sent is known to the server: a new phone asks about it too.
    const otherPhone = await server.tokenFor('reporter', ['ibrahim-khalil']);
    const other = {
      id: crypto.randomUUID(),
      siteId: 'ibrahim-khalil',
      observedAt: new Date(Date.now() + 30_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      kind: 'arrivals',
      arrivals: 90,
      periodMinutes: 30,
    };
    expect((await server.request('POST', '/api/reports', otherPhone, other)).status).toBe(201);
    const second = await openForm(server.url, otherPhone, { width, height });
    await second.page.getByTestId('last-ibrahim-khalil').filter({ hasText: '90 arrivals' }).waitFor();
    await second.page.locator('input[name="arrivals"]').fill('80');
    await second.page.getByTestId('send').click();
    await second.page.getByTestId('warning-overlap').waitFor();
    expect(await second.page.getByTestId('warning-overlap').textContent()).toMatch(/The server already has 30 min at .+ from another phone or SMS: 90 arrivals\. Send this as well\?/);
    expect(outsideRequests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it.each(PHONES)('says "Server unreachable" while the server is down and sends within 5 s of its return, untouched ($width×$height)', { timeout: 120_000 }, async ({ width, height }) => {
    const { server, dataDir, token } = await serve();
    const { port } = server.app.httpServer.address() as AddressInfo;
    const { page, context } = await openForm(server.url, token, { width, height });

    // The process's server goes away; the network stays up.
    await server.stop();
    await typeArrivals(page, 120);
    await page.waitForFunction(() => document.querySelector('[data-testid="network"]')?.getAttribute('data-state') === 'unreachable', undefined, { timeout: 30_000 });
    expect(await page.getByTestId('network').textContent()).toMatch(/^Server unreachable/);
    expect(await page.evaluate(() => navigator.onLine)).toBe(true);
    expect(await items(page, 'queued')).toBe(1);
    // No network at all is a third thing, said differently.
    await context.setOffline(true);
    await page.waitForFunction(() => document.querySelector('[data-testid="network"]')?.getAttribute('data-state') === 'offline');
    expect(await page.getByTestId('network').textContent()).toMatch(/^Offline/);
    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelector('[data-testid="network"]')?.getAttribute('data-state') === 'unreachable', undefined, { timeout: 10_000 });
    // Long enough down that the health probe's backoff has reached its cap.
    await page.waitForTimeout(8_000);
    if (width === 390) await page.screenshot({ path: `${SHOTS}/report-unreachable-en.png` });

    // The server comes back on the same port with the same data; nobody taps anything.
    const store = openSqliteStore(dataDir);
    const back = await startServer({ dataDir, store, port });
    cleanups.push(() => back.stop());
    const returned = Date.now();
    await waitForItems(page, 'sent', 1, 10_000);
    const took = Date.now() - returned;
    expect(took).toBeLessThan(5_000);
    expect(await page.getByTestId('network').getAttribute('data-state')).toBe('online');
    expect(await page.getByTestId('status').textContent()).not.toMatch(/No connection/);
    expect(await store.reports.count('ibrahim-khalil')).toBe(1);
  });

  it('remembers the chosen site across a reload, and keeps Send in view for every kind of site', { timeout: 120_000 }, async () => {
    const { server, token } = await serve();
    for (const phone of PHONES) {
      for (const lang of ['en', 'ar']) {
        const { page } = await openForm(server.url, token, { ...phone, lang });
        for (const site of SITES) {
          await page.getByTestId(`site-${site}`).click();
          await page.evaluate(() => window.scrollTo(0, 0));
          const box = await sendInView(page);
          expect({ site, lang, ...phone, ...box, visible: box.found && box.top >= 0 && box.bottom <= box.height }).toMatchObject({ visible: true, scrollY: 0 });
          // Nothing wider than the phone, right to left too.
          expect({ site, lang, ...phone, overflow: await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth) }).toMatchObject({ overflow: 0 });
        }
        // The destinations step has its Send in view too.
        await page.getByTestId('site-ibrahim-khalil').click();
        await page.locator('input[name="arrivals"]').fill('300');
        await page.getByTestId('destinations-open').click();
        await page.evaluate(() => window.scrollTo(0, 0));
        const box = await sendInView(page);
        expect({ step: 'destinations', lang, ...phone, visible: box.found && box.top >= 0 && box.bottom <= box.height }).toMatchObject({ visible: true });
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
      }
    }

    const { page } = await openForm(server.url, token, { width: 360, height: 740 });
    await page.getByTestId('site-domiz-1').click();
    await page.reload();
    await page.getByTestId('site-domiz-1').waitFor();
    expect(await page.getByTestId('site-domiz-1').locator('input').isChecked()).toBe(true);
    expect(await page.locator('input[name="occupancy"]').count()).toBe(1);
  });

  it.each(PHONES)('sends where arrivals are heading, nearest governorates first, and the server stores them ($width×$height)', { timeout: 120_000 }, async ({ width, height }) => {
    const { server, store, token } = await serve();
    const { page, errors } = await openForm(server.url, token, { width, height });
    await page.getByTestId('site-ibrahim-khalil').click();
    await page.locator('input[name="arrivals"]').fill('300');
    await page.getByTestId('destinations-open').click();
    await page.getByTestId('destinations').waitFor();
    // Ibrahim Khalil is in Duhok, on the Turkish border: Duhok first, then Ninewa and Erbil.
    const order = await page.locator('.report-dest').evaluateAll((rows) => rows.slice(0, 3).map((r) => r.getAttribute('data-testid')));
    expect(order).toEqual(['dest-IQG09', 'dest-IQG15', 'dest-IQG11']);
    expect(await page.getByTestId('dest-unknown').textContent()).toMatch(/Don’t know: 300/);

    // More persons placed than arrived is refused next to the field, before anything is stored.
    await page.locator('input[name="dest-IQG11"]').fill('250');
    await page.locator('input[name="dest-IQG09"]').fill('100');
    await page.getByTestId('send').click();
    await page.getByTestId('destinations').getByText(/350 persons heading somewhere, more than the 300 arrivals/).waitFor();
    expect(await page.locator('.report-item').count()).toBe(0);

    await page.locator('input[name="dest-IQG11"]').fill('200');
    expect(await page.getByTestId('dest-unknown').textContent()).toMatch(/Don’t know: 0/);
    await page.locator('input[name="dest-IQG11"]').fill('150');
    expect(await page.getByTestId('dest-unknown').textContent()).toMatch(/Don’t know: 50/);
    // A governorate further away, from the rest of the list.
    await page.getByText('Other governorates').click();
    await page.locator('input[name="dest-IQG08"]').fill('20');
    if (width === 390) await page.screenshot({ path: `${SHOTS}/report-destinations-en.png` });
    await page.getByTestId('send').click();
    await waitForItems(page, 'sent', 1);
    const [stored] = await storedReports(store, 'ibrahim-khalil');
    expect(stored).toMatchObject({ kind: 'arrivals', arrivals: 300 });
    const destinations = stored?.kind === 'arrivals' ? stored.destinations : undefined;
    expect(new Map(destinations?.map((d) => [d.to, d.persons]))).toEqual(
      new Map([
        ['IQG11', 150],
        ['IQG09', 100],
        ['IQG08', 20],
        ['unknown', 30],
      ]),
    );
    // The form is back at the count, empty, for the next report.
    expect(await page.locator('input[name="arrivals"]').inputValue()).toBe('');
    expect(errors).toEqual([]);
  });

  it.each(['en', 'ar', 'ckb'])('has no serious or critical axe violation in %s, light, dark and sunlight', { timeout: 300_000 }, async (lang) => {
    const { server, token } = await serve();
    const problems: string[] = [];
    {
      for (const look of ['light', 'dark', 'sunlight'] as const) {
        const { page, context } = await openForm(server.url, token, { lang, colorScheme: look === 'dark' ? 'dark' : 'light' });
        if (look === 'sunlight') {
          await page.getByTestId('sunlight').click();
          expect(await page.locator('.report-sunlight').count()).toBe(1);
        }
        await page.getByTestId('site-ibrahim-khalil').click();
        await page.locator('input[name="arrivals"]').fill('250');
        for (const p of await axeProblems(page)) problems.push(`${lang} ${look} count: ${p}`);
        // The server knows the earlier rounds' reports of this site, so the first send may already ask.
        const before = await items(page, 'sent');
        await page.getByTestId('send').click();
        await page.waitForFunction((n) => document.querySelector('[data-testid="confirm"]') || document.querySelectorAll('.report-item[data-state="sent"]').length > n, before);
        if (await page.getByTestId('confirm').count()) await page.getByTestId('confirm').getByRole('button').first().click();
        await waitForItems(page, 'sent', before + 1);
        await page.locator('input[name="arrivals"]').fill('250');
        await page.getByTestId('send').click();
        await page.getByTestId('warning-overlap').waitFor();
        for (const p of await axeProblems(page)) problems.push(`${lang} ${look} overlap: ${p}`);
        const shoot = lang !== 'ckb';
        if (shoot) await page.screenshot({ path: `${SHOTS}/report-${look}-overlap-${lang}.png` });
        await page.getByTestId('confirm').getByRole('button').nth(1).click();
        await page.getByTestId('destinations-open').click();
        await page.locator('input[name="dest-IQG11"]').fill('100');
        for (const p of await axeProblems(page)) problems.push(`${lang} ${look} destinations: ${p}`);
        if (shoot) await page.screenshot({ path: `${SHOTS}/report-${look}-destinations-${lang}.png` });
        await page.reload();
        await page.getByTestId('site-ibrahim-khalil').waitFor();
        await page.locator('input[name="arrivals"]').fill('40');
        if (shoot) await page.screenshot({ path: `${SHOTS}/report-${look}-${lang}.png` });
        for (const p of await axeProblems(page)) problems.push(`${lang} ${look} reload: ${p}`);
        // The sunlight mode is remembered: a reload keeps it.
        expect(await page.locator('.report-sunlight').count()).toBe(look === 'sunlight' ? 1 : 0);
        await context.close();
      }
    }
    expect(problems).toEqual([]);
  });
});

// The admin token is how the test reads back what another phone would see; keep the import used.
void ADMIN_TOKEN;
