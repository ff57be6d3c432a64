// The thresholds, drills and audit pages in Chromium against the real server, in English and Arabic:
// an admin with only the first start's link (as in admin.test.ts) lowers a threshold after reading the preview and sees another dashboard's map change live,
// raises it again, starts, stops and clears a drill, filters the audit log and downloads its CSV, and
// downloads the overview's CSV export. With SCREENSHOT_DIR set, each page is also shot at 1920×1080.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Running } from '../server/testing/harness.ts';
import { launchBrowser, type WatchedPage } from './support/browser.ts';
import { SCREEN_TIMEOUT_MS, expectClean, mapReady, openScreen, pictureLoaded } from './support/screens.ts';
import { arrivals, post } from './support/seed.ts';

const SHOTS = process.env.SCREENSHOT_DIR;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/**
 * No request left the server and nothing failed, but for the refusals a test provoked on purpose: the
 * browser logs each answer of 400 as a console error.
 */
function cleanBut(watched: WatchedPage, refusals: number): void {
  expect(watched.outsideRequests).toEqual([]);
  const refused = watched.errors.filter((e) => /the server responded with a status of 400/.test(e));
  expect(refused).toHaveLength(refusals);
  expect(watched.errors.filter((e) => !refused.includes(e))).toEqual([]);
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = (await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), click()])) as [Download, void];
  return { name: download.suggestedFilename(), text: fs.readFileSync((await download.path())!, 'utf8') };
}

describe.each(['en', 'ar'] as const)('the admin pages in %s', (lang) => {
  let server: Running;
  let context: BrowserContext;
  /** The admin has only the first start's link: no HBM_ADMIN_TOKEN, the token the server made. */
  let firstAdmin: string;
  beforeAll(async () => {
    server = await startServer({ config: { adminToken: undefined } });
    firstAdmin = server.app.createdAdminToken!;
    // Safwan at 800 an hour, under its own line of 1,000: quiet.
    await post(server, [arrivals('safwan', 800, 10 * 60_000)], firstAdmin);
    context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  });
  afterAll(async () => {
    await context?.close();
    await server?.stop();
  });

  it(
    'lowers and raises a threshold after reading the preview, and another dashboard redraws live',
    async () => {
      const overview = await openScreen(context, server, `/?lang=${lang}&testhooks`, firstAdmin);
      await pictureLoaded(overview.page);
      await mapReady(overview.page);
      const safwan = () => overview.page.evaluate(() => window.aminaMap!.getFeatureState({ source: 'sites', id: 'safwan' }).condition);
      expect(await safwan()).toBe('ok');
      await overview.page.evaluate(() => Object.assign(window, { notReloaded: true }));

      const admin = await openScreen(context, server, `/admin/thresholds?lang=${lang}`, firstAdmin);
      const { page } = admin;
      expect(await page.getAttribute('html', 'dir')).toBe(lang === 'en' ? 'ltr' : 'rtl');
      const line = page.locator('[data-override="safwan"] input');
      await expect.poll(() => line.inputValue(), { timeout: 15_000 }).toBe('1000');
      const save = page.getByTestId('thresholds-save');
      expect(await save.isDisabled()).toBe(true);

      // A typo first: the server's message next to the field, and nothing to save.
      const national = page.locator('[data-field="checkpointSurge.arrivals1h"]');
      await national.fill('five hundred');
      await page.getByTestId('thresholds-preview').click();
      await page.locator('[data-problem-for="checkpointSurge.arrivals1h"]').waitFor();
      expect(await save.isDisabled()).toBe(true);
      await national.fill('500');

      // Lowered to 700: the preview says Safwan's alert would open; saved, the other page turns it warning.
      await line.fill('700');
      await page.getByTestId('thresholds-preview').click();
      await page.locator('[data-testid=thresholds-preview-list] [data-subject=safwan][data-change=open]').waitFor();
      await shoot(page, `admin-thresholds-${lang}`);
      await save.click();
      await page.getByTestId('thresholds-saved').waitFor();
      await expect.poll(safwan, { timeout: 15_000 }).toBe('warning');

      // Raised back to 1,000: the preview says it would resolve; saved, the map is quiet again.
      await line.fill('1000');
      await page.getByTestId('thresholds-preview').click();
      await page.locator('[data-testid=thresholds-preview-list] [data-subject=safwan][data-change=resolve]').waitFor();
      await save.click();
      await page.getByTestId('thresholds-saved').waitFor();
      await expect.poll(safwan, { timeout: 15_000 }).toBe('ok');
      expect(await overview.page.evaluate(() => 'notReloaded' in window)).toBe(true);
      expect((await server.request('GET', '/api/thresholds', firstAdmin)).body.checkpointSurge.perSite.safwan).toBe(1000);

      // The overview's CSV export, fetched with the token: the HXL rows of what was reported.
      const csv = await downloaded(overview.page, () => overview.page.getByTestId('download-csv').click());
      expect(csv.name).toMatch(/^amina-reports-start-\d{8}T\d{4}Z\.csv$/);
      const rows: string[][] = parse(csv.text);
      expect(rows[1]).toContain('#loc+code');
      const column = rows[1]!.indexOf('#affected+arrivals+ind');
      const site = rows[1]!.indexOf('#loc+code');
      expect(rows.slice(2).map((r) => [r[site], r[column]])).toEqual([['safwan', '800']]);
      // The CAP feed: the Safwan alert raised and resolved a moment ago, as a Cancel message.
      const cap = await downloaded(overview.page, () => overview.page.getByTestId('download-cap').click());
      expect(cap.text).toMatch(/^<\?xml/);
      expect(cap.text).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
      expect(cap.text).toContain('<status>Actual</status>');
      expect(cap.text).toContain('<msgType>Cancel</msgType>');
      expect(await overview.page.getByTestId('api-docs').getAttribute('href')).toBe('/api/docs');
      // no token ever in an address the pages asked for
      expectClean(overview);
      cleanBut(admin, 1);
      await overview.page.close();
      await page.close();
    },
    SCREEN_TIMEOUT_MS,
  );

  it(
    'starts a drill, shows its progress, refuses a bad speed, stops it and clears the exercise world',
    async () => {
      const drills = await openScreen(context, server, `/admin/drills?lang=${lang}`, firstAdmin);
      const { page } = drills;
      page.on('dialog', (dialog) => void dialog.accept());
      const status = page.getByTestId('drill-status');
      await expect.poll(() => page.locator('#drill-scenario option').count(), { timeout: 15_000 }).toBeGreaterThan(0);
      expect(await page.locator('#drill-scenario').inputValue()).toBe('mass-crossing-duhok-erbil-72h');

      await page.locator('#drill-speed').fill('0');
      await page.getByTestId('drill-start').click();
      await page.locator('[data-problem-for=speed]').waitFor();
      expect(await status.getAttribute('data-state')).toBe('none');

      await page.locator('#drill-speed').fill('2000');
      await page.getByTestId('drill-start').click();
      await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('running');
      await expect
        .poll(async () => (await server.request('GET', '/api/drills/current', firstAdmin)).body.drill.posted, { timeout: 20_000 })
        .toBeGreaterThan(10);
      await page.waitForTimeout(1500);
      await shoot(page, `admin-drills-${lang}`);
      await page.getByTestId('drill-stop').click();
      await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('stopped');
      const { posted } = (await server.request('GET', '/api/drills/current', firstAdmin)).body.drill;

      await page.getByTestId('drill-clear').click();
      await page.getByTestId('drill-note').waitFor();
      // the count in the page's own digits (Arabic-Indic in Arabic)
      const digits = lang === 'ar' ? String(posted).replace(/\d/g, (d) => '٠١٢٣٤٥٦٧٨٩'[Number(d)]!) : String(posted);
      expect(await page.getByTestId('drill-note').textContent()).toContain(digits);
      const exercise = (await server.request('GET', '/api/snapshot?exercise=only', firstAdmin)).body;
      expect(exercise.sites.filter((s: { lastReportAt: string | null }) => s.lastReportAt !== null)).toEqual([]);
      cleanBut(drills, 1);
      await page.close();
    },
    SCREEN_TIMEOUT_MS,
  );

  it(
    'filters the audit log and downloads what it shows as CSV',
    async () => {
      const audit = await openScreen(context, server, `/admin/audit?lang=${lang}`, firstAdmin);
      const { page } = audit;
      const rows = page.locator('[data-testid=audit-table] tbody tr');
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(4);

      // A reversed range: the server's message next to the field.
      await page.locator('#audit-from').fill('2026-11-28T13:00:00');
      await page.locator('#audit-to').fill('2026-11-28T12:00:00');
      await page.getByTestId('audit-apply').click();
      await page.locator('[data-problem-for=to]').waitFor();
      await page.locator('#audit-from').fill('');
      await page.locator('#audit-to').fill('');

      await page.locator('#audit-action').selectOption('thresholds.change');
      await page.getByTestId('audit-apply').click();
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
      expect(await page.locator('[data-testid=audit-table] tbody tr[data-action="thresholds.change"]').count()).toBe(2);
      await shoot(page, `admin-audit-${lang}`);

      const csv = await downloaded(page, () => page.getByTestId('audit-download').click());
      expect(csv.name).toMatch(/^amina-audit-start-\d{8}T\d{4}Z\.csv$/);
      const table: string[][] = parse(csv.text);
      expect(table[0]).toEqual(['At', 'Action', 'Actor', 'Actor role', 'Actor token id', 'Subject', 'Request id', 'Entry id', 'Details (JSON)']);
      expect(table.slice(1).map((r) => [r[1], r[2]])).toEqual([
        ['thresholds.change', 'first admin'],
        ['thresholds.change', 'first admin'],
      ]);
      expect(JSON.parse(table[1]![8]!).thresholds.checkpointSurge.perSite.safwan).toBe(1000);
      cleanBut(audit, 1);
      await page.close();
    },
    SCREEN_TIMEOUT_MS,
  );
});
